package dev.gradcheck.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gradcheck.EntryResult;
import dev.gradcheck.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The report's worst entries: the first k of a stable sort, found without sorting everything. */
class WorstEntriesTest {
    private static final long SEED = 20261124L;

    @Test
    void firstKOfAStableSortWithManyTies() {
        SplittableRandom rng = new SplittableRandom(SEED);
        Status[] statuses = {Status.PASS, Status.FAIL, Status.KINK, Status.SKIPPED};
        for (int round = 0; round < 200; round++) {
            int n = rng.nextInt(60);
            List<EntryResult> entries = new ArrayList<>();
            for (int j = 0; j < n; j++) {
                // few distinct errors and tolerances, so ties are common
                double abs = rng.nextInt(4) * 0.5;
                double tol = 1 + rng.nextInt(2);
                double numeric = rng.nextInt(3) == 0 ? Double.NaN : 1.0;
                entries.add(new EntryResult(new int[] {j}, numeric + abs, numeric, tol, 0,
                        statuses[rng.nextInt(statuses.length)]));
            }
            for (int k : new int[] {0, 1, 5, 70}) {
                List<EntryResult> sorted = new ArrayList<>(entries);
                sorted.sort(Checker.worstFirst());
                List<EntryResult> want = sorted.subList(0, Math.min(k, sorted.size()));
                assertEquals(want.toString(), Checker.worst(entries, k).toString(),
                        "round " + round + ", k " + k + " (seed " + SEED + ")");
            }
        }
    }
}

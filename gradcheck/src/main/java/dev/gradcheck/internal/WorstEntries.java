package dev.gradcheck.internal;

import dev.gradcheck.EntryResult;
import dev.gradcheck.Status;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The report's worst entries: failing first, then by how far beyond their tolerance, then in flat order. */
final class WorstEntries {
    /** Failing entries first, then by how far beyond their tolerance, then by flat order. */
    static final Comparator<EntryResult> WORST_FIRST = Comparator
            .comparingDouble((EntryResult e) -> -severity(e))
            .thenComparingDouble(e -> -excess(e));

    private WorstEntries() {
    }

    /**
     * The first {@code k} entries in {@link #WORST_FIRST} order, ties in list order: what a stable
     * sort would put first, without sorting every entry (FULL mode has one per input entry).
     */
    static List<EntryResult> first(List<EntryResult> entries, int k) {
        List<EntryResult> top = new ArrayList<>(k + 1);
        for (EntryResult e : entries) {
            if (top.size() == k && (k == 0 || WORST_FIRST.compare(e, top.get(k - 1)) >= 0)) {
                continue;
            }
            int at = top.size();
            while (at > 0 && WORST_FIRST.compare(e, top.get(at - 1)) < 0) {
                at--;
            }
            top.add(at, e);
            if (top.size() > k) {
                top.remove(k);
            }
        }
        return top;
    }

    private static double severity(EntryResult e) {
        return e.status() == Status.FAIL ? 2 : e.status() == Status.KINK ? 1 : e.status() == Status.SKIPPED ? 0.5 : 0;
    }

    private static double excess(EntryResult e) {
        double a = e.absError();
        if (Double.isNaN(a)) {
            return Double.POSITIVE_INFINITY;
        }
        return a / Math.max(e.tolerance(), Double.MIN_NORMAL);
    }
}

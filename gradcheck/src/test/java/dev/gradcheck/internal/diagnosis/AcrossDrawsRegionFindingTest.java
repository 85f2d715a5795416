package dev.gradcheck.internal.diagnosis;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcheck.EntryResult;
import dev.gradcheck.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.DoubleBinaryOperator;
import org.junit.jupiter.api.Test;

/**
 * A region over an input's draws pooled ({@link Findings#acrossPointsWithinDraws}): named when some
 * draw holds both wrong and right entries on either side of the threshold, not when each draw is
 * wholly wrong or wholly right (the threshold then only tells the draws' magnitudes apart).
 */
class AcrossDrawsRegionFindingTest {
    private static final double[] MAGNITUDES = {1, 10, 100};
    private static final int N = 12;

    /**
     * One draw of two [12] inputs at magnitude {@code mag}, the gradient of input0 numeric = x − y + 3
     * (never near 0), analytic = numeric·{@code factor(x, y)}; judged within 1e-9 relative.
     */
    private static Evidence draw(Random rnd, double mag, DoubleBinaryOperator factor) {
        double[] x = new double[N];
        double[] y = new double[N];
        List<EntryResult> entries = new ArrayList<>();
        for (int k = 0; k < N; k++) {
            // |x| in [mag/2, mag]: the draws' magnitudes do not overlap
            x[k] = (rnd.nextBoolean() ? 1 : -1) * mag * (0.5 + 0.5 * rnd.nextDouble());
            y[k] = x[k] + mag * (2 * rnd.nextDouble() - 1) * 1.5;
            double numeric = 1 + Math.abs(x[k] - y[k]);
            double analytic = numeric * factor.applyAsDouble(x[k], y[k]);
            double tol = 1e-9 * Math.abs(numeric);
            entries.add(new EntryResult(new int[] {k}, analytic, numeric, tol, Double.NaN,
                    Math.abs(analytic - numeric) <= tol ? Status.PASS : Status.FAIL));
        }
        return Evidence.of(new int[] {N}, entries, Evidence.Scope.FULL)
                .point(0, new String[] {"input0", "input1"}, new int[][] {{N}, {N}}, new double[][] {x, y}).build();
    }

    private static List<Evidence> draws(long seed, DoubleBinaryOperator factor) {
        Random rnd = new Random(seed);
        List<Evidence> out = new ArrayList<>();
        for (double mag : MAGNITUDES) {
            out.add(draw(rnd, mag, factor));
        }
        return out;
    }

    @Test
    void aBranchOfTheDifferenceWrongAtSomeEntriesOfADrawIsNamedOverAllDraws() {
        int named = 0;
        for (long seed = 0; seed < 20; seed++) {
            List<Evidence> d = draws(seed, (x, y) -> Math.abs(x - y) < 1 ? 2 : 1);
            if (d.stream().noneMatch(e -> e.wrongCount() > 0)) {
                continue; // no entry in the branch at this seed: nothing to name
            }
            named++;
            Diagnosis r = Findings.acrossPointsWithinDraws(d);
            long s = seed;
            assertNotNull(r, () -> "seed " + s);
            // the region named, or named as separating the entries as well when another variable does too
            assertTrue(r.text().contains("wrong only where |input0 − input1| < 1")
                    || r.text().contains("; |input0 − input1| < 1 separates them as well"), () -> "seed " + s + ": "
                    + r.text());
            assertTrue(r.kinds().contains(FactorFinding.KIND), () -> "seed " + s + ": " + r.kinds());
        }
        assertTrue(named >= 15, "only " + named + " seeds with a wrong entry");
    }

    @Test
    void drawsWhollyWrongOrWhollyRightGiveNoRegion() {
        // wrong at every entry of the draws at |x|~1 and 10, right at every entry at |x|~100: |input0| < 20
        // separates them, but only as the draws' magnitudes do (a term that fades where a function saturates)
        int separatedByMagnitude = 0;
        for (long seed = 0; seed < 20; seed++) {
            List<Evidence> d = draws(seed, (x, y) -> Math.abs(x) < 20 ? 1.5 : 1);
            long s = seed;
            assertTrue(d.stream().noneMatch(e -> e.wrongCount() > 0 && e.wrongCount() < N),
                    () -> "seed " + s + ": a draw both wrong and right");
            assertNull(Findings.acrossPointsWithinDraws(d), () -> "seed " + s);
            separatedByMagnitude += Findings.acrossPoints(Evidence.pool(d)) != null ? 1 : 0;
        }
        // the pooled entries alone give a region: what the rule keeps out
        assertTrue(separatedByMagnitude >= 10, "only " + separatedByMagnitude + " seeds separated by magnitude");
    }

    @Test
    void aCorrectGradientGivesNothing() {
        for (long seed = 0; seed < 5; seed++) {
            assertNull(Findings.acrossPointsWithinDraws(draws(seed, (x, y) -> 1)));
        }
    }
}

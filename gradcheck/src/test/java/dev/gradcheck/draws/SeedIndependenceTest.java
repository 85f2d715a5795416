package dev.gradcheck.draws;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcheck.CheckOptions;
import dev.gradcheck.CustomOpCheck;
import dev.gradcheck.Domain;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Neighbouring seeds give independent draws: the inputs CustomOpCheck draws at seeds s and s + 1
 * are uncorrelated at every shift. (With the seeds mixed linearly by SplittableRandom's own step,
 * seed s + 1 drew seed s's values shifted by one: correlation 1 at shift 1.)
 */
class SeedIndependenceTest {
    private static final int SEEDS = 40;
    private static final int N = 64;

    /** The point of the first draw at each seed 0 … SEEDS (the forward's first call). */
    private static List<double[]> firstDraws(String name) {
        List<double[]> draws = new ArrayList<>();
        for (long seed = 0; seed <= SEEDS; seed++) {
            RecordingOp op = new RecordingOp(name, N, Math::sin, Math::cos, Domain.undeclared());
            CustomOpCheck.check(op, CheckOptions.defaults().withSeed(seed).withDraws(1).withThreads(1).withTaylor(false));
            draws.add(op.forwardPoints.get(0));
        }
        return draws;
    }

    @Test
    void consecutiveSeedsAreUncorrelatedAtEveryShift() {
        List<double[]> draws = firstDraws("sin");
        for (int shift = -3; shift <= 3; shift++) {
            double sxy = 0;
            double sxx = 0;
            double syy = 0;
            for (int s = 0; s < SEEDS; s++) {
                double[] x = draws.get(s);
                double[] y = draws.get(s + 1);
                for (int j = Math.max(0, -shift); j < N && j + shift < N; j++) {
                    sxy += x[j] * y[j + shift];
                    sxx += x[j] * x[j];
                    syy += y[j + shift] * y[j + shift];
                }
            }
            double corr = sxy / Math.sqrt(sxx * syy);
            // about 2500 pairs: independent draws give |corr| ~ 0.02; the old seeds gave 1.0 at shift 1
            final int sh = shift;
            assertTrue(Math.abs(corr) < 0.08, () -> "seeds s and s+1 correlate " + corr + " at shift " + sh);
        }
    }

    @Test
    void neighbouringNamesDrawIndependently() {
        List<double[]> a = firstDraws("op_a");
        List<double[]> b = firstDraws("op_b");
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int s = 0; s <= SEEDS; s++) {
            for (int j = 0; j < N; j++) {
                sxy += a.get(s)[j] * b.get(s)[j];
                sxx += a.get(s)[j] * a.get(s)[j];
                syy += b.get(s)[j] * b.get(s)[j];
            }
        }
        double corr = sxy / Math.sqrt(sxx * syy);
        assertTrue(Math.abs(corr) < 0.08, () -> "ops 'op_a' and 'op_b' correlate " + corr);
    }
}

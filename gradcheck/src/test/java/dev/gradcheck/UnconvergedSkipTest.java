package dev.gradcheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A forward with noise of 1e-6 (a deterministic hash of x's bits) has no derivative any step can
 * measure to 1e-7: the default check re-draws the point twice and then skips the entries with the
 * reason, instead of passing or failing on noise. When no entry of the input could be judged the
 * input is an {@code error} (nothing was checked, and a wrong gradient would read the same); when
 * some could, the others are {@code skipped}. PyTorch's fixed step and tolerance fail it (noise /
 * 1e-6 is of order 1).
 */
class UnconvergedSkipTest {
    private static double noise(double x) {
        long h = Double.doubleToLongBits(x) * 0x9E3779B97F4A7C15L;
        return 1e-6 * (((h >>> 11) * 0x1p-53) - 0.5);
    }

    static final Fn NOISY_SIN = Fn.elementwise(x -> Math.sin(x) + noise(x), Math::cos);

    @Test
    void noisyForwardWithNoEntryJudgedIsAnErrorWithTheReasonAfterReDraws() {
        double[] x0 = Fn.randn(new SplittableRandom(0), 6);
        CheckReport r0 = GradCheck.of(NOISY_SIN).at(x0).seed(0).check();
        CheckResult c0 = r0.checks().get(0);
        assertEquals(Status.ERROR, c0.status(), r0::toText);
        assertFalse(r0.passed(), r0::toText);
        assertEquals(6, c0.entriesSkipped(), r0::toText);
        assertEquals(0, c0.entriesChecked(), r0::toText);
        assertTrue(c0.error().startsWith("none of the 6 entries could be judged"), c0::error);
        assertTrue(c0.error().contains("did not converge"), c0::error);
        // the outputs are doubles: no float32 advice
        assertFalse(c0.error().contains("FLOAT32"), c0::error);
        assertTrue(c0.diagnosis().contains("re-drawn nearby 2 time(s)"), c0::diagnosis);
        assertTrue(r0.toJson().contains("\"entries_skipped\" : 6"), r0::toJson);
        // over many points: never a failure, never a pass with nothing judged; an entry is judged
        // only when two tableaux settle and agree by chance (about 5% of entries), and it then passes
        long skipped = 0;
        for (long seed = 0; seed < NoFalseAlarmTest.SEEDS; seed++) {
            double[] x = Fn.randn(new SplittableRandom(seed), 6);
            CheckReport r = GradCheck.of(NOISY_SIN).at(x).seed(seed).check();
            CheckResult c = r.checks().get(0);
            long s = seed;
            if (c.entriesChecked() == 0) {
                assertEquals(Status.ERROR, c.status(), () -> "seed " + s + ":\n" + r.toText());
            } else {
                assertEquals(Status.SKIPPED, c.status(), () -> "seed " + s + ":\n" + r.toText());
            }
            skipped += c.entriesSkipped();
        }
        long k = skipped;
        assertTrue(k >= 0.8 * 6 * NoFalseAlarmTest.SEEDS, () -> k + " of " + 6 * NoFalseAlarmTest.SEEDS + " skipped");
    }

    @Test
    void pytorchsFixedStepFailsOnTheSameNoise() {
        double[] x = Fn.randn(new SplittableRandom(0), 6);
        CheckReport r = GradCheck.of(NOISY_SIN).at(x).tolerance(Tolerance.pytorch()).check();
        assertFalse(r.passed(), r::toText);
    }

    @Test
    void aWrongGradientIsStillCaughtWhenSomeEntriesAreSkipped() {
        // entries 0-2 noisy (skipped), entries 3-5 smooth with a doubled gradient (fail)
        Fn mixed = Fn.of(in -> {
            double[] y = new double[in[0].length];
            for (int i = 0; i < y.length; i++) {
                y[i] = Math.sin(in[0][i]) + (i < 3 ? noise(in[0][i]) : 0);
            }
            return y;
        }, (in, g) -> {
            double[] d = new double[in[0].length];
            for (int i = 0; i < d.length; i++) {
                d[i] = g[i] * Math.cos(in[0][i]) * (i < 3 ? 1 : 2);
            }
            return new double[][] {d};
        });
        CheckReport r = GradCheck.of(mixed).at(Fn.randn(new SplittableRandom(3), 6)).check();
        assertEquals(Status.FAIL, r.checks().get(0).status(), r::toText);
    }
}

package dev.gradcheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcheck.engine.Functional;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.testing.Elementwise;
import dev.gradcheck.testing.LambdaOp;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * No silent passes: the numeric side takes differences output by output, so an entry's error
 * estimate stays on the scale of the outputs it moves; an entry the estimate cannot resolve is
 * skipped with the reason, never passed; FAST mode counts the function's own rounding noise and
 * re-judges a projection that blames no entry.
 */
class NoSilentPassTest {
    private static final int SEEDS = 5;

    /**
     * Elementwise exp over [4, 8], its gradient doubled at one entry: {@code planted} 0 is the
     * entry nearest 0 (a derivative of about 1 beside outputs up to e³⁰⁰ at |x| ~ 100), 1 the entry
     * with the largest x up to 20 (a derivative up to e²⁰ beside them). (Entries whose derivative
     * is below the default tolerance's absolute floor of 1e-12 are not judged relatively.)
     */
    private static Fn exp(int planted) {
        return Fn.of(Elementwise.forward(Math::exp), (in, g) -> {
            double[] x = in[0];
            Integer[] order = new Integer[x.length];
            for (int i = 0; i < x.length; i++) {
                order[i] = i;
            }
            java.util.Arrays.sort(order, (p, q) -> planted == 0 ? Double.compare(Math.abs(x[p]), Math.abs(x[q]))
                    : Double.compare(x[p] <= 20 ? -x[p] : 1e300, x[q] <= 20 ? -x[q] : 1e300));
            int at = order[0];
            double[] d = new double[x.length];
            for (int i = 0; i < d.length; i++) {
                d[i] = g[i] * Math.exp(x[i]) * (i == at ? 2 : 1);
            }
            return new double[][] {d};
        });
    }

    private static double[] draw(long seed, double magnitude) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] x = new double[32];
        for (int i = 0; i < x.length; i++) {
            x[i] = magnitude * rng.nextGaussian();
        }
        return x;
    }

    @Test
    void aDoubledEntryOfExpIsCaughtAtEveryMagnitude() {
        for (double m : new double[] {1, 10, 100}) {
            for (int planted : new int[] {0, 1}) {
                for (long seed = 0; seed < SEEDS; seed++) {
                    CheckReport r = GradCheck.of(exp(planted)).at(draw(seed, m)).shapes(new int[] {4, 8}).seed(seed)
                            .check();
                    final long s = seed;
                    assertEquals(Status.FAIL, r.checks().get(0).status(), () -> "|x|~" + m + ", planted at " + planted
                            + ", seed " + s + ":\n" + r.toText());
                }
            }
        }
    }

    @Test
    void theRightExpPassesAtEveryMagnitude() {
        Fn right = Fn.elementwise(Math::exp, Math::exp);
        for (double m : new double[] {1, 10, 100}) {
            for (long seed = 0; seed < SEEDS; seed++) {
                CheckReport r = GradCheck.of(right).at(draw(seed, m)).shapes(new int[] {4, 8}).seed(seed).check();
                assertEquals(Status.PASS, r.checks().get(0).status(), r::toText);
            }
        }
    }

    @Test
    void anOverflowGuardThatDoublesTheSmallEntriesIsCaught() {
        // the backward's guard branch, taken when an input exceeds 20, doubles every other entry's gradient
        CustomOp guarded = LambdaOp.named("guarded_exp").shape(4, 8).forward(Elementwise.forward(Math::exp))
                .backward((in, g) -> {
                    double[] x = in[0];
                    boolean guard = false;
                    for (double v : x) {
                        guard |= v > 20;
                    }
                    double[] d = new double[x.length];
                    for (int i = 0; i < d.length; i++) {
                        d[i] = g[i] * Math.exp(x[i]) * (guard && x[i] <= 20 ? 2 : 1);
                    }
                    return new double[][] {d};
                }).build();
        for (long seed = 0; seed < 10; seed++) {
            CheckResult r = CustomOpCheck.check(guarded, CheckOptions.defaults().withSeed(seed));
            assertEquals(Status.FAIL, r.status(), "seed " + seed + ":\n" + r);
        }
    }

    @Test
    void anEntryTheEstimateCannotResolveIsSkippedWithTheReason() {
        // y1 = 1e12 + x1: its derivative 1 drowns in the rounding of its own output; y0 gives the
        // input a large gradient scale, under which the estimate of entry 1 settles
        Fn f = Fn.of(in -> new double[] {1e8 * in[0][0], 1e12 + in[0][1]},
                (in, g) -> new double[][] {{1e8 * g[0], g[1]}});
        CheckReport r = GradCheck.of(f).at(new double[] {0.3, 0.7}).check();
        CheckResult c = r.checks().get(0);
        assertEquals(Status.SKIPPED, c.status(), r::toText);
        assertTrue(c.error().contains("low resolution"), c::error);
        assertEquals(1, c.entriesSkipped(), r::toText);
    }

    @Test
    void theSumOfBatchNormPassesFastModeAtEverySeed() {
        for (long seed = 0; seed < 8; seed++) {
            Tensor x = Tensor.randn(new SplittableRandom(seed), 2, 3, 4, 4);
            CheckReport r = GradCheck.of(xs -> Functional.batchNorm(xs[0], null, null).sum()).at(x).mode(Mode.FAST)
                    .seed(seed).check();
            final long s = seed;
            assertTrue(r.passed(), () -> "seed " + s + ":\n" + r.toText());
        }
    }

    @Test
    void underflowedValuesDoNotReadAsAHundredPercentError() {
        Fn tiny = Fn.elementwise(v -> 1e-300 * v * v * v, v -> 3e-300 * v * v);
        CheckReport r = GradCheck.of(tiny).at(new double[] {0.5, -1.2, 2.0}).check();
        CheckResult c = r.checks().get(0);
        assertTrue(c.passed(), r::toText);
        assertTrue(c.maxRelError() < 1e-3, r::toText);
        assertFalse(r.toText().contains("max rel 1.00"), r::toText);
    }
}

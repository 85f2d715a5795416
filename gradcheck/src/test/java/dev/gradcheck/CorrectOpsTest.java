package dev.gradcheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * No false alarms: correct ops pass (status pass or kink) over many seeds, including relu, abs and
 * maximum exactly at and within one step of their kinks.
 */
class CorrectOpsTest {
    private static final int SEEDS = Integer.getInteger("gradcheck.seeds", 60);

    static final Fn RELU = Fn.elementwise(v -> Math.max(v, 0), v -> v > 0 ? 1 : 0);
    static final Fn ABS = Fn.elementwise(Math::abs, Math::signum);
    static final Fn TANH = Fn.elementwise(Math::tanh, v -> 1 - Math.tanh(v) * Math.tanh(v));

    /** maximum(a, b) with PyTorch's tie rule: the gradient is split evenly. */
    static final Fn MAXIMUM = Fn.of(in -> {
        double[] y = new double[in[0].length];
        for (int i = 0; i < y.length; i++) {
            y[i] = Math.max(in[0][i], in[1][i]);
        }
        return y;
    }, (in, go) -> {
        double[] da = new double[go.length];
        double[] db = new double[go.length];
        for (int i = 0; i < go.length; i++) {
            double a = in[0][i];
            double b = in[1][i];
            double wa = a > b ? 1 : a < b ? 0 : 0.5;
            da[i] = go[i] * wa;
            db[i] = go[i] * (1 - wa);
        }
        return new double[][] {da, db};
    });

    /** Values around a kink at 0: exactly at it, within one step, and ordinary ones. */
    static double[] nearKinks(SplittableRandom rng, int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            switch (rng.nextInt(4)) {
                case 0: x[i] = 0; break;
                case 1: x[i] = (rng.nextDouble() * 2 - 1) * 1e-6; break;
                case 2: x[i] = (rng.nextDouble() * 2 - 1) * 3e-6; break;
                default: x[i] = rng.nextGaussian();
            }
        }
        return x;
    }

    private static void assertNoFalseAlarm(String what, long seed, CheckReport r) {
        assertTrue(r.passed(), () -> what + " failed at seed " + seed + ":\n" + r.toText());
    }

    @Test
    void anEntryWithinAStepOfAKinkIsAKinkNotALowResolutionSkip() {
        // FAST mode's localised entries at 1e-7 and 5e-7 from abs's kink: their estimates straddle
        // it (coarse, so they passed within a wide tolerance and were then skipped for low resolution)
        double[] x = {-1e-5, -11.86648052221593, 0, 1e-7, 0, -1e-9, 5e-7, 0};
        Fn absLeftAtKink = Fn.elementwise(Math::abs, v -> v > 0 ? 1 : -1); // subgradient -1 at 0
        CheckReport r = GradCheck.of(absLeftAtKink).at(x).names("x").mode(Mode.FAST).seed(240112).check();
        CheckResult c = r.check("x");
        assertEquals(Status.KINK, c.status(), r::toText);
        assertTrue(c.worst().stream().noneMatch(e -> e.status() == Status.SKIPPED), r::toText);
    }

    @Test
    void reluAbsNearKinksOverManySeeds() {
        int kinks = 0;
        for (long seed = 0; seed < SEEDS; seed++) {
            SplittableRandom rng = new SplittableRandom(seed);
            Scheme scheme = Scheme.values()[(int) (seed % 3)];
            Tolerance tol = seed / 3 % 2 == 0 ? Tolerance.pytorch() : Tolerance.model();
            for (Fn f : new Fn[] {RELU, ABS}) {
                CheckReport r = GradCheck.of(f).at(nearKinks(rng, 12)).scheme(scheme).tolerance(tol).seed(seed).check();
                assertNoFalseAlarm((f == RELU ? "relu " : "abs ") + scheme + " " + tol, seed, r);
                kinks += r.checks().get(0).status() == Status.KINK ? 1 : 0;
            }
        }
        assertTrue(kinks > 0, "points at the kink should give status kink at least once");
    }

    @Test
    void maximumWithTiesOverManySeeds() {
        for (long seed = 0; seed < SEEDS; seed++) {
            SplittableRandom rng = new SplittableRandom(seed);
            double[] a = Fn.randn(rng, 10);
            double[] b = Fn.randn(rng, 10);
            for (int i = 0; i < 10; i += 3) {
                b[i] = a[i] + (rng.nextBoolean() ? 0 : (rng.nextDouble() - 0.5) * 2e-6);
            }
            Scheme scheme = Scheme.values()[(int) (seed % 3)];
            Tolerance tol = seed / 3 % 2 == 0 ? Tolerance.pytorch() : Tolerance.model();
            assertNoFalseAlarm("maximum " + scheme + " " + tol, seed,
                    GradCheck.of(MAXIMUM).at(a, b).scheme(scheme).tolerance(tol).seed(seed).check());
        }
    }

    @Test
    void smoothOpsOverManySeedsEverySchemeAndMode() {
        for (long seed = 0; seed < SEEDS; seed++) {
            SplittableRandom rng = new SplittableRandom(seed);
            int m = 1 + rng.nextInt(4);
            int k = 1 + rng.nextInt(4);
            int n = 1 + rng.nextInt(4);
            Fn mm = Fn.matmulOp(m, k, n, Fn::matmulGrads);
            double[] a = Fn.randn(rng, m * k);
            double[] b = Fn.randn(rng, k * n);
            Scheme scheme = Scheme.values()[(int) (seed % 3)];
            Mode mode = Mode.values()[(int) (seed / 3 % 3)];
            CheckReport r = GradCheck.of(mm).at(a, b).shapes(new int[] {m, k}, new int[] {k, n})
                    .scheme(scheme).mode(mode).seed(seed).check();
            assertNoFalseAlarm("matmul " + scheme + " " + mode, seed, r);
            assertNoFalseAlarm("tanh", seed, GradCheck.of(TANH).at(Fn.randn(rng, 8)).scheme(scheme).mode(mode)
                    .seed(seed).check());
        }
    }

    @Test
    void modelToleranceWithRiddersHasNoFalseAlarms() {
        for (long seed = 0; seed < 20; seed++) {
            SplittableRandom rng = new SplittableRandom(seed);
            CheckReport r = GradCheck.of(TANH).at(Fn.randn(rng, 8)).scheme(Scheme.RIDDERS)
                    .tolerance(Tolerance.model()).seed(seed).check();
            assertNoFalseAlarm("tanh (model tolerance)", seed, r);
            CheckReport r2 = GradCheck.of(Fn.matmulOp(3, 4, 2, Fn::matmulGrads))
                    .at(Fn.randn(rng, 12), Fn.randn(rng, 8)).scheme(Scheme.CENTRAL).tolerance(Tolerance.model())
                    .seed(seed).check();
            assertNoFalseAlarm("matmul (model tolerance, central)", seed, r2);
        }
    }

    @Test
    void resamplingMovesOffTheKink() {
        CheckReport reported = GradCheck.of(RELU).at(new double[] {0, 1, -1, 0}).check();
        assertEquals(Status.KINK, reported.checks().get(0).status(), reported::toText);
        assertTrue(reported.checks().get(0).diagnosis().contains("2 entries are at a kink"), reported::toText);
        CheckReport resampled = GradCheck.of(RELU).at(new double[] {0, 1, -1, 0}).kinks(KinkPolicy.RESAMPLE).check();
        assertEquals(Status.PASS, resampled.checks().get(0).status(), resampled::toText);
        assertTrue(resampled.checks().get(0).diagnosis().contains("resampled 1 time(s)"), resampled::toText);
    }

    @Test
    void kinkDoesNotHideAWrongSubgradient() {
        // relu whose backward says 2 at x = 0: outside [0, 1], so a failure and not a kink
        Fn bad = Fn.elementwise(v -> Math.max(v, 0), v -> v > 0 ? 1 : v == 0 ? 2 : 0);
        CheckReport r = GradCheck.of(bad).at(new double[] {0, 1}).check();
        assertEquals(Status.FAIL, r.checks().get(0).status(), r::toText);
    }
}

package dev.gradcheck;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * No false alarms with DEFAULT options on correct but ill-conditioned functions, over a fixed 20
 * seeds in CI ({@code -Dgradcheck.sensitivity.seeds=500} by hand): rapidly growing functions,
 * a sharp feature near the point, catastrophic cancellation, normalisations with a small eps,
 * large input magnitudes. {@code skipped} (the estimate never converged) counts as no alarm,
 * which is its purpose; the tests also bound how often it happens.
 */
class NoFalseAlarmTest {
    static final int SEEDS = Integer.getInteger("gradcheck.sensitivity.seeds", 20);

    private static void assertNoAlarm(String what, long seed, CheckReport r) {
        assertTrue(r.passed(), () -> what + " raised a false alarm at seed " + seed + ":\n" + r.toText());
    }

    @Test
    void correctCustomOpsAtTheDefaultDraws() {
        for (CustomOp op : SensitivityOps.correctIllConditioned()) {
            for (long seed = 0; seed < SEEDS; seed++) {
                assertNoAlarm(op.name(), seed, CustomOpCheck.run(List.of(op), CheckOptions.defaults().withSeed(seed)));
            }
        }
    }

    /** Checks y = f(x) elementwise at the given points with the defaults. */
    private static CheckReport elementwise(DoubleUnaryOperator f, DoubleUnaryOperator df, double[] x, long seed) {
        return GradCheck.of(SensitivityOps.elementwise("f", f, df)).at(x).shapes(new int[] {x.length}).seed(seed)
                .check();
    }

    private static double[] points(SplittableRandom rng, int n, DoubleUnaryOperator draw) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = draw.applyAsDouble(rng.nextDouble());
        }
        return x;
    }

    @Test
    void sharpFeatureNearThePoint() {
        double a = 0.3;
        int skipped = 0;
        for (long seed = 0; seed < SEEDS; seed++) {
            SplittableRandom rng = new SplittableRandom(seed);
            // within a few widths (1e-3) of the feature, and some right on it
            double[] x = points(rng, 8, u -> a + (u - 0.5) * 1e-2);
            CheckReport r = elementwise(v -> Math.tanh(1000 * (v - a)),
                    v -> 1000 * (1 - Math.tanh(1000 * (v - a)) * Math.tanh(1000 * (v - a))), x, seed);
            assertNoAlarm("tanh(1000(x - a))", seed, r);
            skipped += r.checks().get(0).status() == Status.SKIPPED ? 1 : 0;
        }
        int s = skipped;
        assertTrue(s <= SEEDS / 4, () -> "sharp feature: skipped at " + s + " of " + SEEDS + " seeds");
    }

    @Test
    void catastrophicCancellationNearZero() {
        for (long seed = 0; seed < SEEDS; seed++) {
            SplittableRandom rng = new SplittableRandom(seed);
            // |x| from 1e-4 to 1e-1, either sign
            double[] x = points(rng, 8, u -> (u < 0.5 ? -1 : 1) * Math.pow(10, -1 - 3 * (2 * u % 1)));
            assertNoAlarm("(1-cos x)/x^2", seed, elementwise(SensitivityOps::oneMinusCosOverX2,
                    SensitivityOps::oneMinusCosOverX2Grad, x, seed));
            assertNoAlarm("(e^x-1)/x", seed, elementwise(SensitivityOps::expm1OverX, SensitivityOps::expm1OverXGrad,
                    x, seed));
            double[] tiny = points(rng, 8, u -> (u - 0.5) * 1e-8);
            assertNoAlarm("log(1+x) naive", seed, elementwise(v -> Math.log(1 + v), v -> 1 / (1 + v), tiny, seed));
        }
    }

    @Test
    void rapidlyGrowingFunctions() {
        for (long seed = 0; seed < SEEDS; seed++) {
            SplittableRandom rng = new SplittableRandom(seed);
            double[] x = points(rng, 8, u -> -2 + 5 * u); // exp(exp(3)) = e^20
            assertNoAlarm("exp(exp(x))", seed, elementwise(v -> Math.exp(Math.exp(v)), v -> Math.exp(v + Math.exp(v)),
                    x, seed));
            double[] y = points(rng, 8, u -> (u - 0.5) * 60);
            assertNoAlarm("x^10", seed, elementwise(v -> Math.pow(v, 10), v -> 10 * Math.pow(v, 9), y, seed));
        }
    }

    @Test
    void largeInputMagnitudes() {
        for (long seed = 0; seed < SEEDS; seed++) {
            SplittableRandom rng = new SplittableRandom(seed);
            double[] x = points(rng, 8, u -> (u - 0.5) * 2e4);
            assertNoAlarm("sin at |x|~1e4", seed, elementwise(Math::sin, Math::cos, x, seed));
            double[] big = points(rng, 8, u -> (u - 0.5) * 2e6);
            assertNoAlarm("x^3/1e12 at |x|~1e6", seed, elementwise(v -> v * v * v / 1e12, v -> 3 * v * v / 1e12, big,
                    seed));
        }
    }

    @Test
    void normalisationWithATinyEpsOnNearlyConstantRows() {
        CustomOp ln = new SensitivityOps.LayerNorm(1e-12, false);
        for (long seed = 0; seed < SEEDS; seed++) {
            SplittableRandom rng = new SplittableRandom(seed);
            double[] x = new double[32];
            for (int i = 0; i < 32; i++) {
                x[i] = 3 + 1e-4 * rng.nextGaussian();
            }
            assertNoAlarm("layernorm eps 1e-12", seed, GradCheck.of(ln).at(x).seed(seed).check());
        }
    }

    @Test
    void manyOutputsProjectedOntoOneNumber() {
        // softmax over 64 entries: φ = Σ u_k·y_k mixes every output
        Fn softmax = Fn.of(in -> {
            double[] x = in[0];
            double m = java.util.Arrays.stream(x).max().orElse(0);
            double[] y = new double[x.length];
            double s = 0;
            for (int i = 0; i < x.length; i++) {
                y[i] = Math.exp(x[i] - m);
                s += y[i];
            }
            for (int i = 0; i < x.length; i++) {
                y[i] /= s;
            }
            return y;
        }, (in, g) -> {
            double[] x = in[0];
            double m = java.util.Arrays.stream(x).max().orElse(0);
            double[] y = new double[x.length];
            double s = 0;
            for (int i = 0; i < x.length; i++) {
                y[i] = Math.exp(x[i] - m);
                s += y[i];
            }
            double dot = 0;
            for (int i = 0; i < x.length; i++) {
                y[i] /= s;
                dot += g[i] * y[i];
            }
            double[] dx = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                dx[i] = y[i] * (g[i] - dot);
            }
            return new double[][] {dx};
        });
        List<Double> scales = new ArrayList<>(List.of(1.0, 10.0, 30.0));
        for (long seed = 0; seed < SEEDS; seed++) {
            SplittableRandom rng = new SplittableRandom(seed);
            double mag = scales.get((int) (seed % scales.size()));
            double[] x = new double[64];
            for (int i = 0; i < x.length; i++) {
                x[i] = mag * rng.nextGaussian();
            }
            assertNoAlarm("softmax(64) at |x|~" + mag, seed, GradCheck.of(softmax).at(x).seed(seed).check());
        }
    }
}

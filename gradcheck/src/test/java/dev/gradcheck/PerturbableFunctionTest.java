package dev.gradcheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The checker's use of {@link PerturbableFunction}: when, how often, and that reports do not change. */
class PerturbableFunctionTest {
    /** f(x) = Σ x_k³ (one output), with a single-entry evaluator that counts its calls and may add lie·Δx_2. */
    private static final class Cubes implements PerturbableFunction {
        final AtomicInteger calls = new AtomicInteger();
        final double lie;

        Cubes(double lie) {
            this.lie = lie;
        }

        @Override
        public double[] forward(double[][] in) {
            double s = 0;
            for (double v : in[0]) {
                s += v * v * v;
            }
            return new double[] {s};
        }

        @Override
        public double[][] backward(double[][] in, double[] g) {
            double[] d = new double[in[0].length];
            for (int k = 0; k < d.length; k++) {
                d[k] = 3 * in[0][k] * in[0][k] * g[0];
            }
            return new double[][] {d};
        }

        @Override
        public Perturbed perturbedAt(double[][] point) {
            double[] base = point[0].clone();
            return (input, index, value) -> {
                calls.incrementAndGet();
                double[] x = base.clone();
                x[index] = value;
                return forward(new double[][] {x})[0] + (index == 2 ? lie * (value - base[index]) : 0);
            };
        }
    }

    private static final double[] POINT = {0.3, -1.2, 0.7, 2.0, -0.4};

    private static String json(CheckReport r) {
        return r.toJson().replaceAll("\"elapsed_ms\"\\s*:\\s*[-0-9.Ee]+", "\"elapsed_ms\" : 0");
    }

    @Test
    void fullModeUsesTheEvaluatorForEveryEntryAndReportsTheSame() {
        Cubes hooked = new Cubes(0);
        DifferentiableFunction plain = new DifferentiableFunction() {
            @Override
            public double[] forward(double[][] in) {
                return hooked.forward(in);
            }

            @Override
            public double[][] backward(double[][] in, double[] g) {
                return hooked.backward(in, g);
            }
        };
        CheckReport a = GradCheck.of(plain).at(POINT).mode(Mode.FULL).tolerance(Tolerance.pytorch()).check();
        CheckReport b = GradCheck.of(hooked).at(POINT).mode(Mode.FULL).tolerance(Tolerance.pytorch()).check();
        assertEquals(json(a), json(b));
        assertEquals(2 * POINT.length, hooked.calls.get(), "central differences: two evaluations per entry");
    }

    @Test
    void theCheckerReallyReadsTheEvaluatorsValues() {
        // an evaluator whose slope is off at entry 2 must show there: proof the numeric side came from it
        CheckReport r = GradCheck.of(new Cubes(1.0)).at(POINT).mode(Mode.FULL).tolerance(Tolerance.pytorch()).check();
        assertFalse(r.passed(), r.toText());
        assertEquals(2, r.checks().get(0).worst().get(0).index()[0], r.toText());
    }

    @Test
    void fastModeDoesNotUseIt() {
        Cubes hooked = new Cubes(0);
        assertTrue(GradCheck.of(hooked).at(POINT).mode(Mode.FAST).check().passed());
        assertEquals(0, hooked.calls.get());
    }
}

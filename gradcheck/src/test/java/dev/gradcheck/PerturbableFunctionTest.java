package dev.gradcheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The checker's use of {@link PerturbableFunction}: when, how often, and that reports do not change;
 * single-entry evaluations in FULL mode, whole-input ones in FAST mode and the Taylor test.
 */
class PerturbableFunctionTest {
    /**
     * f(x) = Σ x_k³ (one output), with a single-entry evaluator that counts its calls and may add
     * lie·Δx_2, and a whole-input one that counts its calls and may add lie·Σ Δx.
     */
    private static final class Cubes implements PerturbableFunction {
        final AtomicInteger calls = new AtomicInteger();
        final AtomicInteger inputCalls = new AtomicInteger();
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

        @Override
        public InputPerturbed inputPerturbedAt(double[][] point) {
            double[] base = point[0].clone();
            return (input, values) -> {
                inputCalls.incrementAndGet();
                double moved = 0;
                for (int k = 0; k < values.length; k++) {
                    moved += values[k] - base[k];
                }
                return forward(new double[][] {values.clone()})[0] + lie * moved;
            };
        }
    }

    /** The same function without the hooks. */
    private static DifferentiableFunction plain(Cubes c) {
        return Fn.of(c::forward, c::backward);
    }

    private static final double[] POINT = {0.3, -1.2, 0.7, 2.0, -0.4};

    private static String json(CheckReport r) {
        return r.toJson().replaceAll("\"elapsed_ms\"\\s*:\\s*[-0-9.Ee]+", "\"elapsed_ms\" : 0");
    }

    @Test
    void fullModeUsesTheEvaluatorForEveryEntryAndReportsTheSame() {
        Cubes hooked = new Cubes(0);
        CheckReport a = GradCheck.of(plain(hooked)).at(POINT).mode(Mode.FULL).tolerance(Tolerance.pytorch()).check();
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
    void fastModeUsesTheWholeInputEvaluatorAndReportsTheSame() {
        Cubes hooked = new Cubes(0);
        CheckReport a = GradCheck.of(plain(hooked)).at(POINT).mode(Mode.FAST).tolerance(Tolerance.pytorch()).check();
        CheckReport b = GradCheck.of(hooked).at(POINT).mode(Mode.FAST).tolerance(Tolerance.pytorch()).check();
        assertTrue(b.passed(), b.toText());
        assertEquals(json(a), json(b));
        assertEquals(0, hooked.calls.get(), "FAST moves whole inputs: no single-entry evaluations");
        assertEquals(2 * 4, hooked.inputCalls.get(), "central differences for each of the 4 default projections");
    }

    @Test
    void fastModeReallyReadsTheWholeInputEvaluatorsValues() {
        // the evaluator's slope is off along every projection: they disagree and bisect (more than the
        // 4 projections' 8 evaluations); the entries, judged one by one through forward, then clear
        // the input, as a projection failure that blames no entry is re-judged before it is reported
        Cubes lying = new Cubes(1.0);
        CheckReport r = GradCheck.of(lying).at(POINT).mode(Mode.FAST).tolerance(Tolerance.pytorch()).check();
        assertTrue(r.checks().get(0).probes() > 4, r.toText());
        assertTrue(lying.inputCalls.get() > 2 * 4, "the projections read the evaluator: " + lying.inputCalls.get());
        assertTrue(r.passed(), r.toText());
    }

    @Test
    void theTaylorTestUsesTheWholeInputEvaluator() {
        Cubes hooked = new Cubes(0);
        CheckReport r = GradCheck.of(hooked).at(POINT).mode(Mode.FULL).tolerance(Tolerance.pytorch()).check();
        assertEquals(30, hooked.inputCalls.get(), "one evaluation per Taylor step");
        assertEquals(2.0, r.checks().get(0).taylorSlope(), 0.1, r.toText());
    }
}

package dev.gradcheck.model.incremental;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcheck.EngineFunction;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.model.LossFunction;
import dev.gradcheck.model.Model;
import dev.gradcheck.model.ModelLoader;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The incremental evaluator against a fresh full forward, bit for bit: random single-entry
 * changes (finite-difference sized steps, large steps, zero) of every param and float64 input of
 * every example model, through every kind of rule including the whole-node recompute fallback.
 */
class IncrementalEvaluatorTest {
    private static final long SEED = 20261124L;
    /** Entries tried per tensor (all of them when the tensor is smaller). */
    private static final int ENTRIES = 24;

    static Stream<String> examples() {
        return ExampleModels.withBenchmark();
    }

    @ParameterizedTest
    @MethodSource("examples")
    void equalsFreshForwardBitForBit(String example) {
        Model m = ModelLoader.load(ExampleModels.path(example + ".json"));
        Map<String, Tensor> values = m.initialValues();
        List<String> wrt = ExampleModels.paramsAndFloatInputs(m);
        LossFunction f = m.lossFunction(values, wrt);
        IncrementalEvaluator ev = IncrementalEvaluator.of(m, values, wrt);
        EngineFunction fresh = ExampleModels.engine(f);
        double[][] point = f.flatPoint();
        assertEquals(Double.doubleToRawLongBits(fresh.forward(point)[0]), Double.doubleToRawLongBits(ev.loss()),
                example + ": loss at the point");
        SplittableRandom rng = new SplittableRandom(SEED ^ example.hashCode());
        int compared = 0;
        for (int w = 0; w < wrt.size(); w++) {
            int size = point[w].length;
            int tries = Math.min(ENTRIES, size);
            for (int q = 0; q < tries; q++) {
                int j = tries == size ? q : rng.nextInt(size);
                double x0 = point[w][j];
                double h = 1e-6 * Math.max(1, Math.abs(x0));
                double[] vs = {x0 + h, x0 - h, x0 + 2 * h, x0 + rng.nextGaussian(), 0.0, x0 * 1.5};
                for (double v : vs) {
                    double want = fresh.forward(with(point, w, j, v))[0];
                    double got = ev.lossWith(w, j, v);
                    if (Double.doubleToRawLongBits(want) != Double.doubleToRawLongBits(got)) {
                        throw new AssertionError(String.format("%s: '%s' entry %d set to %s (seed %d): fresh forward %s,"
                                + " incremental %s (rules %s)", example, wrt.get(w), j, v, SEED, want, got, ev.rules()));
                    }
                    compared++;
                }
            }
        }
        assertTrue(compared > 0, example + ": nothing compared");
    }

    private static double[][] with(double[][] point, int w, int j, double v) {
        double[][] c = point.clone();
        c[w] = point[w].clone();
        c[w][j] = v;
        return c;
    }

    /** The benchmark MLP runs entirely on the fine rules. */
    @Test
    void mlpUsesFineRules() {
        Model m = ModelLoader.load(ExampleModels.path("bench/mlp-26k.json"));
        IncrementalEvaluator ev = IncrementalEvaluator.of(m, m.initialValues(), m.paramNames());
        Map<String, String> want = new LinkedHashMap<>();
        want.put("h0", "linear");
        want.put("h1", "scalar");
        want.put("h2", "linear");
        want.put("h3", "scalar");
        want.put("h4", "linear");
        want.put("loss", "cross_entropy");
        assertEquals(want, ev.rules());
    }

    /** Every example exercises at least one node of each kind between them, the fallback included. */
    @Test
    void examplesCoverEveryRuleKind() {
        java.util.Set<String> kinds = new java.util.TreeSet<>();
        for (String e : ExampleModels.ALL) {
            Model m = ModelLoader.load(ExampleModels.path(e + ".json"));
            kinds.addAll(IncrementalEvaluator.of(m, m.initialValues(), m.paramNames()).rules().values());
        }
        assertEquals(new java.util.TreeSet<>(List.of("broadcast", "cross_entropy", "linear", "matmul", "pointwise", "recompute", "scalar")),
                kinds);
    }
}

package dev.gradcheck.model.incremental;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcheck.EngineFunction;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.model.LossFunction;
import dev.gradcheck.model.Model;
import dev.gradcheck.model.ModelLoader;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The downstream replay against a fresh full forward, bit for bit: every param and float64 input of
 * every example model replaced whole (a FAST-sized step along a random ±1 direction, a large random
 * change, all zeros), through whole-node reruns and the bias-only path of {@code linear}.
 */
class DownstreamReplayTest {
    private static final long SEED = 20261124L;

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
        DownstreamReplay replay = DownstreamReplay.of(m, values, wrt);
        EngineFunction fresh = ExampleModels.engine(f);
        double[][] point = f.flatPoint();
        assertEquals(Double.doubleToRawLongBits(fresh.forward(point)[0]), Double.doubleToRawLongBits(replay.loss()),
                example + ": loss at the point");
        SplittableRandom rng = new SplittableRandom(SEED ^ example.hashCode());
        for (int w = 0; w < wrt.size(); w++) {
            double[] x = point[w];
            for (int kind = 0; kind < 3; kind++) {
                double[] v = new double[x.length];
                for (int j = 0; j < x.length; j++) {
                    v[j] = kind == 0 ? x[j] + 1e-6 * (rng.nextBoolean() ? 1 : -1)
                            : kind == 1 ? x[j] + rng.nextGaussian() : 0.0;
                }
                double[][] q = point.clone();
                q[w] = v;
                double want = fresh.forward(q)[0];
                double got = replay.lossWith(w, v.clone());
                if (Double.doubleToRawLongBits(want) != Double.doubleToRawLongBits(got)) {
                    throw new AssertionError(String.format("%s: '%s' replaced (kind %d, seed %d): fresh forward %s,"
                            + " replay %s", example, wrt.get(w), kind, SEED, want, got));
                }
            }
        }
    }

    /** Only what a tensor reaches reruns, and a linear reached by its bias alone adds it to the kept product. */
    @Test
    void mlpRerunsOnlyDownstreamAndAddsBiasesToKeptProducts() {
        Model m = ModelLoader.load(ExampleModels.path("bench/mlp-26k.json"));
        List<String> wrt = m.paramNames();
        DownstreamReplay replay = DownstreamReplay.of(m, m.initialValues(), wrt);
        assertEquals(List.of("h4:whole", "loss:whole"), replay.steps(wrt.indexOf("4.weight")));
        assertEquals(List.of("h4:bias", "loss:whole"), replay.steps(wrt.indexOf("4.bias")));
        assertEquals(List.of("h0:bias", "h1:whole", "h2:whole", "h3:whole", "h4:whole", "loss:whole"),
                replay.steps(wrt.indexOf("0.bias")));
    }

    @Test
    void wrongLengthIsRefusedWithTheTensorsName() {
        Model m = ModelLoader.load(ExampleModels.path("tiny-mlp.json"));
        DownstreamReplay replay = DownstreamReplay.of(m, m.initialValues(), m.paramNames());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> replay.lossWith(0, new double[1]));
        assertTrue(e.getMessage().contains("'" + m.paramNames().get(0) + "'"), e.getMessage());
    }

    @Test
    void unknownTensorIsRefused() {
        Model m = ModelLoader.load(ExampleModels.path("tiny-mlp.json"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DownstreamReplay.of(m, m.initialValues(), List.of("nope")));
        assertTrue(e.getMessage().contains("'nope' is not a float64 input or param"), e.getMessage());
    }
}

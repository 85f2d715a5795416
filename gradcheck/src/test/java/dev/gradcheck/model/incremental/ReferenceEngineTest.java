package dev.gradcheck.model.incremental;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcheck.CheckOptions;
import dev.gradcheck.CheckReport;
import dev.gradcheck.GradCheck;
import dev.gradcheck.Mode;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.op.FastPaths;
import dev.gradcheck.model.LossFunction;
import dev.gradcheck.model.Model;
import dev.gradcheck.model.ModelLoader;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link CheckOptions#referenceEngine()}: the check runs the engine's reference definitions alone,
 * on its workers too, and gives the same verdicts as with the fast paths, on every example model
 * and the benchmark MLP.
 */
class ReferenceEngineTest {
    static Stream<String> examples() {
        return ExampleModels.withBenchmark();
    }

    private static List<String> verdicts(CheckReport r) {
        return r.checks().stream().map(c -> c.name() + ": " + c.status()).collect(Collectors.toList());
    }

    @ParameterizedTest
    @MethodSource("examples")
    void sameVerdictsWithTheReferenceEngine(String example) {
        Model m = ModelLoader.load(ExampleModels.path(example + ".json"));
        LossFunction f = m.lossFunction(m.initialValues(), m.paramNames());
        // the benchmark MLP in FAST mode only: FULL on the reference engine is a minute there
        Mode[] modes = example.startsWith("bench/") ? new Mode[] {Mode.FAST} : new Mode[] {Mode.FULL, Mode.FAST};
        for (Mode mode : modes) {
            CheckOptions o = CheckOptions.defaults().withMode(mode).withSeed(m.seed()).withThreads(2);
            GradCheck g = GradCheck.of(IncrementalLoss.of(f)).at(f.point()).names(f.names().toArray(String[]::new));
            CheckReport fast = g.options(o).check();
            CheckReport reference = g.options(o.withReferenceEngine(true)).check();
            assertEquals(verdicts(fast), verdicts(reference), example + " " + mode);
            assertFalse(fast.checks().isEmpty(), example + ": no checks");
        }
    }

    /** The function sees the reference-only setting on the calling thread and on every worker. */
    @Test
    void referenceOnlyReachesTheWorkers() {
        Set<Boolean> seen = ConcurrentHashMap.newKeySet();
        Set<String> threads = ConcurrentHashMap.newKeySet();
        CheckReport r = GradCheck.of((Tensor[] x) -> {
            seen.add(FastPaths.enabled());
            threads.add(Thread.currentThread().getName());
            return x[0].tanh().mul(x[0]).sum();
        }).at(new double[][] {{0.3, -1.2, 0.7, 2.0, -0.4, 1.1}}).options(CheckOptions.defaults().withThreads(2)
                .withReferenceEngine(true)).check();
        assertTrue(r.passed(), r::toText);
        assertEquals(Set.of(false), seen, "fast paths seen enabled in the check (threads " + threads + ")");
        assertTrue(FastPaths.enabled(), "the setting is restored after the check");
        Set<Boolean> defaults = ConcurrentHashMap.newKeySet();
        GradCheck.of((Tensor[] x) -> {
            defaults.add(FastPaths.enabled());
            return x[0].tanh().sum();
        }).at(new double[][] {{0.3, -1.2}}).check();
        assertEquals(Set.of(true), defaults, "by default the fast paths run");
        assertFalse(FastPaths.installed().isEmpty(), "gradcheck-kernels installs fast paths");
    }
}

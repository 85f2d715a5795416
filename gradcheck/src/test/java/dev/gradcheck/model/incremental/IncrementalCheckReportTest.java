package dev.gradcheck.model.incremental;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gradcheck.CheckReport;
import dev.gradcheck.GradCheck;
import dev.gradcheck.Mode;
import dev.gradcheck.Scheme;
import dev.gradcheck.Tolerance;
import dev.gradcheck.model.LossFunction;
import dev.gradcheck.model.Model;
import dev.gradcheck.model.ModelLoader;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A check through {@link IncrementalLoss} gives the same report, byte for byte (the time aside),
 * as the engine-function check without the hook, on 1 and on 2 threads, in FULL mode (single-entry
 * evaluations) and FAST mode (whole-param replays downstream): PyTorch's tolerance with central
 * differences, and the error-model tolerance with Ridders' larger steps.
 */
class IncrementalCheckReportTest {
    static java.util.stream.Stream<String> examples() {
        return ExampleModels.ALL.stream();
    }

    private static String json(CheckReport r) {
        return r.toJson().replaceAll("\"elapsed_ms\"\\s*:\\s*[-0-9.Ee]+", "\"elapsed_ms\" : 0");
    }

    private static CheckReport check(GradCheck g, LossFunction f, Mode mode, boolean ridders, int threads, long seed) {
        g = g.at(f.point()).names(f.names().toArray(String[]::new)).mode(mode).seed(seed).threads(threads);
        return ridders ? g.tolerance(Tolerance.model()).scheme(Scheme.RIDDERS).check()
                : g.tolerance(Tolerance.pytorch()).scheme(Scheme.CENTRAL).check();
    }

    @ParameterizedTest
    @MethodSource("examples")
    void sameReportWithAndWithoutTheHook(String example) {
        Model m = ModelLoader.load(ExampleModels.path(example + ".json"));
        LossFunction f = m.lossFunction(m.initialValues(), m.paramNames());
        for (Mode mode : new Mode[] {Mode.FULL, Mode.FAST}) {
            for (boolean ridders : new boolean[] {false, true}) {
                String plain = json(check(GradCheck.of(f::apply), f, mode, ridders, 1, m.seed()));
                for (int threads : new int[] {1, 2}) {
                    String hooked = json(check(GradCheck.of(IncrementalLoss.of(f)), f, mode, ridders, threads,
                            m.seed()));
                    assertEquals(plain, hooked, example + " " + mode + (ridders ? " (ridders, model tolerance)"
                            : " (central, pytorch)") + " on " + threads + " thread(s)");
                }
            }
        }
    }
}

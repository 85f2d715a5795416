package dev.gradcheck.forward;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcheck.CheckReport;
import dev.gradcheck.CheckResult;
import dev.gradcheck.GradCheck;
import dev.gradcheck.engine.Ops;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.op.OpDef;
import dev.gradcheck.engine.op.OpRegistry;
import dev.gradcheck.engine.op.Sample;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * No false alarm from the forward-mode check (the JVP per input tangent and all at once, the
 * adjoint identity) with default options on every registered engine op's forward mode, at its own
 * {@code SampleGenerator}'s draws: 6 seeds cycling magnitudes 1, 10 and 100
 * ({@code -Dgradcheck.forward.seeds=60} by hand). It holds both sides to each other: the checker's
 * tolerances (no alarm on right rules) and the engine's forward rules.
 */
class RegistryForwardNoFalseAlarmTest {
    private static final double[] MAGNITUDES = {1, 10, 100};
    private static final int SEEDS = Integer.getInteger("gradcheck.forward.seeds", 6);

    static Stream<String> ops() {
        // ops other tests register (without samples) are not the registry's own
        return OpRegistry.publicOps().stream().filter(op -> op.samples() != null).map(OpDef::name);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ops")
    void forwardCheckPassesAtTheOpsOwnSamples(String name) {
        OpDef op = OpRegistry.get(name);
        List<String> alarms = new ArrayList<>();
        long entries = 0;
        long skipped = 0;
        for (int seed = 0; seed < SEEDS; seed++) {
            double mag = MAGNITUDES[seed % MAGNITUDES.length];
            Sample s = op.samples().draw(new SplittableRandom(seed), mag);
            Function<Tensor[], Tensor> f = xs -> Ops.apply(op, s.attrs(), xs);
            int[] constants = IntStream.range(0, s.inputs().length).filter(i -> !op.input(i).differentiable()).toArray();
            if (constants.length == s.inputs().length) {
                continue;
            }
            CheckReport r = GradCheck.of(f).at(s.inputs()).constants(constants).seed(seed).threads(1).forwardCheck();
            for (CheckResult c : r.checks()) {
                entries += c.entriesChecked();
                skipped += c.entriesSkipped();
            }
            boolean named = r.checks().stream().anyMatch(c -> !c.findings().isEmpty());
            if (!r.passed() || named) {
                alarms.add("seed " + seed + ", magnitude " + mag + ", sample " + s + ":\n" + r.toText());
            }
        }
        long e = entries + skipped;
        long k = skipped;
        assertTrue(k <= Math.max(2, e / 50), () -> name + ": " + k + " of " + e + " entries skipped");
        assertTrue(alarms.isEmpty(), () -> name + ": " + alarms.size() + " alarm(s) with default options:\n"
                + String.join("\n", alarms));
    }
}

package dev.gradcheck.forward;

import dev.gradcheck.GradCheck;
import dev.gradcheck.RegistrySweep;
import dev.gradcheck.engine.op.OpDef;
import dev.gradcheck.engine.op.OpRegistry;
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
    private static final int SEEDS = Integer.getInteger("gradcheck.forward.seeds", 6);

    static Stream<String> ops() {
        // ops other tests register (without samples) are not the registry's own
        return OpRegistry.publicOps().stream().filter(op -> op.samples() != null).map(OpDef::name);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ops")
    void forwardCheckPassesAtTheOpsOwnSamples(String name) {
        RegistrySweep.assertNoFalseAlarm(name, SEEDS, 0.02, GradCheck::forwardCheck);
    }
}

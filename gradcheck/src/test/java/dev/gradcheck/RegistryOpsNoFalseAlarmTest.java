package dev.gradcheck;

import dev.gradcheck.engine.op.OpDef;
import dev.gradcheck.engine.op.OpRegistry;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * No false alarm with DEFAULT options on every registered engine op, at its own
 * {@code SampleGenerator}'s draws: 20 seeds in CI, cycling magnitudes 1, 10 and 100
 * ({@code -Dgradcheck.sensitivity.seeds=300} by hand): no failure, and no diagnosis that names a
 * cause (findings).
 */
class RegistryOpsNoFalseAlarmTest {
    static Stream<String> ops() {
        return OpRegistry.publicOps().stream().map(OpDef::name);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ops")
    void defaultCheckPassesAtTheOpsOwnSamples(String name) {
        RegistrySweep.assertNoFalseAlarm(name, NoFalseAlarmTest.SEEDS, 0.01, GradCheck::check);
    }
}

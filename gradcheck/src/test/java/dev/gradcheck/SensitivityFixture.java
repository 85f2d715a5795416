package dev.gradcheck;

import dev.gradcheck.junit.GradientTest;
import dev.gradcheck.junit.fixtures.FixtureOnly;
import java.util.List;

/**
 * Issue #9's planted bugs under {@code @GradientTest} with DEFAULT settings (seeds 0, 1, 2, the
 * ops' own shapes, the checker's default tolerance), next to the same ops written correctly. Run
 * only by {@code dev.gradcheck.junit.SensitivityExtensionTest} through EngineTestKit (its failures
 * are planted). In this package because {@link SensitivityOps} is package-private.
 */
@FixtureOnly
public class SensitivityFixture {
    @GradientTest(op = "planted")
    void planted(CustomOp op) {
    }

    @GradientTest(op = "correct")
    void correct(CustomOp op) {
    }

    static List<CustomOp> planted() {
        return SensitivityOps.plantedBugs();
    }

    static List<CustomOp> correct() {
        return List.of(SensitivityOps.scaled(0), new SensitivityOps.LayerNorm(1e-5, false), SensitivityOps.gelu(false),
                SensitivityOps.softplus(false));
    }

    /** The planted ops' names, for the test's expectations. */
    public static List<String> plantedNames() {
        return planted().stream().map(CustomOp::name).toList();
    }

    /** The correct ops' names. */
    public static List<String> correctNames() {
        return correct().stream().map(CustomOp::name).toList();
    }
}

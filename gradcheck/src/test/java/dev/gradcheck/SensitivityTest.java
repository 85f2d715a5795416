package dev.gradcheck;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * Issue #9's planted bugs, each caught by {@code CustomOpCheck} with DEFAULT options (the path of
 * {@code gradcheck ops --jar} and the JUnit extension), over several seeds; PyTorch's tolerance
 * lets the subtle ones through at the same points (the contrast the default exists for).
 */
class SensitivityTest {
    private static final int SEEDS = Integer.getInteger("gradcheck.sensitivity.seeds", 5);

    @Test
    void everyPlantedBugIsCaughtWithDefaults() {
        StringBuilder table = new StringBuilder();
        for (CustomOp op : SensitivityOps.plantedBugs()) {
            for (long seed = 0; seed < SEEDS; seed++) {
                long t0 = System.nanoTime();
                CheckReport r = CustomOpCheck.run(List.of(op), CheckOptions.defaults().withSeed(seed));
                double ms = (System.nanoTime() - t0) / 1e6;
                long s = seed;
                assertFalse(r.passed(), () -> op.name() + " not caught at seed " + s + ":\n" + r.toText());
                if (seed == 0) {
                    table.append(String.format(Locale.ROOT, "%-30s caught %6.1f ms  %s%n", op.name(), ms,
                            r.checks().get(0).diagnosis()));
                }
            }
        }
        System.out.print(table);
    }

    @Test
    void pytorchToleranceMissesTheSubtleOnes() {
        // the same draws with PyTorch's atol 1e-5 / rtol 1e-3: bugs below 0.1% pass
        CheckOptions pytorch = CheckOptions.defaults().withTolerance(Tolerance.pytorch());
        // (gelu with 3.14 is caught by it at some draws, where the true gradient is near 0)
        for (CustomOp op : List.of(SensitivityOps.scaled(1e-4), SensitivityOps.scaled(1e-5),
                new SensitivityOps.LayerNorm(1e-5, true))) {
            CheckReport r = CustomOpCheck.run(List.of(op), pytorch);
            assertTrue(r.passed(), () -> op.name() + " expected to slip through PyTorch's tolerance:\n" + r.toText());
        }
    }

    @Test
    void theLargeInputBranchIsReachedOnlyByTheLargerDraws() {
        CustomOp op = SensitivityOps.softplus(true);
        CheckReport one = CustomOpCheck.run(List.of(op), CheckOptions.defaults().withDraws(1));
        assertTrue(one.passed(), () -> "a single standard-normal draw should not reach x > 20:\n" + one.toText());
        CheckReport three = CustomOpCheck.run(List.of(op), CheckOptions.defaults());
        assertFalse(three.passed(), three::toText);
        CheckResult worst = three.checks().get(0);
        assertTrue(worst.diagnosis().contains("draw"), () -> "diagnosis names the draw: " + worst.diagnosis());
    }

    @Test
    void taylorSlopeIsTwoForARightGradientAndOneForAWrongOne() {
        CheckOptions o = CheckOptions.defaults().withDraws(1);
        CheckResult right = CustomOpCheck.run(List.of(SensitivityOps.scaled(0)), o).checks().get(0).inputs().get(0);
        CheckResult wrong = CustomOpCheck.run(List.of(SensitivityOps.scaled(1e-3)), o).checks().get(0).inputs().get(0);
        assertTrue(Math.abs(right.taylorSlope() - 2) < 0.3, () -> "right gradient: slope " + right.taylorSlope());
        assertTrue(Math.abs(wrong.taylorSlope() - 1) < 0.3, () -> "wrong gradient: slope " + wrong.taylorSlope());
    }

    @Test
    void resolutionSaysHowSmallAnErrorCouldHaveBeenSeen() {
        CheckResult in = CustomOpCheck.run(List.of(SensitivityOps.scaled(0)), CheckOptions.defaults().withDraws(1))
                .checks().get(0).inputs().get(0);
        assertTrue(in.passed(), in::toString);
        assertTrue(in.resolution() < 1e-6, () -> "default resolution on a smooth op, expected < 1e-6, was "
                + in.resolution());
        CheckResult py = CustomOpCheck.run(List.of(SensitivityOps.scaled(0)),
                CheckOptions.defaults().withDraws(1).withTolerance(Tolerance.pytorch())).checks().get(0).inputs().get(0);
        assertTrue(py.resolution() >= 1e-3, () -> "PyTorch's resolution, expected >= 1e-3, was " + py.resolution());
    }
}

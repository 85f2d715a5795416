package dev.gradcheck.diagnosis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcheck.CheckOptions;
import dev.gradcheck.CheckResult;
import dev.gradcheck.CustomOp;
import dev.gradcheck.CustomOpCheck;
import dev.gradcheck.Status;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The classic bugs of backprop written by hand, checked layer by layer as CustomOps: a batch or
 * layer norm without the variance's term, a flipped convolution kernel, a square weight left
 * untransposed, a softmax without −y·Σ at a one-hot draw. Each is named at seeds 0–2; the right
 * layers and the other bugs never get these findings, at seeds 0–19.
 */
class HandWrittenBackpropTest {
    private static final List<String> NEW_KINDS = List.of("centred_term", "reversed", "not_transposed",
            "permuted");
    private static final int NO_CLAIM_SEEDS = 20;

    private static CheckResult check(CustomOp op, long seed) {
        return CustomOpCheck.check(op, CheckOptions.defaults().withSeed(seed).withThreads(1));
    }

    private static void assertNamed(CustomOp op, String kind, String... phrases) {
        for (long seed = 0; seed < 3; seed++) {
            CheckResult r = check(op, seed);
            long s = seed;
            assertEquals(Status.FAIL, r.status(), () -> op.name() + " seed " + s + " not caught:\n" + r);
            assertTrue(r.findings().contains(kind), () -> op.name() + " seed " + s + ": expected " + kind + ", got "
                    + r.findings() + ":\n" + r.diagnosis());
            for (String p : phrases) {
                assertTrue(r.diagnosis().contains(p), () -> op.name() + " seed " + s + ": expected '" + p + "' in\n"
                        + r.diagnosis());
            }
        }
    }

    /** At every seed: the op passes with no finding when right, and no draw of a wrong one claims the kinds. */
    private static void assertNoClaim(CustomOp op, boolean right, List<String> kinds) {
        for (long seed = 0; seed < NO_CLAIM_SEEDS; seed++) {
            CheckResult r = check(op, seed);
            long s = seed;
            if (right) {
                assertTrue(r.passed(), () -> op.name() + " seed " + s + " is right but failed:\n" + r);
                assertEquals(List.of(), r.findings(), () -> op.name() + " seed " + s + ":\n" + r);
                continue;
            }
            assertFalse(r.passed(), () -> op.name() + " seed " + s + " should fail:\n" + r);
            List<CheckResult> all = new ArrayList<>(r.inputs());
            all.add(r);
            for (CheckResult part : all) {
                for (String k : kinds) {
                    assertFalse(part.findings().contains(k), () -> op.name() + " seed " + s + " " + part.name()
                            + ": unexpected " + k + " in " + part.diagnosis());
                }
            }
        }
    }

    @Test
    void aNormWithoutTheVariancesTermIsNamed() {
        for (boolean layer : new boolean[] {false, true}) {
            assertNamed(PlantedLayers.norm(layer, 4, 3, "noVar"), "centred_term", "only input 'input0' is wrong",
                    "c·(input0 - its slice's mean) within each slice along dim " + (layer ? 1 : 0),
                    "the gradient through the slice's variance");
            assertNamed(PlantedLayers.norm(layer, 5, 6, "noMeanVar"), "centred_term",
                    "a + c·(input0 - its slice's mean)", "the mean and the variance as constants");
        }
    }

    @Test
    void aFlippedKernelIsNamed() {
        assertNamed(PlantedLayers.conv1d(8, "flip"), "reversed", "input 'input0'",
                "analytic = R·Jᵀ·(R·gradOutput)", "a flipped kernel");
        assertNamed(PlantedLayers.conv1d(10, "dwFlip"), "reversed", "input 'input1'",
                "analytic equals numeric reversed (analytic[i] = numeric[2 - i])");
    }

    @Test
    void aSquareWeightLeftUntransposedIsNamed() {
        assertNamed(PlantedLayers.linear(3, "untransposed"), "not_transposed", "only input 'input0' is wrong",
                "analytic equals J·gradOutput", "dx = g·W");
        assertNamed(PlantedLayers.linear(5, "untransposed"), "not_transposed");
    }

    @Test
    void theRightLayersAndOtherBugsGetNoneOfTheseFindings() {
        for (boolean layer : new boolean[] {false, true}) {
            assertNoClaim(PlantedLayers.norm(layer, 4, 3, "ok"), true, NEW_KINDS);
            assertNoClaim(PlantedLayers.norm(layer, 4, 3, "noMean"), false, NEW_KINDS);
            assertNoClaim(PlantedLayers.norm(layer, 4, 3, "betaNoSum"), false, NEW_KINDS);
            assertNoClaim(PlantedLayers.norm(layer, 4, 3, "gammaSquared"), false, NEW_KINDS);
            assertNoClaim(PlantedLayers.norm(layer, 4, 3, "noVar"), false, List.of("reversed", "not_transposed",
                    "permuted"));
        }
        assertNoClaim(PlantedLayers.conv1d(8, "ok"), true, NEW_KINDS);
        assertNoClaim(PlantedLayers.conv1d(8, "offByOne"), false, NEW_KINDS);
        assertNoClaim(PlantedLayers.conv1d(8, "dwFactor"), false, NEW_KINDS);
        assertNoClaim(PlantedLayers.conv1d(8, "flip"), false, List.of("centred_term", "not_transposed",
                "permuted"));
        assertNoClaim(PlantedLayers.linear(3, "ok"), true, NEW_KINDS);
        assertNoClaim(PlantedLayers.linear(3, "dwTransposed"), false, List.of("centred_term", "reversed",
                "not_transposed", "permuted"));
        assertNoClaim(PlantedLayers.linear(3, "biasFirstRow"), false, NEW_KINDS);
        assertNoClaim(PlantedLayers.linear(3, "untransposed"), false, List.of("centred_term", "reversed",
                "permuted"));
        assertNoClaim(PlantedModels.softmaxRows((y, g, dot) -> y * (g - dot)), true, NEW_KINDS);
        assertNoClaim(PlantedModels.softmaxRows((y, g, dot) -> y * g), false, NEW_KINDS);
        assertNoClaim(PlantedModels.centred(false), false, NEW_KINDS);
        assertNoClaim(FindingsTest.elementwise("tanh_at_output", Math::tanh,
                (x, y) -> 1 - Math.tanh(y) * Math.tanh(y)), false, NEW_KINDS);
        assertNoClaim(FindingsTest.elementwise("tanh_on_input", Math::tanh, (x, y) -> 1 - x * x), false, NEW_KINDS);
    }

    @Test
    void aOneHotDrawDoesNotContradictTheCause() {
        // softmax without -y·Σ g·y: named at |x|~1; at |x|~100 the output is one-hot and the numeric
        // derivative 0, where "analytic = gradOutput" fits too: said so, not claimed as the cause
        CustomOp op = new Softmax3x4();
        int qualified = 0;
        for (long seed = 0; seed < 10; seed++) {
            CheckResult r = check(op, seed);
            long s = seed;
            assertTrue(r.findings().contains("slice_term"), () -> "seed " + s + ": " + r.diagnosis());
            for (CheckResult draw : r.inputs()) {
                boolean flat = draw.findings().contains("flat_point");
                assertFalse(draw.findings().contains("derivative_one") && !flat, () -> "seed " + s + " draw "
                        + draw.draw() + " names another cause than draw 0's:\n" + draw.diagnosis());
                if (flat) {
                    qualified++;
                    assertTrue(draw.diagnosis().startsWith("the numeric derivative is zero within rounding on every"
                            + " entry here"), draw::diagnosis);
                    assertTrue(draw.diagnosis().contains("softmax's -y·Σ g·y"), draw::diagnosis);
                }
            }
        }
        assertTrue(qualified > 0, "no seed drew a one-hot point: the test shows nothing");
    }

    /** A row softmax over [3, 4] whose backward is y·g (the tester's layer). */
    private static final class Softmax3x4 implements CustomOp {
        @Override
        public String name() {
            return "softmax/missingSum";
        }

        @Override
        public int[][] inputShapes() {
            return new int[][] {{3, 4}};
        }

        @Override
        public double[] forward(double[][] in) {
            double[] y = new double[12];
            for (int r = 0; r < 3; r++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < 4; c++) {
                    max = Math.max(max, in[0][r * 4 + c]);
                }
                double sum = 0;
                for (int c = 0; c < 4; c++) {
                    y[r * 4 + c] = Math.exp(in[0][r * 4 + c] - max);
                    sum += y[r * 4 + c];
                }
                for (int c = 0; c < 4; c++) {
                    y[r * 4 + c] /= sum;
                }
            }
            return y;
        }

        @Override
        public double[][] backward(double[][] in, double[] g) {
            double[] y = forward(in);
            double[] d = new double[12];
            for (int k = 0; k < 12; k++) {
                d[k] = y[k] * g[k];
            }
            return new double[][] {d};
        }
    }
}

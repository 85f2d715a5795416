package dev.gradcheck.diagnosis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcheck.CheckOptions;
import dev.gradcheck.CheckResult;
import dev.gradcheck.CustomOp;
import dev.gradcheck.CustomOpCheck;
import dev.gradcheck.GradCheck;
import dev.gradcheck.Status;
import dev.gradcheck.testing.Conv2dLayer;
import dev.gradcheck.testing.LinearLayer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The classic bugs of backprop written by hand, checked layer by layer as CustomOps: a batch or
 * layer norm without the variance's term, a flipped convolution kernel (1-D, and 2-D with batch and
 * channels), a square weight left untransposed, a non-square one reshaped where it should be
 * transposed, a softmax without −y·Σ at a one-hot draw. Each is named at seeds 0–2; the right
 * layers and the other bugs never get these findings, at seeds 0–19.
 */
class HandWrittenBackpropTest {
    private static final List<String> NEW_KINDS = List.of("centred_term", "reversed", "not_transposed",
            "reshaped", "permuted");
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
    void aFlippedKernelOfABatchedMultiChannelConv2dIsNamed() {
        // x [2, 3, 5, 5], w [4, 3, 3, 3]: y [2, 4, 3, 3], 8 maps of 9
        assertNamed(new Conv2dLayer(2, 3, 4, 5, 5, 3, 3, 0, "flip"), "reversed", "only input 'input0' is wrong",
                "input 'input0': analytic equals the true gradient with the input reversed along dims 2 and 3 at once"
                        + " (each 5 x 5 slice on its own) and the output reversed within each of its 8 consecutive"
                        + " blocks of 9 entries (analytic = R·Jᵀ·(R'·gradOutput)",
                "the backward applies the kernel reversed along those dims, a flipped kernel (a convolution where a"
                        + " correlation was meant, or the reverse: w[..., kh-1-i, kw-1-j] for w[..., i, j])");
        // padded, non-square image and kernel: x [3, 2, 4, 6], w [3, 2, 3, 2], padding 1: y [3, 3, 4, 7]
        assertNamed(new Conv2dLayer(3, 2, 3, 4, 6, 3, 2, 1, "flip"), "reversed",
                "the input reversed along dims 2 and 3 at once (each 4 x 6 slice on its own) and the output reversed"
                        + " within each of its 9 consecutive blocks of 28 entries");
        assertNamed(new Conv2dLayer(2, 3, 2, 4, 5, 3, 3, 0, "flipWidth"), "reversed",
                "the input reversed along dim 3 (each line of 5 along it on its own) and the output reversed within each of its"
                        + " 8 consecutive blocks of 3 entries", "w[..., K-1-k] for w[..., k]");
        assertNamed(new Conv2dLayer(2, 3, 4, 5, 5, 3, 2, 0, "dwFlip"), "reversed", "only input 'input1' is wrong",
                "analytic equals numeric reversed along dims 2 and 3 at once (analytic[..., i, j] = numeric[..., 2 - i,"
                        + " 1 - j])", "a kernel's gradient indexed [..., 2 - i, 1 - j] where [..., i, j] was meant");
    }

    @Test
    void aNonSquareWeightReshapedWhereItShouldBeTransposedIsNamed() {
        // the outside tester's layer: x [4, 3], W [3, 2], dx = g·W.reshape(2, 3)
        assertNamed(new LinearLayer(new int[] {4}, 3, 2, false, "reshaped"), "reshaped",
                "only input 'input0' is wrong", "input 'input0': analytic equals J'ᵀ·gradOutput on every entry, where"
                        + " the gradient is Jᵀ·gradOutput", "J' the same with each of its 2 x 3 blocks (from a row of 3 input entries",
                "the backward reshapes a matrix where it should transpose it (e.g. dx = g·W.reshape(2, 3) for y = x·W"
                        + " with W of shape [3, 2], where g·Wᵀ is right)");
        assertNamed(new LinearLayer(new int[] {2, 3}, 4, 6, false, "reshaped"), "reshaped",
                "dx = g·W.reshape(6, 4) for y = x·W with W of shape [4, 6]");
        assertNamed(new LinearLayer(new int[] {5}, 2, 3, true, "reshaped"), "reshaped",
                "dx = g·W.reshape(2, 3)ᵀ for y = x·Wᵀ with W of shape [3, 2], where g·W is right");
        assertNamed(new LinearLayer(new int[] {4}, 3, 5, false, "dwReshaped"), "reshaped",
                "only input 'input1' is wrong", "the entries of a 4 x 3 matrix, read in the wrong memory order: the blocks taken column by column where"
                        + " they are stored row by row",
                "dW = x.reshape(3, 4)·g for y = x·W with x of shape [4, 3], where xᵀ·g is right");
    }

    /** As a user checks a layer at a point of their own: GradCheck on the op, the report's text. */
    @Test
    void theSameSentencesThroughGradCheckAtAPointOfTheUsers() {
        Random r = new Random(11);
        Conv2dLayer conv = new Conv2dLayer(2, 3, 4, 5, 5, 3, 3, 0, "flip");
        String text = GradCheck.of(conv).at(r.doubles(150).toArray(), r.doubles(108).toArray(), r.doubles(4).toArray())
                .seed(0).check().toText();
        assertTrue(text.contains("FAIL  input0  [2, 3, 5, 5]"), text);
        assertTrue(text.contains("diagnosis: analytic equals the true gradient with the input reversed along dims 2 and 3"
                + " at once (each 5 x 5 slice on its own)"), text);
        LinearLayer linear = new LinearLayer(new int[] {4}, 3, 2, false, "reshaped");
        text = GradCheck.of(linear).at(r.doubles(12).toArray(), r.doubles(6).toArray(), r.doubles(2).toArray())
                .names("x", "W", "b").seed(0).check().toText();
        assertTrue(text.contains("FAIL  x  [4, 3]"), text);
        assertTrue(text.contains("diagnosis: analytic equals J'ᵀ·gradOutput on every entry"), text);
        assertTrue(text.contains("(e.g. dx = g·W.reshape(2, 3) for y = x·W with W of shape [3, 2], where g·Wᵀ is"
                + " right)"), text);
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
        Conv2dLayer conv = new Conv2dLayer(2, 2, 2, 4, 4, 3, 3, 1, "ok");
        assertNoClaim(conv, true, NEW_KINDS);
        for (String bug : new String[] {"offByOne", "dwFactor", "dwBatch0", "transposedKernel"}) {
            assertNoClaim(conv.withBug(bug), false, NEW_KINDS);
        }
        // dx's two channels swapped: permuted, rightly
        assertNoClaim(conv.withBug("channels"), false, List.of("centred_term", "reversed", "not_transposed",
                "reshaped"));
        assertNoClaim(conv.withBug("flip"), false, List.of("centred_term", "not_transposed", "reshaped", "permuted"));
        LinearLayer linear = new LinearLayer(new int[] {4}, 3, 5, false, "ok");
        LinearLayer torch = new LinearLayer(new int[] {2, 2}, 5, 3, true, "ok");
        assertNoClaim(linear, true, NEW_KINDS);
        assertNoClaim(torch, true, NEW_KINDS);
        for (String bug : new String[] {"dwTransposed", "dxFactor", "biasFirstRow"}) {
            assertNoClaim(linear.withBug(bug), false, NEW_KINDS);
            assertNoClaim(torch.withBug(bug), false, NEW_KINDS);
        }
        assertNoClaim(linear.withBug("reshaped"), false, List.of("centred_term", "reversed", "not_transposed",
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

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
 * A backward that breaks a shift invariance of its forward (the numeric gradient sums to 0 over a
 * dim in every slice along it, or over the whole input, the analytic one does not) is named
 * {@code shift_invariance}, end to end through CustomOpCheck at seeds 0–9: attention's dK without
 * the transpose of the score gradient (the outside tester's case, which said only "only input
 * 'input1' is wrong"), a log_softmax whose sum runs over the other dim, a softmax over a whole
 * matrix summing one row, a layer norm without its mean and variance terms. The right ops, a
 * factor (the sums stay 0), an input with no invariance, and the bugs a more specific finding
 * names (softmax without -y·Σ g·y, a norm without its mean term) do not get it at the op level.
 */
class ShiftInvarianceFindingTest {
    private static final String KIND = "shift_invariance";
    private static final int SEEDS = 10;
    private static final String CAUSE = ": the backward breaks this invariance, a term that should cancel across ";
    private static final String EXAMPLES = " is missing or misapplied (e.g. a product with an operand left untransposed,"
            + " such as attention's dK = dS·Q/√d for dSᵀ·Q/√d, or a -Σ term dropped or summed over another dim, such as"
            + " softmax's -y·Σ g·y or a layer norm's or a centring's mean term)";

    private static CheckResult check(CustomOp op, long seed) {
        return CustomOpCheck.check(op, CheckOptions.defaults().withSeed(seed).withThreads(1));
    }

    /** At every seed the op fails, its op-level findings are {@code kinds} and its diagnosis holds each phrase. */
    private static void assertNamed(CustomOp op, List<String> kinds, String... phrases) {
        for (long seed = 0; seed < SEEDS; seed++) {
            CheckResult r = check(op, seed);
            long s = seed;
            assertEquals(Status.FAIL, r.status(), () -> op.name() + " seed " + s + " not caught:\n" + r);
            assertEquals(kinds, r.findings(), () -> op.name() + " seed " + s + ":\n" + r.diagnosis());
            for (String p : phrases) {
                assertTrue(r.diagnosis().contains(p), () -> op.name() + " seed " + s + ": expected '" + p + "' in\n"
                        + r.diagnosis());
            }
        }
    }

    /** At every seed: the op fails, its op-level findings contain {@code kind}, and neither it nor any draw says shift_invariance. */
    private static void assertNotClaimed(CustomOp op, String kind, boolean inAnyDraw) {
        for (long seed = 0; seed < SEEDS; seed++) {
            CheckResult r = check(op, seed);
            long s = seed;
            assertEquals(Status.FAIL, r.status(), () -> op.name() + " seed " + s + " should fail:\n" + r);
            assertTrue(kind == null || r.findings().contains(kind), () -> op.name() + " seed " + s + ": expected "
                    + kind + ", got " + r.findings() + ":\n" + r.diagnosis());
            List<CheckResult> all = new ArrayList<>(inAnyDraw ? r.inputs() : List.of());
            all.add(r);
            for (CheckResult part : all) {
                assertFalse(part.findings().contains(KIND), () -> op.name() + " seed " + s + " " + part.name()
                        + " draw " + part.draw() + ": unexpected " + KIND + " in " + part.diagnosis());
            }
        }
    }

    private static void assertClean(CustomOp op) {
        for (long seed = 0; seed < SEEDS; seed++) {
            CheckResult r = check(op, seed);
            long s = seed;
            assertTrue(r.passed(), () -> op.name() + " seed " + s + " is right but failed:\n" + r);
            assertEquals(List.of(), r.findings(), () -> op.name() + " seed " + s + ":\n" + r);
        }
    }

    @Test
    void attentionsKeyGradientWithoutTheTransposeIsNamed() {
        assertNamed(PlantedInvariances.attention(4, 3, "dkNoTranspose"), List.of("only_input", KIND),
                "only input 'input1' is wrong (input0, input2 pass at every draw); input 'input1': the numeric gradient"
                        + " sums to 0 over dim 0 of input1 [4, 3] in each of its 3 slices along that dim (each column;"
                        + " the sums at most ",
                ", within the entries' tolerances, the entries up to ",
                "): the forward is unchanged, to first order, when the entries of any one such slice all move by the"
                        + " same amount (a shift invariance, e.g. of softmax's or log_softmax's logits along its dim, a"
                        + " layer norm's input along its normalised dims, or anything centred); the analytic gradient's"
                        + " sums over dim 0 are not 0 (on 3 of 3 slices, beyond their tolerance; the largest ",
                CAUSE + "dim 0" + EXAMPLES);
        // the value and place of the largest sum at one seed, as the docs show it
        CheckResult r = check(PlantedInvariances.attention(4, 3, "dkNoTranspose"), 0);
        assertTrue(r.diagnosis().contains("the largest 3.00 at [:, 0])"), r::diagnosis);
        assertTrue(r.diagnosis().endsWith("; the same at draw 1; wrong at |x|~1, 10, right at |x|~100"), r::diagnosis);
    }

    @Test
    void otherShapesDimsAndTheWholeInputAreNamed() {
        assertNamed(PlantedInvariances.attention(3, 4, "dkNoTranspose"), List.of("only_input", KIND),
                "over dim 0 of input1 [3, 4] in each of its 4 slices along that dim (each column;", "(on 4 of 4 slices");
        assertNamed(PlantedInvariances.attention(5, 2, "dkNoTranspose"), List.of("only_input", KIND),
                "over dim 0 of input1 [5, 2] in each of its 2 slices along that dim (each column;");
        assertNamed(PlantedInvariances.logSoftmaxRows(4, 5, "sumOverColumns"), List.of(KIND),
                "input 'input0': the numeric gradient sums to 0 over dim 1 of input0 [4, 5] in each of its 4 slices"
                        + " along that dim (each row;", "the analytic gradient's sums over dim 1 are not 0 (on 4 of 4"
                        + " slices", CAUSE + "dim 1" + EXAMPLES);
        assertNamed(PlantedInvariances.softmaxAll(3, 4, "dotFirstRow"), List.of(KIND),
                "input 'input0': the numeric gradient sums to 0 over the whole of input0 [3, 4] (the sum ",
                "the forward is unchanged, to first order, when every entry moves by the same amount",
                "; the analytic gradient's sum is not 0 (", ", beyond its tolerance)" + CAUSE + "the whole input" + EXAMPLES);
        // 3 entries a slice: too few for centred_term's two-part fit, which names it at [5, 6]
        assertNamed(PlantedLayers.norm(true, 4, 3, "noMeanVar"), List.of("only_input", KIND),
                "over dim 1 of input0 [4, 3] in each of its 4 slices along that dim (each row;");
    }

    @Test
    void theRightOpsPassWithoutIt() {
        assertClean(PlantedInvariances.attention(4, 3, "ok"));
        assertClean(PlantedInvariances.attention(5, 2, "ok"));
        assertClean(PlantedInvariances.logSoftmaxRows(4, 5, "ok"));
        assertClean(PlantedInvariances.softmaxAll(3, 4, "ok"));
        assertClean(PlantedLayers.norm(true, 4, 3, "ok"));
    }

    @Test
    void aBugThatKeepsTheSumsZeroOrAnInputWithoutInvarianceIsNotClaimed() {
        // a factor keeps the sums 0: named as the factor, at no draw as a broken invariance
        assertNotClaimed(PlantedInvariances.attention(4, 3, "dkTwice"), "factor", true);
        assertNotClaimed(PlantedInvariances.attention(4, 3, "dqNoScale"), "factor", true);
        // γ² for γ scales what the norm's projection leaves, which still sums to 0 over the row
        assertNotClaimed(PlantedLayers.norm(true, 4, 3, "gammaSquared"), null, true);
        assertNotClaimed(PlantedLayers.norm(false, 4, 3, "gammaSquared"), null, true);
        // V, a linear layer's x and W, a convolution's x: the forward moves with every shift
        assertNotClaimed(PlantedInvariances.attention(4, 3, "dvNoTranspose"), "not_transposed", true);
        assertNotClaimed(PlantedLayers.linear(3, "dwTransposed"), null, true);
        assertNotClaimed(PlantedLayers.linear(3, "biasFirstRow"), null, true);
        assertNotClaimed(PlantedLayers.conv1d(8, "offByOne"), null, true);
        assertNotClaimed(PlantedLayers.norm(true, 4, 3, "betaNoSum"), "one_block", true);
    }

    @Test
    void theMoreSpecificTermFindingsKeepTheirDiagnoses() {
        // the invariance is broken here too, but the term findings name the missing term: at the op
        // level they win (a draw they do not fit may still say the invariance is broken)
        assertNotClaimed(PlantedModels.softmaxRows((y, g, dot) -> y * g), "slice_term", false);
        assertNotClaimed(PlantedModels.centred(false), "slice_term", false);
        for (boolean layer : new boolean[] {false, true}) {
            assertNotClaimed(PlantedLayers.norm(layer, 4, 3, "noMean"), "slice_term", false);
            assertNotClaimed(PlantedLayers.norm(layer, 4, 3, "noVar"), "centred_term", false);
            assertNotClaimed(PlantedLayers.norm(layer, 5, 6, "noMeanVar"), "centred_term", false);
        }
    }
}

package dev.gradcheck.engine.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcheck.engine.Attrs;
import dev.gradcheck.engine.Ops;
import dev.gradcheck.engine.ShapeException;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.op.OpRegistry;
import dev.gradcheck.engine.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Incompatible shapes and bad attributes: the message names the op and every full shape. */
class CoreOpsErrorsTest {

    private static String shapeError(Executable e) {
        return assertThrows(ShapeException.class, e).getMessage();
    }

    private static void assertContainsAll(String message, String... parts) {
        for (String p : parts) {
            assertTrue(message.contains(p), () -> "expected the message to contain '" + p + "' but it was: " + message);
        }
    }

    @Test
    void matmulInnerDimensionsDiffer() {
        String m = shapeError(() -> Tensor.zeros(8, 4).matmul(Tensor.zeros(3, 16)));
        assertEquals("matmul: [8, 4] x [3, 16]: inner dimensions 4 and 3 differ", m);
    }

    @Test
    void matmulVectorCases() {
        assertEquals("matmul: [3] x [4]: inner dimensions 3 and 4 differ",
                shapeError(() -> Tensor.zeros(3).matmul(Tensor.zeros(4))));
        assertEquals("matmul: [2, 3] x [2]: inner dimensions 3 and 2 differ",
                shapeError(() -> Tensor.zeros(2, 3).matmul(Tensor.zeros(2))));
    }

    @Test
    void matmulBatchDimensionsDoNotBroadcast() {
        String m = shapeError(() -> Tensor.zeros(2, 3, 4).matmul(Tensor.zeros(5, 4, 2)));
        assertEquals("matmul: [2, 3, 4] x [5, 4, 2]: batch dimensions [2] and [5] do not broadcast", m);
    }

    @Test
    void matmulOfAScalar() {
        String m = shapeError(() -> Tensor.scalar(2).matmul(Tensor.zeros(3)));
        assertContainsAll(m, "matmul", "[] x [3]", "at least 1-D");
    }

    @Test
    void linearFeaturesDiffer() {
        String m = shapeError(() -> Ops.apply("linear", Tensor.zeros(8, 4), Tensor.zeros(16, 3)));
        assertEquals("linear: input [8, 4], weight [16, 3]: in_features differ: the input's last dimension is 4 "
                + "and the weight's is 3", m);
    }

    @Test
    void linearBiasDoesNotFit() {
        String m = shapeError(() -> Ops.apply("linear", Tensor.zeros(8, 4), Tensor.zeros(16, 4), Tensor.zeros(3)));
        assertContainsAll(m, "linear", "[8, 4]", "[16, 4]", "bias [3]", "[8, 16]");
    }

    @Test
    void linearWeightOfRankThree() {
        String m = shapeError(() -> Ops.apply("linear", Tensor.zeros(2, 4), Tensor.zeros(1, 3, 4)));
        assertContainsAll(m, "linear", "[2, 4]", "[1, 3, 4]", "1-D or 2-D");
    }

    @Test
    void catListsEveryShape() {
        String m = shapeError(() -> Ops.apply("cat", Tensor.zeros(2, 3), Tensor.zeros(2, 3), Tensor.zeros(2, 4)));
        assertContainsAll(m, "cat: [2, 3], [2, 3], [2, 4]", "dimension 0", "expected size 3 but got size 4",
                "tensor number 2");
    }

    @Test
    void catRanksDiffer() {
        String m = shapeError(() -> Ops.apply("cat", Attrs.of("dim", 1), Tensor.zeros(2, 3), Tensor.zeros(2, 3, 1)));
        assertContainsAll(m, "cat: [2, 3], [2, 3, 1]", "same number of dimensions");
    }

    @Test
    void catOfAScalar() {
        String m = shapeError(() -> Ops.apply("cat", Tensor.zeros(2), Tensor.scalar(1)));
        assertContainsAll(m, "cat: [2], []", "zero-dimensional tensor (at position 1)");
    }

    @Test
    void catDimOutOfRange() {
        String m = shapeError(() -> Ops.apply("cat", Attrs.of("dim", 2), Tensor.zeros(2, 3), Tensor.zeros(2, 3)));
        assertContainsAll(m, "cat", "dimension 2 is out of range", "[2, 3]", "[-2, 1]");
    }

    @Test
    void narrowPastTheEnd() {
        String m = shapeError(() -> Tensor.zeros(2, 3).narrow(1, 2, 2));
        assertContainsAll(m, "narrow", "start (2) + length (2) exceeds dimension size (3)", "[2, 3]");
    }

    @Test
    void narrowStartOutOfRangeAndNegativeLength() {
        assertContainsAll(shapeError(() -> Tensor.zeros(2, 3).narrow(-1, -4, 1)), "narrow", "start -4", "[-3, 3]",
                "[2, 3]");
        assertContainsAll(shapeError(() -> Tensor.zeros(2, 3).narrow(0, 0, -1)), "narrow", "non-negative", "[2, 3]");
        assertContainsAll(shapeError(() -> Tensor.scalar(1).narrow(0, 0, 1)), "narrow", "0-dim");
    }

    @Test
    void permuteWithRepeatsOrTheWrongLength() {
        assertContainsAll(shapeError(() -> Tensor.zeros(2, 3).permute(0, -2)), "permute", "[0, -2]", "repeats",
                "[2, 3]");
        assertContainsAll(shapeError(() -> Tensor.zeros(2, 3).permute(0, 1, 2)), "permute", "[0, 1, 2]", "[2, 3]");
    }

    @Test
    void dimensionsOutOfRange() {
        assertContainsAll(shapeError(() -> Tensor.zeros(2, 3).transpose(0, 2)), "transpose", "dimension 2",
                "[2, 3]", "[-2, 1]");
        assertContainsAll(shapeError(() -> Tensor.zeros(2, 3).unsqueeze(3)), "unsqueeze", "dimension 3", "[2, 3]",
                "[-3, 2]");
        assertContainsAll(shapeError(() -> Tensor.zeros(2, 3).squeeze(-3)), "squeeze", "dimension -3", "[2, 3]");
        assertContainsAll(shapeError(() -> Tensor.zeros(2, 3).amax(2, false)), "amax", "dimension 2", "[2, 3]");
        assertContainsAll(shapeError(() -> Tensor.zeros(2, 3).logsumexp(-3, false)), "logsumexp", "[2, 3]");
    }

    @Test
    void amaxOverAnEmptyDimension() {
        assertContainsAll(shapeError(() -> Tensor.zeros(0, 3).amax(0, false)), "amax", "[0, 3]", "non-zero size");
    }

    @Test
    void clampNeedsABound() {
        String m = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2).clamp(null, null)).getMessage();
        assertContainsAll(m, "clamp", "min", "max", "None");
    }

    @Test
    void logsumexpNeedsDim() {
        String m = assertThrows(IllegalArgumentException.class, () -> Ops.apply("logsumexp", Tensor.zeros(2)))
                .getMessage();
        assertContainsAll(m, "logsumexp", "'dim' is required");
    }

    @Test
    void geluRejectsAnUnknownApproximation() {
        String m = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2).gelu("sigmoid")).getMessage();
        assertContainsAll(m, "gelu", "approximate", "none, tanh", "sigmoid");
    }

    @Test
    void shapeRulesWorkWithoutComputing() {
        assertEquals(Shape.of(2, 3, 2, 2), OpRegistry.get("matmul").inferShape(
                new Shape[] {Shape.of(2, 1, 2, 3), Shape.of(3, 3, 2)}, Attrs.EMPTY));
        assertEquals(Shape.of(), OpRegistry.get("matmul").inferShape(
                new Shape[] {Shape.of(3), Shape.of(3)}, Attrs.EMPTY));
        assertEquals(Shape.of(5, 7), OpRegistry.get("cat").inferShape(
                new Shape[] {Shape.of(5, 3), Shape.of(0), Shape.of(5, 4)},
                OpRegistry.get("cat").resolve(Attrs.of("dim", -1))));
    }
}

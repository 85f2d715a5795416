package dev.gradcheck.engine.op;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcheck.engine.Attrs;
import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.ShapeException;
import org.junit.jupiter.api.Test;

/**
 * Issue 17, defect 6: shape rules compute in {@code long} with overflow checks, so attributes and
 * dimensions near 2^31 give a {@link ShapeException} naming the op, never a wrapped-around shape
 * (conv2d with padding 2^31 − 1 used to give [1, 1, 2, 2]).
 */
class ShapeOverflowTest {
    private static final int BIG = Integer.MAX_VALUE;

    private static Shape infer(String op, Attrs attrs, Shape... in) {
        OpDef def = OpRegistry.get(op);
        return def.inferShape(in, def.resolve(attrs));
    }

    private static void refused(String op, Attrs attrs, Shape... in) {
        ShapeException e = assertThrows(ShapeException.class, () -> infer(op, attrs, in),
                op + " " + attrs + " on " + java.util.Arrays.toString(in));
        assertTrue(e.getMessage().startsWith(op + ":"), e.getMessage());
    }

    @Test
    void conv2dWithHugePaddingOrDilationIsRefused() {
        Shape x = Shape.of(1, 1, 4, 4);
        Shape w = Shape.of(1, 1, 3, 3);
        refused("conv2d", Attrs.of("padding", new int[] {BIG, BIG}), x, w);
        refused("conv2d", Attrs.of("dilation", new int[] {BIG, BIG}), x, w);
        refused("conv2d", Attrs.of("padding", new int[] {BIG / 2, 0}), x, w);
        refused("conv2d", Attrs.of("stride", new int[] {BIG, BIG}, "padding", new int[] {BIG, BIG}), x, w);
        // an honest convolution still works
        assertArrayEquals(new int[] {1, 1, 4, 4}, infer("conv2d", Attrs.of("padding", new int[] {1, 1}), x, w).dims());
    }

    @Test
    void poolingAndUnfoldWithHugeWindowsAreRefused() {
        Shape x = Shape.of(1, 1, 4, 4);
        refused("max_pool2d", Attrs.of("kernel_size", new int[] {2, 2}, "padding", new int[] {1, 1},
                "dilation", new int[] {BIG, BIG}), x);
        refused("avg_pool2d", Attrs.of("kernel_size", new int[] {BIG, BIG}), x);
        // kernel 65536 x 65536 fits a padded 1 x 1 input; its 2^32 positions do not fit an int
        refused("unfold", Attrs.of("kernel_size", new int[] {65536, 65536}, "padding", new int[] {50000, 50000}),
                Shape.of(1, 1, 1, 1));
    }

    @Test
    void catNarrowAndReshapeDoNotWrapAround() {
        refused("cat", Attrs.of("dim", 0), Shape.of(1_500_000_000), Shape.of(1_500_000_000));
        refused("narrow", Attrs.of("dim", 0, "start", 1, "length", BIG), Shape.of(4));
        refused("reshape", Attrs.of("shape", new int[] {BIG, BIG, BIG, -1}), Shape.of(4));
        refused("reshape", Attrs.of("shape", new int[] {65536, 65536}), Shape.of(4));
    }

    @Test
    void theOneDimensionalAndTransposedConvolutionsAndPaddingDoNotWrapAround() {
        Shape x1 = Shape.of(1, 1, 4);
        Shape w1 = Shape.of(1, 1, 3);
        refused("conv1d", Attrs.of("padding", BIG), x1, w1);
        refused("conv1d", Attrs.of("dilation", BIG), x1, w1);
        refused("conv1d", Attrs.of("padding", BIG, "stride", BIG), x1, w1);
        refused("max_pool1d", Attrs.of("kernel_size", 2, "dilation", BIG), x1);
        refused("avg_pool1d", Attrs.of("kernel_size", BIG), x1);
        Shape x2 = Shape.of(1, 1, 4, 4);
        Shape w2 = Shape.of(1, 1, 3, 3);
        refused("conv_transpose2d", Attrs.of("stride", new int[] {BIG, BIG}), x2, w2);
        refused("conv_transpose2d", Attrs.of("dilation", new int[] {BIG, BIG}), x2, w2);
        refused("pad", Attrs.of("pad", new int[] {BIG, BIG}), Shape.of(4));
        refused("pad", Attrs.of("pad", new int[] {-BIG, -3}), Shape.of(4));
    }
}

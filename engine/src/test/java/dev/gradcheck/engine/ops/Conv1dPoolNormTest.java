package dev.gradcheck.engine.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.gradcheck.engine.Attrs;
import dev.gradcheck.engine.Autograd;
import dev.gradcheck.engine.Ops;
import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.ShapeException;
import dev.gradcheck.engine.Tensor;
import org.junit.jupiter.api.Test;

/**
 * conv1d, max_pool1d, avg_pool1d and instance_norm: values printed by PyTorch 1.13 on small inputs,
 * and the errors (naming the op and every shape) for inputs PyTorch refuses.
 */
class Conv1dPoolNormTest {
    private static final Tensor X = Tensor.of(new double[] {1, -2, 3, 0.5, 4, -1}, 1, 1, 6);

    private static String shapeError(Runnable r) {
        return assertThrows(ShapeException.class, r::run).getMessage();
    }

    private static void assertValues(double[] expected, Tensor actual) {
        assertArrayEquals(expected, actual.data(), 1e-15);
    }

    @Test
    void conv1dWithStridePaddingDilationAndBias() {
        Tensor w = Tensor.of(new double[] {1, 0.5, -1, 2}, 2, 1, 2);
        Tensor y = Ops.apply("conv1d", Attrs.of("stride", 2, "padding", new int[] {1}, "dilation", 2), X, w,
                Tensor.of(new double[] {0.1, -0.2}, 2));
        assertEquals(Shape.of(1, 2, 3), y.shape());
        assertValues(new double[] {-0.9, -1.65, 0.1, -4.2, 2.8, -2.7}, y);
        Tensor unbatched = Ops.apply("conv1d", Attrs.of("stride", 2, "padding", 1, "dilation", 2), X.reshape(1, 6), w);
        assertEquals(Shape.of(2, 3), unbatched.shape());
    }

    @Test
    void conv1dErrors() {
        Tensor x = Tensor.zeros(2, 3, 7);
        assertEquals("conv1d: input [2, 3, 7], weight [4, 2, 3]: input has 3 channels, but weight with groups=1 expects "
                + "2 * 1 = 2", shapeError(() -> Ops.apply("conv1d", Attrs.EMPTY, x, Tensor.zeros(4, 2, 3))));
        assertEquals("conv1d: input [2, 3, 7], weight [4, 3, 9]: the input's length 7 padded by 0 on each side is smaller "
                + "than the kernel 9 with dilation 1", shapeError(() -> Ops.apply("conv1d", Attrs.EMPTY, x,
                        Tensor.zeros(4, 3, 9))));
        assertEquals("conv1d: input [1, 2, 3, 7], weight [4, 3, 3]: expected a 2-D (C, L) or 3-D (N, C, L) input, got "
                + "4-D input [1, 2, 3, 7]", shapeError(() -> Ops.apply("conv1d", Attrs.EMPTY, Tensor.zeros(1, 2, 3, 7),
                        Tensor.zeros(4, 3, 3))));
        assertEquals("conv1d: expected padding to be a single integer or a list of 1 value, got [1, 1]",
                shapeError(() -> Ops.apply("conv1d", Attrs.of("padding", new int[] {1, 1}), x, Tensor.zeros(4, 3, 3))));
        assertEquals("conv1d: input [2, 3, 7], weight [4, 3, 3], bias [3]: bias must have shape [4] (out_channels)",
                shapeError(() -> Ops.apply("conv1d", Attrs.EMPTY, x, Tensor.zeros(4, 3, 3), Tensor.zeros(3))));
        assertEquals("conv1d: input [2, 4, 7], weight [5, 2, 3]: out_channels 5 is not divisible by groups 2",
                shapeError(() -> Ops.apply("conv1d", Attrs.of("groups", 2), Tensor.zeros(2, 4, 7), Tensor.zeros(5, 2, 3))));
        assertEquals("conv1d: stride and dilation must be positive, got stride 0 and dilation 1",
                shapeError(() -> Ops.apply("conv1d", Attrs.of("stride", 0), x, Tensor.zeros(4, 3, 3))));
        // padding and dilation near the int range: the output length is computed in long
        assertEquals("conv1d: input [2, 3, 7], weight [4, 3, 3]: the input's length 7 padded by 0 on each side is "
                + "smaller than the kernel 3 with dilation 2147483647", shapeError(() -> Ops.apply("conv1d",
                        Attrs.of("dilation", Integer.MAX_VALUE), x, Tensor.zeros(4, 3, 3))));
    }

    @Test
    void poolsMatchPyTorch() {
        assertValues(new double[] {1, 3, 4}, Ops.apply("max_pool1d", Attrs.of("kernel_size", 2, "ceil_mode", true), X));
        assertValues(new double[] {-0.5, 0.5, 1.1666666666666667}, Ops.apply("avg_pool1d",
                Attrs.of("kernel_size", 3, "stride", 2, "padding", 1, "count_include_pad", false), X));
        Tensor x = X.detach().requiresGrad();
        Tensor y = Ops.apply("max_pool1d", Attrs.of("kernel_size", 3, "stride", 1), x);
        assertValues(new double[] {0, 0, 2, 0, 2, 0}, Autograd.grad(y.sum(), x)[0]);
    }

    @Test
    void maxPool1dGivesAnEmptyOutputWhereNoWindowFitsAsPyTorchDoes() {
        Tensor x = Tensor.of(new double[] {1, 2, 3, 4}, 1, 2, 2).requiresGrad();
        Tensor empty = Ops.apply("max_pool1d", Attrs.of("kernel_size", 3), x);
        assertEquals(Shape.of(1, 2, 0), empty.shape());
        assertValues(new double[4], Autograd.grad(empty.sum(), x)[0]);
        assertEquals("avg_pool1d: input [1, 2, 2]: the length 2 padded by 0 on each side is smaller than the kernel 3 "
                + "with dilation 1 (output length would be 0)", shapeError(() -> Ops.apply("avg_pool1d",
                        Attrs.of("kernel_size", 3), Tensor.zeros(1, 2, 2))));
        assertEquals("max_pool1d: input [1, 2, 1]: the length 1 padded by 0 on each side is smaller than the kernel 5 "
                + "with dilation 1 (output length would be -3)", shapeError(() -> Ops.apply("max_pool1d",
                        Attrs.of("kernel_size", 5, "stride", 1), Tensor.zeros(1, 2, 1))));
        assertEquals(Shape.of(1, 2, 0), Ops.apply("max_pool1d", Attrs.of("kernel_size", 5), Tensor.zeros(1, 2, 1)).shape());
    }

    @Test
    void poolErrors() {
        assertEquals("max_pool1d: pad should be at least 0 and at most half of kernel size, but got padding 2 and "
                + "kernel_size 3 (input [1, 3, 7])", shapeError(() -> Ops.apply("max_pool1d",
                        Attrs.of("kernel_size", 3, "padding", 2), Tensor.zeros(1, 3, 7))));
        assertEquals("avg_pool1d: expected a 2-D (C, L) or 3-D (N, C, L) input, got 4-D input [1, 2, 3, 7]",
                shapeError(() -> Ops.apply("avg_pool1d", Attrs.of("kernel_size", 3), Tensor.zeros(1, 2, 3, 7))));
        assertEquals("max_pool1d: expected kernel_size to be a single integer or a list of 1 value, got [2, 2]",
                shapeError(() -> Ops.apply("max_pool1d", Attrs.of("kernel_size", new int[] {2, 2}), Tensor.zeros(1, 3, 7))));
        assertEquals("max_pool1d: attribute 'kernel_size' is required (an integer or a list of integers)",
                assertThrows(IllegalArgumentException.class, () -> Ops.apply("max_pool1d", Attrs.EMPTY,
                        Tensor.zeros(1, 3, 7))).getMessage());
    }

    @Test
    void instanceNormNormalisesEachPlane() {
        Tensor x = Tensor.of(new double[] {1, 2, 4, 8, 0, 0, 1, 1}, 1, 2, 4);
        Tensor y = Ops.apply("instance_norm", Attrs.EMPTY, x, Tensor.of(new double[] {2, 1}, 2),
                Tensor.of(new double[] {0, 1}, 2));
        assertValues(new double[] {-2.0515091509923864, -1.3055058233587913, 0.18650083190839872, 3.1705141424427787,
            1.9999400020065394e-05, 1.9999400020065394e-05, 1.99998000059998, 1.99998000059998}, y);
    }

    @Test
    void instanceNormErrors() {
        assertEquals("instance_norm: input [3, 5]: expected more than 1 spatial element (the entries of dimensions 2 and "
                + "after) per channel, as the statistics are the input's own",
                shapeError(() -> Ops.apply("instance_norm", Attrs.EMPTY, Tensor.zeros(3, 5))));
        assertEquals("instance_norm: input [2, 3, 5], weight [4]: weight must have shape [3] (the input's channels)",
                shapeError(() -> Ops.apply("instance_norm", Attrs.EMPTY, Tensor.zeros(2, 3, 5), Tensor.zeros(4))));
    }
}

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

/** conv_transpose1d / conv_transpose2d: a value printed by PyTorch 1.13, the adjoint identity, and the errors. */
class ConvTransposeOpsTest {

    private static String shapeError(Runnable r) {
        return assertThrows(ShapeException.class, r::run).getMessage();
    }

    @Test
    void conv_transpose1dMatchesPyTorch() {
        Tensor x = Tensor.of(new double[] {1, -2, 3}, 1, 1, 3);
        Tensor w = Tensor.of(new double[] {1, 0.5, 2, -1}, 1, 2, 2);
        Tensor y = Ops.apply("conv_transpose1d", Attrs.of("stride", 2, "padding", 1, "output_padding", 1), x, w,
                Tensor.of(new double[] {0.1, -0.2}, 2));
        assertEquals(Shape.of(1, 2, 5), y.shape());
        assertArrayEquals(new double[] {0.6, -1.9, -0.9, 3.1, 1.6, -1.2, -4.2, 1.8, 5.8, -3.2}, y.data(), 1e-15);
    }

    @Test
    void theInputGradientIsTheConvolutionOfTheOutputGradient() {
        // <conv_transpose2d(x, w), g> = <x, conv2d(g, w)>: the two ops are adjoint in their input
        java.util.Random rng = new java.util.Random(3);
        Tensor x = Tensor.randn(rng, 2, 4, 3, 2).requiresGrad();
        Tensor w = Tensor.randn(rng, 4, 3, 2, 3);
        Attrs a = Attrs.of("stride", new int[] {2, 1}, "padding", new int[] {1, 0}, "dilation", new int[] {1, 2},
                "groups", 2);
        Tensor y = Ops.apply("conv_transpose2d", a.with("output_padding", new int[] {1, 1}), x, w);
        Tensor g = Tensor.randn(rng, y.shape().dims());
        Tensor gx = Autograd.grad(y, g, false, x)[0];
        Tensor conv = Ops.apply("conv2d", a, g, w);
        assertEquals(Shape.of(2, 4, 3, 3), conv.shape(), "the convolution sees one more column than x has");
        assertArrayEquals(conv.narrow(3, 0, 2).data(), gx.data(), 1e-12);
    }

    @Test
    void errorsNameTheOpAndTheShapes() {
        Tensor x = Tensor.zeros(2, 4, 5);
        assertEquals("conv_transpose1d: input [2, 4, 5], weight [3, 3, 3]: input has 4 channels, but the weight's "
                + "dimension 0 (in_channels) is 3", shapeError(() -> Ops.apply("conv_transpose1d", Attrs.EMPTY, x,
                        Tensor.zeros(3, 3, 3))));
        assertEquals("conv_transpose1d: input [2, 4, 5], weight [4, 3, 3]: in_channels 4 is not divisible by groups 3",
                shapeError(() -> Ops.apply("conv_transpose1d", Attrs.of("groups", 3), x, Tensor.zeros(4, 3, 3))));
        assertEquals("conv_transpose1d: input [2, 4, 5], weight [4, 3, 3], bias [4]: bias must have shape [3] "
                + "(out_channels = weight's dimension 1 * groups)", shapeError(() -> Ops.apply("conv_transpose1d",
                        Attrs.EMPTY, x, Tensor.zeros(4, 3, 3), Tensor.zeros(4))));
        assertEquals("conv_transpose1d: output_padding must be smaller than either stride or dilation, got "
                + "output_padding [2], stride [2], dilation [1]", shapeError(() -> Ops.apply("conv_transpose1d",
                        Attrs.of("stride", 2, "output_padding", 2), x, Tensor.zeros(4, 3, 3))));
        assertEquals("conv_transpose1d: input [1, 4, 1], weight [4, 3, 3]: the output size would be [-3], too small",
                shapeError(() -> Ops.apply("conv_transpose1d", Attrs.of("padding", 3), Tensor.zeros(1, 4, 1),
                        Tensor.zeros(4, 3, 3))));
        assertEquals("conv_transpose2d: output_padding must be smaller than either stride or dilation, got "
                + "output_padding [1, 1], stride [1, 1], dilation [1, 1]", shapeError(() -> Ops.apply(
                        "conv_transpose2d", Attrs.of("output_padding", 1), Tensor.zeros(1, 2, 3, 3),
                        Tensor.zeros(2, 1, 2, 2))));
        assertEquals("conv_transpose2d: input [2, 3], weight [2, 1, 2, 2]: expected a 3-D (C_in, H, W) or 4-D "
                + "(N, C_in, H, W) input, got 2-D", shapeError(() -> Ops.apply("conv_transpose2d", Attrs.EMPTY,
                        Tensor.zeros(2, 3), Tensor.zeros(2, 1, 2, 2))));
        assertEquals("conv_transpose2d: input [1, 2, 3, 3], weight [2, 1, 2]: weight must be 4-D (in_channels, "
                + "out_channels/groups, kH, kW), got 3-D", shapeError(() -> Ops.apply("conv_transpose2d", Attrs.EMPTY,
                        Tensor.zeros(1, 2, 3, 3), Tensor.zeros(2, 1, 2))));
        // sizes beyond the int range are computed in long and refused, not wrapped around
        assertEquals("conv_transpose1d: input [1, 4, 5], weight [4, 3, 3]: the output size would be [8589934591], too "
                + "large", shapeError(() -> Ops.apply("conv_transpose1d", Attrs.of("stride", Integer.MAX_VALUE),
                        Tensor.zeros(1, 4, 5), Tensor.zeros(4, 3, 3))));
    }
}

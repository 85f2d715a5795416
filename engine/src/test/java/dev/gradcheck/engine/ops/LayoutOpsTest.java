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

/** slice, pad, flatten and stack: PyTorch's values and shapes at the edges, and errors naming the op and shapes. */
class LayoutOpsTest {

    private static Tensor range(int... shape) {
        int n = Shape.of(shape).size();
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = i;
        }
        return Tensor.of(d, shape);
    }

    private static String shapeError(Runnable r) {
        return assertThrows(ShapeException.class, r::run).getMessage();
    }

    private static String argError(Runnable r) {
        return assertThrows(IllegalArgumentException.class, r::run).getMessage();
    }

    private static double[] slice(Tensor x, Object... attrs) {
        return Ops.apply("slice", Attrs.of(attrs), x).data();
    }

    // ---------------------------------------------------------------- slice

    @Test
    void sliceFollowsPythonsStartEndStep() {
        // torch.ops.aten.slice(torch.arange(10.), 0, start, end, step) in PyTorch 1.13
        Tensor x = range(10);
        assertArrayEquals(new double[] {1, 4, 7}, slice(x, "start", 1, "end", 8, "step", 3));
        assertArrayEquals(new double[] {7, 8, 9}, slice(x, "start", -3));
        assertArrayEquals(new double[] {0, 2, 4, 6}, slice(x, "end", -3, "step", 2));
        assertArrayEquals(new double[] {0, 4, 8}, slice(x, "start", -30, "end", 30, "step", 4));
        assertArrayEquals(new double[0], slice(x, "start", 8, "end", 2));
        assertArrayEquals(x.data(), slice(x));
        assertArrayEquals(new double[] {1, 3, 6, 8}, slice(range(2, 5), "dim", -1, "start", 1, "step", 2));
    }

    @Test
    void sliceGradientGoesBackToTheEntriesTaken() {
        Tensor x = range(2, 5).requiresGrad();
        Tensor y = Ops.apply("slice", Attrs.of("dim", 1, "start", -4, "step", 2), x);
        Tensor g = Autograd.grad(y, Tensor.of(new double[] {1, 2, 3, 4}, 2, 2), false, x)[0];
        assertArrayEquals(new double[] {0, 1, 0, 2, 0, 0, 3, 0, 4, 0}, g.data());
    }

    @Test
    void sliceErrors() {
        assertEquals("slice: step must be positive, got 0 (input [10]); PyTorch's slice has no negative steps",
                argError(() -> slice(range(10), "step", 0)));
        assertEquals("slice: cannot be applied to a 0-d tensor (input [])",
                shapeError(() -> slice(Tensor.scalar(1))));
        assertEquals("slice: dimension 2 is out of range for shape [2, 5] (expected to be in range of [-2, 1])",
                shapeError(() -> slice(range(2, 5), "dim", 2)));
    }

    // ---------------------------------------------------------------- pad

    @Test
    void padListsTheLastDimensionFirstAndCropsWithNegativeAmounts() {
        Tensor x = range(2, 3);
        Tensor p = Ops.apply("pad", Attrs.of("pad", new int[] {1, 0, 0, 1}, "value", 5.0), x);
        assertEquals(Shape.of(3, 4), p.shape());
        assertArrayEquals(new double[] {5, 0, 1, 2, 5, 3, 4, 5, 5, 5, 5, 5}, p.data());
        assertArrayEquals(new double[] {1, 2, 4, 5}, Ops.apply("pad", Attrs.of("pad", new int[] {-1, 0}), x).data());
        assertEquals(Shape.of(2, 0), Ops.apply("pad", Attrs.of("pad", new int[] {-1, -2}), x).shape());
        assertArrayEquals(x.data(), Ops.apply("pad", Attrs.of("pad", new int[0]), x).data());
        assertEquals(7, Ops.apply("pad", Attrs.of("pad", new int[0]), Tensor.scalar(7)).item());
    }

    @Test
    void padGradientIsThePaddingCutOffAgain() {
        Tensor x = range(2, 3).requiresGrad();
        Tensor p = Ops.apply("pad", Attrs.of("pad", new int[] {1, -1, 1, 0}), x);
        assertEquals(Shape.of(3, 3), p.shape());
        Tensor g = Autograd.grad(p, range(3, 3), false, x)[0];
        // rows 1..2 and columns 1..2 of the output gradient are those of x's entries 0..1
        assertArrayEquals(new double[] {4, 5, 0, 7, 8, 0}, g.data());
    }

    @Test
    void padErrors() {
        assertEquals("pad: pad [1] must have an even length ((before, after) pairs, last dimension first), got 1 "
                + "entries (input [2, 3])", shapeError(() -> Ops.apply("pad", Attrs.of("pad", new int[] {1}), range(2, 3))));
        assertEquals("pad: pad [1, 1, 1, 1, 1, 1] pads 3 dimensions but the input [2, 3] has only 2",
                shapeError(() -> Ops.apply("pad", Attrs.of("pad", new int[] {1, 1, 1, 1, 1, 1}), range(2, 3))));
        assertEquals("pad: dimension 1 of input [2, 3] would have size -1 after padding by (-2, -2) (pad [-2, -2])",
                shapeError(() -> Ops.apply("pad", Attrs.of("pad", new int[] {-2, -2}), range(2, 3))));
        assertEquals("pad: dimension 1 of input [2, 3] would have size 4294967297 after padding by (2147483647, "
                + "2147483647) (pad [2147483647, 2147483647])", shapeError(() -> Ops.apply("pad",
                        Attrs.of("pad", new int[] {Integer.MAX_VALUE, Integer.MAX_VALUE}), range(2, 3))));
        assertEquals("pad: attribute 'mode' must be one of constant; got \"reflect\"",
                argError(() -> Ops.apply("pad", Attrs.of("pad", new int[] {1, 1}, "mode", "reflect"), range(2, 3))));
    }

    // ---------------------------------------------------------------- flatten

    @Test
    void flattenMergesARunOfDimensions() {
        assertEquals(Shape.of(2, 12), Ops.apply("flatten", Attrs.of("start_dim", -2), range(2, 3, 4)).shape());
        assertEquals(Shape.of(24), Ops.apply("flatten", Attrs.EMPTY, range(2, 3, 4)).shape());
        assertEquals(Shape.of(6, 4), Ops.apply("flatten", Attrs.of("end_dim", 1), range(2, 3, 4)).shape());
        assertEquals(Shape.of(1), Ops.apply("flatten", Attrs.EMPTY, Tensor.scalar(3)).shape());
        assertEquals(Shape.of(2, 0), Ops.apply("flatten", Attrs.of("start_dim", 1), Tensor.zeros(2, 0, 4)).shape());
        Tensor x = range(2, 3).requiresGrad();
        Tensor g = Autograd.grad(Ops.apply("flatten", Attrs.EMPTY, x), range(6), false, x)[0];
        assertEquals(Shape.of(2, 3), g.shape());
        assertArrayEquals(range(6).data(), g.data());
    }

    @Test
    void flattenErrors() {
        assertEquals("flatten: start_dim 2 comes after end_dim 1 (input [2, 3, 4])",
                shapeError(() -> Ops.apply("flatten", Attrs.of("start_dim", 2, "end_dim", 1), range(2, 3, 4))));
        assertEquals("flatten: dimension 1 is out of range for shape [] (expected to be in range of [-1, 0])",
                shapeError(() -> Ops.apply("flatten", Attrs.of("start_dim", 1), Tensor.scalar(3))));
        assertEquals("flatten: flattening dimensions 1..2 of input [0, 65536, 65536] gives a dimension of 4294967296, "
                + "more than the engine's int dimensions hold",
                shapeError(() -> Ops.apply("flatten", Attrs.of("start_dim", 1), Tensor.zeros(0, 65536, 65536))));
    }

    // ---------------------------------------------------------------- stack

    @Test
    void stackJoinsAlongANewDimension() {
        Tensor a = range(2, 3);
        Tensor b = range(2, 3).add(10.0);
        Tensor s = Ops.apply("stack", Attrs.of("dim", -1), a, b);
        assertEquals(Shape.of(2, 3, 2), s.shape());
        assertArrayEquals(new double[] {0, 10, 1, 11, 2, 12, 3, 13, 4, 14, 5, 15}, s.data());
        assertEquals(Shape.of(2, 2, 3), Ops.apply("stack", Attrs.of("dim", 1), a, b).shape());
        assertArrayEquals(new double[] {1, 2}, Ops.apply("stack", Attrs.EMPTY, Tensor.scalar(1), Tensor.scalar(2)).data());
        Tensor x = range(2).requiresGrad();
        Tensor y = range(2).requiresGrad();
        Tensor[] g = Autograd.grad(Ops.apply("stack", Attrs.of("dim", 1), x, y), range(2, 2), false, x, y);
        assertArrayEquals(new double[] {0, 2}, g[0].data());
        assertArrayEquals(new double[] {1, 3}, g[1].data());
    }

    @Test
    void stackErrors() {
        assertEquals("stack: [2, 3], [2, 3], [3, 2]: every tensor must have the same shape, but tensor 0 is [2, 3] "
                + "and tensor 2 is [3, 2]", shapeError(() -> Ops.apply("stack", Attrs.EMPTY, range(2, 3), range(2, 3),
                        range(3, 2))));
        assertEquals("stack: dimension 3 is out of range for shape [2, 3] (expected to be in range of [-3, 2])",
                shapeError(() -> Ops.apply("stack", Attrs.of("dim", 3), range(2, 3))));
        assertEquals("stack: takes 1 or more inputs (tensors, …), got 0",
                argError(() -> Ops.apply("stack", Attrs.EMPTY)));
    }
}

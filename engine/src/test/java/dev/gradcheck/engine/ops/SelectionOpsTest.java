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

/** where, gather and index_select: values, gradients and the errors PyTorch raises, named for the op and shapes. */
class SelectionOpsTest {

    private static Tensor longs(long[] v, int... shape) {
        return Tensor.ofLongs(v, shape);
    }

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

    // ---------------------------------------------------------------- where

    @Test
    void whereBroadcastsTheThreeInputsAndSendsTheGradientWhereTheValueCameFrom() {
        Tensor cond = longs(new long[] {1, 0, 1}, 3);
        Tensor x = range(2, 3).requiresGrad();
        Tensor y = Tensor.of(new double[] {-1}, 1).requiresGrad();
        Tensor out = Ops.apply("where", Attrs.EMPTY, cond, x, y);
        assertArrayEquals(new double[] {0, -1, 2, 3, -1, 5}, out.data());
        Tensor[] g = Autograd.grad(out, Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3), false, x, y);
        assertArrayEquals(new double[] {1, 0, 3, 4, 0, 6}, g[0].data());
        assertArrayEquals(new double[] {7}, g[1].data());
    }

    @Test
    void whereDoesNotMultiplyAnInfiniteGradientByZero() {
        // as torch.where's backward (a selection, not a product): the unselected side gets 0, not NaN
        Tensor x = Tensor.of(new double[] {1, 2}, 2).requiresGrad();
        Tensor y = Tensor.of(new double[] {3, 4}, 2).requiresGrad();
        Tensor out = Ops.apply("where", Attrs.EMPTY, longs(new long[] {1, 0}, 2), x, y);
        Tensor[] g = Autograd.grad(out, Tensor.of(new double[] {Double.POSITIVE_INFINITY, Double.NaN}, 2), false, x, y);
        assertArrayEquals(new double[] {Double.POSITIVE_INFINITY, 0}, g[0].data());
        assertArrayEquals(new double[] {0, Double.NaN}, g[1].data());
    }

    @Test
    void whereConditionIsAnInt64TensorOfZerosAndOnes() {
        assertEquals("where: condition must hold only 0 (false) and 1 (true), got 2 at index [0, 1] (condition [2, 2])",
                argError(() -> Ops.apply("where", Attrs.EMPTY, longs(new long[] {1, 2, 0, 1}, 2, 2), range(2, 2),
                        range(2, 2))));
        assertEquals("where: input 'condition' must be int64, got float64 tensor of shape [2]",
                argError(() -> Ops.apply("where", Attrs.EMPTY, range(2), range(2), range(2))));
        assertEquals("where: condition [2], input [2, 3], other [3] do not broadcast together (shapes [2] and [2, 3] "
                + "do not broadcast: dimension -1 is 2 in one and 3 in the other)",
                shapeError(() -> Ops.apply("where", Attrs.EMPTY, longs(new long[] {1, 0}, 2), range(2, 3), range(3))));
    }

    // ---------------------------------------------------------------- gather

    @Test
    void gatherPicksAlongDimAndAddsRepeatedIndicesUpInTheGradient() {
        Tensor x = range(2, 3).requiresGrad();
        Tensor index = longs(new long[] {2, 0, 1, 1}, 2, 2);
        Tensor out = Ops.apply("gather", Attrs.of("dim", -1), x, index);
        assertArrayEquals(new double[] {2, 0, 4, 4}, out.data());
        Tensor g = Autograd.grad(out, Tensor.of(new double[] {1, 2, 3, 4}, 2, 2), false, x)[0];
        assertArrayEquals(new double[] {2, 0, 1, 0, 7, 0}, g.data());
        // an index longer than the input along dim is fine (torch.gather checks only the other dimensions)
        assertEquals(Shape.of(2, 5), Ops.apply("gather", Attrs.of("dim", 1), range(2, 3),
                longs(new long[] {0, 1, 2, 2, 2, 1, 1, 1, 1, 1}, 2, 5)).shape());
    }

    @Test
    void gatherTreatsA0dTensorAsOneEntry() {
        Tensor x = Tensor.scalar(5).requiresGrad();
        Tensor out = Ops.apply("gather", Attrs.of("dim", 0), x, longs(new long[] {0, 0}, 2));
        assertArrayEquals(new double[] {5, 5}, out.data());
        assertEquals(6, Autograd.grad(out, Tensor.of(new double[] {3, 3}, 2), false, x)[0].item());
        assertEquals(Shape.SCALAR, Ops.apply("gather", Attrs.of("dim", 0), range(3), longs(new long[] {2})).shape());
    }

    @Test
    void gatherErrorsNameTheOpTheShapesAndTheIndex() {
        assertEquals("gather: index 3 is out of bounds for dimension 1 with size 3 (input [2, 3], index [2, 2], at "
                + "index position [0, 0])", argError(() -> Ops.apply("gather", Attrs.of("dim", 1), range(2, 3),
                        longs(new long[] {3, 0, 1, 1}, 2, 2))));
        assertEquals("gather: index -1 is out of bounds for dimension 1 with size 3 (input [2, 3], index [2, 2], at "
                + "index position [1, 1])", argError(() -> Ops.apply("gather", Attrs.of("dim", 1), range(2, 3),
                        longs(new long[] {0, 0, 1, -1}, 2, 2))));
        assertEquals("gather: input [2, 3], index [2]: index must have as many dimensions as input (2), got 1",
                shapeError(() -> Ops.apply("gather", Attrs.of("dim", 1), range(2, 3), longs(new long[] {1, 1}, 2))));
        assertEquals("gather: input [2, 3], index [3, 1]: index must be no larger than input in every dimension but "
                + "dim 1; dimension 0 is 3 in index and 2 in input", shapeError(() -> Ops.apply("gather",
                        Attrs.of("dim", 1), range(2, 3), longs(new long[] {0, 1, 1}, 3, 1))));
        assertEquals("gather: dimension 2 is out of range for shape [2, 3] (expected to be in range of [-2, 1])",
                shapeError(() -> Ops.apply("gather", Attrs.of("dim", 2), range(2, 3), longs(new long[] {0}, 1, 1))));
        assertEquals("gather: attribute 'dim' is required (an integer)",
                argError(() -> Ops.apply("gather", Attrs.EMPTY, range(2, 3), longs(new long[] {0}, 1, 1))));
    }

    // ---------------------------------------------------------------- index_select

    @Test
    void indexSelectPicksWholeSlicesInTheIndexOrder() {
        Tensor x = range(2, 3).requiresGrad();
        Tensor out = Ops.apply("index_select", Attrs.of("dim", 1), x, longs(new long[] {2, 0, 2}, 3));
        assertArrayEquals(new double[] {2, 0, 2, 5, 3, 5}, out.data());
        Tensor g = Autograd.grad(out, Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3), false, x)[0];
        assertArrayEquals(new double[] {2, 0, 4, 5, 0, 10}, g.data());
        assertEquals(Shape.of(2, 1), Ops.apply("index_select", Attrs.of("dim", 1), range(2, 3),
                longs(new long[] {1})).shape(), "a 0-d index selects one slice, keeping the dimension");
        assertEquals(Shape.of(0, 3), Ops.apply("index_select", Attrs.of("dim", 0), range(2, 3),
                longs(new long[0], 0)).shape());
    }

    @Test
    void indexSelectErrors() {
        assertEquals("index_select: index 3 is out of bounds for dimension 1 with size 3 (input [2, 3], index [2], at "
                + "index position [1])", argError(() -> Ops.apply("index_select", Attrs.of("dim", 1), range(2, 3),
                        longs(new long[] {0, 3}, 2))));
        assertEquals("index_select: input [2, 3], index [1, 1]: index must be 1-D or 0-d, got 2-D",
                shapeError(() -> Ops.apply("index_select", Attrs.of("dim", 1), range(2, 3), longs(new long[] {1}, 1, 1))));
        assertEquals("index_select: input [], index [2]: a 0-d input takes exactly one index, got 2",
                shapeError(() -> Ops.apply("index_select", Attrs.of("dim", 0), Tensor.scalar(4),
                        longs(new long[] {0, 0}, 2))));
        assertEquals("index_select: input 'index' must be int64, got float64 tensor of shape [1]",
                argError(() -> Ops.apply("index_select", Attrs.of("dim", 0), range(2), range(1))));
    }

    @Test
    void theInternalAdjointsCheckTheirShapes() {
        assertEquals("gather_backward: grad [2] must have the index's shape [3]", shapeError(() -> Ops.apply(
                "gather_backward", Attrs.of("dim", 0, "size", new int[] {4}), range(2), longs(new long[] {0, 1, 2}, 3))));
        assertEquals("index_select_backward: grad [2] must have shape [3] (index_select of size [4] by index [3])",
                shapeError(() -> Ops.apply("index_select_backward", Attrs.of("dim", 0, "size", new int[] {4}),
                        range(2), longs(new long[] {0, 1, 2}, 3))));
    }
}

package dev.gradcheck.engine.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcheck.engine.Attrs;
import dev.gradcheck.engine.DType;
import dev.gradcheck.engine.Ops;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.op.InputSpec;
import dev.gradcheck.engine.op.OpDef;
import dev.gradcheck.engine.op.OpRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The ops that only move values take int64 tensors too and give int64 ones, with the same values
 * PyTorch gives ({@code y.view(-1)}, {@code y.unsqueeze(1)}, {@code torch.cat}, slicing,
 * {@code index_select} of targets): class targets reshaped for a loss. No gradient flows to them.
 */
class IntegerMovesTest {
    private static final Tensor Y = Tensor.ofLongs(new long[] {3, 0, 2, 1, 4, 2}, 2, 3);

    private static Tensor apply(String op, Attrs a, Tensor... in) {
        return Ops.apply(op, a, in);
    }

    private static void assertInt64(Tensor t, long[] values, int... shape) {
        assertEquals(DType.INT64, t.dtype(), t.toString());
        assertArrayEquals(shape, t.shape().dims(), t.toString());
        double[] d = t.data();
        assertEquals(values.length, d.length, t.toString());
        for (int i = 0; i < values.length; i++) {
            assertEquals(values[i], (long) d[i], t + " at " + i);
        }
    }

    @Test
    void reshapesKeepInt64() {
        assertInt64(apply("reshape", Attrs.of("shape", new int[] {-1}), Y), new long[] {3, 0, 2, 1, 4, 2}, 6);
        assertInt64(apply("flatten", Attrs.EMPTY, Y), new long[] {3, 0, 2, 1, 4, 2}, 6);
        assertInt64(apply("unsqueeze", Attrs.of("dim", 1), Y), new long[] {3, 0, 2, 1, 4, 2}, 2, 1, 3);
        assertInt64(apply("squeeze", Attrs.EMPTY, apply("unsqueeze", Attrs.of("dim", 0), Y)),
                new long[] {3, 0, 2, 1, 4, 2}, 2, 3);
    }

    @Test
    void layoutAndSlicesKeepInt64() {
        // torch: y.t() = [[3, 1], [0, 4], [2, 2]]; y[:, 1:] = [[0, 2], [4, 2]]; y[:, ::2] = [[3, 2], [1, 2]]
        assertInt64(apply("transpose", Attrs.of("dim0", 0, "dim1", 1), Y), new long[] {3, 1, 0, 4, 2, 2}, 3, 2);
        assertInt64(apply("permute", Attrs.of("dims", new int[] {1, 0}), Y), new long[] {3, 1, 0, 4, 2, 2}, 3, 2);
        assertInt64(apply("narrow", Attrs.of("dim", 1, "start", 1, "length", 2), Y), new long[] {0, 2, 4, 2}, 2, 2);
        assertInt64(apply("slice", Attrs.of("dim", 1, "start", 0, "end", 3, "step", 2), Y), new long[] {3, 2, 1, 2},
                2, 2);
        assertInt64(apply("expand", Attrs.of("size", new int[] {2, 2, 3}), Y),
                new long[] {3, 0, 2, 1, 4, 2, 3, 0, 2, 1, 4, 2}, 2, 2, 3);
        assertInt64(apply("cat", Attrs.of("dim", 0), Y, Tensor.ofLongs(new long[] {7, 8, 9}, 1, 3)),
                new long[] {3, 0, 2, 1, 4, 2, 7, 8, 9}, 3, 3);
        assertInt64(apply("stack", Attrs.of("dim", 0), Y, Y), new long[] {3, 0, 2, 1, 4, 2, 3, 0, 2, 1, 4, 2}, 2, 2, 3);
    }

    @Test
    void gathersKeepInt64() {
        Tensor idx = Tensor.ofLongs(new long[] {1, 0}, 2);
        // torch: y.index_select(0, [1, 0]) = [[1, 4, 2], [3, 0, 2]]; y.gather(1, [[2], [0]]) = [[2], [1]]
        assertInt64(apply("index_select", Attrs.of("dim", 0), Y, idx), new long[] {1, 4, 2, 3, 0, 2}, 2, 3);
        assertInt64(apply("embedding", Attrs.EMPTY, idx, Y), new long[] {1, 4, 2, 3, 0, 2}, 2, 3);
        assertInt64(apply("gather", Attrs.of("dim", 1), Y, Tensor.ofLongs(new long[] {2, 0}, 2, 1)),
                new long[] {2, 1}, 2, 1);
    }

    @Test
    void floatAndInt64MixedAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> apply("cat", Attrs.of("dim", 0), Tensor.of(new double[] {1, 2, 3}, 1, 3), Y));
        assertTrue(e.getMessage().contains("cat: input 'tensors' is int64 where another is float64"), e.getMessage());
    }

    @Test
    void onlyOpsThatMoveValuesTakeAnyDtype() {
        List<String> moves = List.of("reshape", "flatten", "squeeze", "unsqueeze", "transpose", "permute", "narrow",
                "slice", "expand", "cat", "stack", "gather", "index_select", "embedding");
        for (OpDef op : OpRegistry.all()) {
            boolean any = op.inputs().stream().anyMatch(i -> i.kind() == InputSpec.Kind.ANY);
            assertEquals(moves.contains(op.name()), any, op.name());
            assertEquals(any, op.movesAnyDtype(), op.name());
        }
        assertEquals(DType.FLOAT64, OpRegistry.get("reshape").outputType(DType.FLOAT64));
        assertEquals(DType.INT64, OpRegistry.get("reshape").outputType(DType.INT64));
        assertEquals(DType.FLOAT64, OpRegistry.get("embedding").outputType(DType.INT64, DType.FLOAT64));
        assertFalse(OpRegistry.get("reshape").input(0).differentiable(DType.INT64));
    }
}

package dev.gradcheck.model.onnx;

import dev.gradcheck.engine.Attrs;
import dev.gradcheck.engine.Shape;
import dev.gradcheck.model.onnx.Value.Const;
import java.util.Arrays;

/** Small compositions the converters share: reshapes, scalar constants, axis lists. */
final class Emit {
    private Emit() {
    }

    /** A float64 scalar constant. */
    static Const scalar(double v) {
        return Const.ofFloats(OnnxType.DOUBLE, Shape.SCALAR, new double[] {v});
    }

    /** {@code v} reshaped to {@code dims} (nothing emitted when it has that shape already). */
    static Value reshape(NodeContext n, Value v, int... dims) {
        if (Arrays.equals(v.shape().dims(), dims)) {
            return v;
        }
        return n.emit("reshape", Attrs.of("shape", dims), v);
    }

    /** {@code v} times {@code a} (nothing emitted for a = 1). */
    static Value scale(NodeContext n, Value v, double a) {
        return a == 1 ? v : n.emit("mul", v, scalar(a));
    }

    /** A per-channel tensor {@code (C)} shaped {@code (C, 1, …, 1)} to broadcast over an input of rank {@code rank} from dimension 1. */
    static Value channels(NodeContext n, Value v, int rank) {
        if (v.shape().rank() != 1) {
            throw n.fail("its per-channel inputs must be 1-d, got shape " + v.shape());
        }
        int[] dims = new int[Math.max(1, rank - 1)];
        Arrays.fill(dims, 1);
        dims[0] = v.shape().dim(0);
        return reshape(n, v, dims);
    }

    /** The distinct axes {@code axes} of a tensor of rank {@code rank}, negative ones counted from the end, sorted. */
    static int[] axes(NodeContext n, long[] axes, int rank, String what) {
        int[] out = new int[axes.length];
        for (int i = 0; i < axes.length; i++) {
            out[i] = n.axis(axes[i], rank, what);
        }
        Arrays.sort(out);
        for (int i = 1; i < out.length; i++) {
            if (out[i] == out[i - 1]) {
                throw n.fail(what + " " + Arrays.toString(axes) + " names axis " + out[i] + " twice");
            }
        }
        return out;
    }

    /** The product of {@code dims[from, to)}. */
    static int product(int[] dims, int from, int to) {
        long p = 1;
        for (int i = from; i < to; i++) {
            p *= dims[i];
        }
        return (int) p;
    }
}

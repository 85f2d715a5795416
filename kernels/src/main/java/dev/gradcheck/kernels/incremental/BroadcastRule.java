package dev.gradcheck.kernels.incremental;

import dev.gradcheck.engine.Attrs;
import dev.gradcheck.engine.Ops;
import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.internal.TensorAccess;
import dev.gradcheck.engine.op.OpDef;

/**
 * A {@link OpDef#pointwise() pointwise} op of two inputs with broadcasting (add, sub, mul, div,
 * pow, maximum, …): the output entries that read a changed input entry (one each for an input of
 * the output's shape, a whole slice for a broadcast one), recomputed by the engine's own op on those
 * entries' operands gathered into two arrays of one shape, which gives the same bits because a
 * pointwise kernel computes each entry from its own operands alone.
 */
final class BroadcastRule extends Rule {
    private final OpDef op;
    private final Attrs attrs;
    /** Per input: output index -> input index, or null when the input has the output's shape. */
    private final int[][] src;
    /** Per input: input index -> the output indices reading it (CSR), or null for identity. */
    private final int[][] fanStart;
    private final int[][] fanOut;

    private BroadcastRule(int out, int[] in, OpDef op, Attrs attrs, int[][] src, int[][] fanStart, int[][] fanOut) {
        super(out, in);
        this.op = op;
        this.attrs = attrs;
        this.src = src;
        this.fanStart = fanStart;
        this.fanOut = fanOut;
    }

    /** The rule for a two-input pointwise node, or null when this node is not one. */
    static BroadcastRule of(int out, int[] in, OpDef op, Attrs attrs, Shape a, Shape b, Shape o) {
        if (in.length != 2 || !op.pointwise()) {
            return null;
        }
        Shape[] shapes = {a, b};
        int[][] src = new int[2][];
        int[][] start = new int[2][];
        int[][] fan = new int[2][];
        for (int k = 0; k < 2; k++) {
            if (shapes[k].equals(o)) {
                continue;
            }
            src[k] = sourceIndex(shapes[k], o);
            int size = shapes[k].size();
            start[k] = new int[size + 1];
            for (int idx : src[k]) {
                start[k][idx + 1]++;
            }
            for (int i = 0; i < size; i++) {
                start[k][i + 1] += start[k][i];
            }
            fan[k] = new int[o.size()];
            int[] fill = start[k].clone();
            for (int i = 0; i < src[k].length; i++) {
                fan[k][fill[src[k][i]]++] = i;
            }
        }
        return new BroadcastRule(out, in, op, attrs, src, start, fan);
    }

    /** For each output entry, the entry of an input of shape {@code in} broadcast to {@code out} that it reads. */
    private static int[] sourceIndex(Shape in, Shape out) {
        int rank = out.rank();
        int[] strides = new int[rank];
        int[] own = in.strides();
        int off = rank - in.rank();
        for (int d = 0; d < in.rank(); d++) {
            strides[d + off] = in.dim(d) == 1 ? 0 : own[d];
        }
        int[] dims = out.dims();
        int[] idx = new int[rank];
        int[] r = new int[out.size()];
        int o = 0;
        for (int i = 0; i < r.length; i++) {
            r[i] = o;
            for (int d = rank - 1; d >= 0; d--) {
                idx[d]++;
                o += strides[d];
                if (idx[d] < dims[d]) {
                    break;
                }
                o -= strides[d] * dims[d];
                idx[d] = 0;
            }
        }
        return r;
    }

    @Override
    String kind() {
        return "broadcast";
    }

    /** The op on the operands of output entries {@code outs[0..m)}, in that order. */
    private double[] apply(double[][] inputs, int[] outs, int m) {
        double[] x = new double[m];
        double[] y = new double[m];
        for (int q = 0; q < m; q++) {
            int o = outs[q];
            x[q] = inputs[0][src[0] == null ? o : src[0][o]];
            y[q] = inputs[1][src[1] == null ? o : src[1][o]];
        }
        Shape s = Shape.of(m);
        return TensorAccess.data(Ops.apply(op, attrs, TensorAccess.wrap(x, s), TensorAccess.wrap(y, s)));
    }

    /** True when the op on gathered operands gives {@code out} at every entry. */
    boolean reproduces(double[][] inputs, double[] out) {
        int[] all = new int[out.length];
        for (int o = 0; o < all.length; o++) {
            all[o] = o;
        }
        double[] v = apply(inputs, all, all.length);
        for (int o = 0; o < out.length; o++) {
            if (Double.doubleToRawLongBits(v[o]) != Double.doubleToRawLongBits(out[o])) {
                return false;
            }
        }
        return true;
    }

    @Override
    void propagate(State s, double[][] cache, int step) {
        int total = 0;
        for (int k = 0; k < 2; k++) {
            int t = in[k];
            int[] idx = s.changed[t];
            for (int q = 0; q < s.n[t]; q++) {
                total += src[k] == null ? 1 : fanStart[k][idx[q] + 1] - fanStart[k][idx[q]];
            }
        }
        int[] outs = new int[total];
        int m = 0;
        for (int k = 0; k < 2; k++) {
            int t = in[k];
            int[] idx = s.changed[t];
            for (int q = 0; q < s.n[t]; q++) {
                int i = idx[q];
                if (src[k] == null) {
                    outs[m++] = i;
                } else {
                    for (int f = fanStart[k][i]; f < fanStart[k][i + 1]; f++) {
                        outs[m++] = fanOut[k][f];
                    }
                }
            }
        }
        // an entry reached from both inputs is set twice, to the same value
        double[] v = apply(new double[][] {s.cur[in[0]], s.cur[in[1]]}, outs, m);
        for (int q = 0; q < m; q++) {
            s.set(cache, out, outs[q], v[q]);
        }
    }
}

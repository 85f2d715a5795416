package dev.gradcheck.model.incremental;

import dev.gradcheck.engine.Attrs;
import dev.gradcheck.engine.Shape;

/**
 * add, sub, mul and div with broadcasting: the output entries that read a changed input entry (one
 * each for an input of the output's shape, a whole slice for a broadcast one), recomputed with the
 * engine kernel's expressions ({@code x + y}, {@code x + alpha * y}, {@code x - alpha * y},
 * {@code x * y}, {@code x / y}).
 */
final class BroadcastRule extends Rule {
    private enum Fn { ADD, ADD_SCALED, SUB, MUL, DIV }

    private final Fn fn;
    private final double alpha;
    /** Per input: output index -> input index, or null when the input has the output's shape. */
    private final int[][] src;
    /** Per input: input index -> the output indices reading it (CSR), or null for identity. */
    private final int[][] fanStart;
    private final int[][] fanOut;

    private BroadcastRule(int out, int[] in, Fn fn, double alpha, int[][] src, int[][] fanStart, int[][] fanOut) {
        super(out, in);
        this.fn = fn;
        this.alpha = alpha;
        this.src = src;
        this.fanStart = fanStart;
        this.fanOut = fanOut;
    }

    /** The rule for a two-input arithmetic node, or null when this node is not one. */
    static BroadcastRule of(int out, int[] in, String op, Attrs attrs, Shape a, Shape b, Shape o) {
        if (in.length != 2) {
            return null;
        }
        Fn fn;
        double alpha = 1;
        switch (op) {
            case "add":
                alpha = attrs.getDouble("alpha");
                fn = alpha == 1 ? Fn.ADD : Fn.ADD_SCALED;
                break;
            case "sub":
                alpha = attrs.getDouble("alpha");
                fn = Fn.SUB;
                break;
            case "mul":
                fn = Fn.MUL;
                break;
            case "div":
                fn = Fn.DIV;
                break;
            default:
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
        return new BroadcastRule(out, in, fn, alpha, src, start, fan);
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

    private double apply(double x, double y) {
        switch (fn) {
            case ADD:
                return x + y;
            case ADD_SCALED:
                return x + alpha * y;
            case SUB:
                return x - alpha * y;
            case MUL:
                return x * y;
            default:
                return x / y;
        }
    }

    /** True when the rule's expressions give {@code out} from {@code inputs} at every entry. */
    boolean reproduces(double[][] inputs, double[] out) {
        for (int o = 0; o < out.length; o++) {
            double x = inputs[0][src[0] == null ? o : src[0][o]];
            double y = inputs[1][src[1] == null ? o : src[1][o]];
            if (Double.doubleToRawLongBits(apply(x, y)) != Double.doubleToRawLongBits(out[o])) {
                return false;
            }
        }
        return true;
    }

    private void update(State s, double[][] cache, int o) {
        double x = s.cur[in[0]][src[0] == null ? o : src[0][o]];
        double y = s.cur[in[1]][src[1] == null ? o : src[1][o]];
        s.set(cache, out, o, apply(x, y));
    }

    @Override
    void propagate(State s, double[][] cache, int step) {
        for (int k = 0; k < 2; k++) {
            int t = in[k];
            int m = s.n[t];
            int[] idx = s.changed[t];
            for (int q = 0; q < m; q++) {
                int i = idx[q];
                if (src[k] == null) {
                    update(s, cache, i);
                } else {
                    for (int f = fanStart[k][i]; f < fanStart[k][i + 1]; f++) {
                        update(s, cache, fanOut[k][f]);
                    }
                }
            }
        }
    }
}

package dev.gradcheck.engine.ops;

import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.op.ForwardArgs;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

/** Plain-array loops shared by the forward kernels. Nothing here allocates per element. */
public final class Kernels {
    private Kernels() {
    }

    /** {@code f} applied to each element. */
    public static double[] map(double[] x, DoubleUnaryOperator f) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = f.applyAsDouble(x[i]);
        }
        return out;
    }

    /** {@code f} applied elementwise to inputs 0 and 1, broadcast to {@code a.out()}. */
    public static double[] zip(ForwardArgs a, DoubleBinaryOperator f) {
        return zip(a.in(0), a.shape(0), a.in(1), a.shape(1), a.out(), f);
    }

    /** {@code f} applied elementwise to {@code x} and {@code y}, broadcast to {@code out}. */
    public static double[] zip(double[] x, Shape xs, double[] y, Shape ys, Shape out, DoubleBinaryOperator f) {
        double[] r = new double[out.size()];
        if (xs.equals(out) && ys.equals(out)) {
            for (int i = 0; i < r.length; i++) {
                r[i] = f.applyAsDouble(x[i], y[i]);
            }
            return r;
        }
        if (ys.size() == 1 && xs.equals(out)) {
            double b = y[0];
            for (int i = 0; i < r.length; i++) {
                r[i] = f.applyAsDouble(x[i], b);
            }
            return r;
        }
        if (xs.size() == 1 && ys.equals(out)) {
            double a = x[0];
            for (int i = 0; i < r.length; i++) {
                r[i] = f.applyAsDouble(a, y[i]);
            }
            return r;
        }
        if (xs.equals(out) && isTrailingBlock(ys, out)) {
            // y repeats along the leading dimensions (a bias row): a plain loop per block
            int period = ys.size();
            for (int o = 0; o < r.length; o += period) {
                for (int j = 0; j < period; j++) {
                    r[o + j] = f.applyAsDouble(x[o + j], y[j]);
                }
            }
            return r;
        }
        if (ys.equals(out) && isTrailingBlock(xs, out)) {
            int period = xs.size();
            for (int o = 0; o < r.length; o += period) {
                for (int j = 0; j < period; j++) {
                    r[o + j] = f.applyAsDouble(x[j], y[o + j]);
                }
            }
            return r;
        }
        StridedWalk w = new StridedWalk(out.dims(), broadcastStrides(xs, out), broadcastStrides(ys, out));
        for (int i = 0; i < r.length; i++) {
            r[i] = f.applyAsDouble(x[w.offset(0)], y[w.offset(1)]);
            w.next();
        }
        return r;
    }

    /**
     * Strides of {@code in} when read as if broadcast to {@code out}: aligned at the right, 0 for a
     * dimension that is broadcast (size 1, or missing).
     */
    public static int[] broadcastStrides(Shape in, Shape out) {
        int[] strides = new int[out.rank()];
        int[] own = in.strides();
        int off = out.rank() - in.rank();
        for (int d = 0; d < in.rank(); d++) {
            strides[d + off] = in.dim(d) == 1 ? 0 : own[d];
        }
        return strides;
    }

    /**
     * True when {@code in}, leading 1s aside, equals the trailing dimensions of {@code out}, so that
     * broadcasting repeats {@code in}'s values as one contiguous block.
     */
    public static boolean isTrailingBlock(Shape in, Shape out) {
        int lead = 0;
        while (lead < in.rank() && in.dim(lead) == 1) {
            lead++;
        }
        int len = in.rank() - lead;
        if (len > out.rank()) {
            return false;
        }
        for (int d = 0; d < len; d++) {
            if (in.dim(lead + d) != out.dim(out.rank() - len + d)) {
                return false;
            }
        }
        return true;
    }

    /** {@code x} of shape {@code xs} broadcast (copied) to {@code out}. */
    public static double[] broadcastTo(double[] x, Shape xs, Shape out) {
        if (xs.equals(out)) {
            return x.clone();
        }
        return zip(x, xs, new double[] {0}, Shape.SCALAR, out, (a, b) -> a);
    }

    /**
     * Sums {@code x} (shape {@code xs}) into {@code target}, a shape that broadcasts to {@code xs}:
     * the reverse of broadcasting. The result has {@code target}'s layout.
     */
    public static double[] sumTo(double[] x, Shape xs, Shape target) {
        double[] r = new double[target.size()];
        if (xs.equals(target)) {
            System.arraycopy(x, 0, r, 0, x.length);
            return r;
        }
        if (isTrailingBlock(target, xs) && r.length > 0) {
            // summing rows onto one row (a bias gradient): same order per entry as the general loop
            int period = r.length;
            for (int o = 0; o < x.length; o += period) {
                for (int j = 0; j < period; j++) {
                    r[j] += x[o + j];
                }
            }
            return r;
        }
        StridedWalk w = new StridedWalk(xs.dims(), broadcastStrides(target, xs));
        for (int i = 0; i < x.length; i++) {
            r[w.offset(0)] += x[i];
            w.next();
        }
        return r;
    }

    /**
     * Reduces {@code x} over the dimensions marked in {@code reduce}, by {@code op} starting from
     * {@code init}; the result has the keepdim layout (reduced dimensions of size 1).
     */
    public static double[] reduce(double[] x, Shape xs, boolean[] reduce, double init, DoubleBinaryOperator op) {
        int[] keep = xs.dims();
        for (int d = 0; d < keep.length; d++) {
            if (reduce[d]) {
                keep[d] = 1;
            }
        }
        Shape ks = Shape.of(keep);
        double[] r = new double[ks.size()];
        java.util.Arrays.fill(r, init);
        StridedWalk w = new StridedWalk(xs.dims(), broadcastStrides(ks, xs));
        for (int i = 0; i < x.length; i++) {
            int o = w.offset(0);
            r[o] = op.applyAsDouble(r[o], x[i]);
            w.next();
        }
        return r;
    }
}

package dev.gradcheck.kernels;

import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.internal.TensorAccess;
import dev.gradcheck.engine.op.BackwardContext;
import dev.gradcheck.engine.op.FastPath;

/**
 * The fast path of {@code tanh}, the hot activation of the MLP benchmarks: the forward is
 * {@link TanhKernel}'s array loop (branch-free, within {@link TanhKernel#MAX_ULPS} ulp of the
 * reference's {@code Math.tanh}, without a native call per element), and a first-order backward
 * computes {@code g·(1 − y²)} in one pass instead of three ops.
 */
final class TanhPaths {
    private TanhPaths() {
    }

    static FastPath tanh() {
        return FastPath.ofForward(a -> {
            double[] x = a.in(0);
            double[] y = new double[x.length];
            TanhKernel.tanh(x, y);
            return y;
        }).withFirstOrderBackward(TanhPaths::backward).withScalar(TanhKernel::tanh).withinUlps(TanhKernel.MAX_ULPS);
    }

    /**
     * {@code g · (1 − y²)} in one loop over the arrays, rounding exactly as the reference's ops do:
     * {@code y·y} (pow 2), {@code 1 − that} (rsub), then the product with g (mul). Null (the
     * reference) when g is not of y's shape.
     */
    private static Tensor[] backward(BackwardContext c) {
        Tensor y = c.output();
        Tensor g = c.grad();
        if (!g.shape().equals(y.shape())) {
            return null;
        }
        double[] yd = TensorAccess.data(y);
        double[] gd = TensorAccess.data(g);
        double[] r = new double[yd.length];
        for (int i = 0; i < r.length; i++) {
            double t = yd[i];
            r[i] = gd[i] * (1 - t * t);
        }
        return new Tensor[] {TensorAccess.wrap(r, y.shape())};
    }
}

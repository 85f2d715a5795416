package dev.gradcheck.kernels;

import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.internal.TensorAccess;
import dev.gradcheck.engine.op.BackwardContext;
import dev.gradcheck.engine.op.FastPath;
import dev.gradcheck.engine.op.ForwardArgs;
import dev.gradcheck.engine.ops.MatmulPlan;

/**
 * The fast paths of {@code matmul} and {@code linear}: products by {@link MatmulKernels} (packed,
 * on up to {@code threads} threads) instead of the reference's loop, and first-order backward passes
 * computed straight from the arrays, reading transposed operands in place ({@code g·bᵀ},
 * {@code aᵀ·g}) instead of materialising transposes. Every entry accumulates in the order of the
 * reference's ops: per product, {@code fma} in ascending inner index from 0; a gradient summed
 * over batch dimensions is each batch's product added in batch order onto zeros, as the
 * reference's {@code sum_to_size} does. Layouts with an operand broadcast over batch dimensions
 * (and linear with a 1-D weight) take the reference.
 */
final class MatmulPaths {
    private final int threads;
    private final MatmulPlan.Gemm gemm;

    MatmulPaths(int threads) {
        this.threads = threads;
        this.gemm = (a, aOff, aRow, aCol, b, bOff, bRow, bCol, c, cOff, n, k, m) ->
                MatmulKernels.gemm(a, aOff, aRow, aCol, b, bOff, bRow, bCol, c, cOff, n, k, m, threads);
    }

    FastPath matmul() {
        return FastPath.ofForward(a -> MatmulPlan.of("matmul", a.shape(0), a.shape(1)).multiply(a.in(0), a.in(1), gemm))
                .withFirstOrderBackward(this::matmulBackward);
    }

    FastPath linear() {
        return FastPath.ofForward(this::linearForward).withFirstOrderBackward(this::linearBackward);
    }

    /** input rows times weightᵀ (weight [out, in] read in place), plus the bias. */
    private double[] linearForward(ForwardArgs a) {
        Shape ws = a.shape(1);
        if (ws.rank() != 2) {
            return null;
        }
        double[] y = MatmulKernels.multiplyNT(a.in(0), a.in(1), leadingRows(a.shape(0)), ws.dim(1), ws.dim(0), threads);
        return a.count() == 3 ? Arithmetic.zip(Arithmetic.Op.ADD, y, a.out(), a.in(2), a.shape(2), a.out()) : y;
    }

    private Tensor[] matmulBackward(BackwardContext c) {
        Tensor a = c.input(0);
        Tensor b = c.input(1);
        MatmulPlan p = MatmulPlan.of("matmul", a.shape(), b.shape());
        double[][] g = grads(p, TensorAccess.data(a), TensorAccess.data(b), TensorAccess.data(c.grad()),
                c.needs(0), c.needs(1));
        if (g == null) {
            return null;
        }
        return new Tensor[] {g[0] == null ? null : TensorAccess.wrap(g[0], a.shape()),
            g[1] == null ? null : TensorAccess.wrap(g[1], b.shape())};
    }

    /**
     * linear's gradients for a 2-D weight: {@code g·w} for the input and {@code (xᵀ·g)ᵀ = gᵀ·x}
     * for the weight, as the reference's matmul gradients with the weight transposed; the bias
     * gradient by the reference's {@code sum_to_size}.
     */
    private Tensor[] linearBackward(BackwardContext c) {
        Tensor x = c.input(0);
        Tensor w = c.input(1);
        if (w.rank() != 2) {
            return null;
        }
        int out = w.shape().dim(0);
        int in = w.shape().dim(1);
        double[] xd = TensorAccess.data(x);
        double[] gd = TensorAccess.data(c.grad());
        MatmulPlan p = MatmulPlan.of("linear", x.shape(), Shape.of(in, out));
        Tensor gx = c.needs(0) ? TensorAccess.wrap(MatmulKernels.multiply(gd, TensorAccess.data(w),
                leadingRows(x.shape()), out, in, threads), x.shape()) : null;
        Tensor gw = null;
        if (c.needs(1)) {
            // entry (o, i) is the reference's (xᵀ·g)[i][o]: fma(g, x, s) == fma(x, g, s)
            gw = TensorAccess.wrap(sumOverBatches(p, (t, n, r) -> MatmulKernels.gemm(gd, t * n * out, 1, out, xd,
                    t * n * in, in, 1, r, 0, out, n, in, threads), out * in), w.shape());
        }
        Tensor gb = c.count() == 3 && c.needs(2) ? c.grad().sumToSize(c.input(2).shape()) : null;
        return c.count() == 3 ? new Tensor[] {gx, gw, gb} : new Tensor[] {gx, gw};
    }

    /**
     * The gradients of {@code a @ b} from the arrays, or null for a layout left to the reference
     * (an operand broadcast over batch dimensions).
     */
    private double[][] grads(MatmulPlan p, double[] ad, double[] bd, double[] gd, boolean needA, boolean needB) {
        int n = p.n();
        int k = p.k();
        int m = p.m();
        if (p.right().rank() == 2) {
            // a's batch dimensions flattened into its rows; b's gradient summed over them
            int rows = leadingRows(p.left());
            double[] ga = needA ? MatmulKernels.multiplyNT(gd, bd, rows, m, k, threads) : null;
            double[] gb = needB ? sumOverBatches(p, (t, nn, r) -> MatmulKernels.gemm(ad, t * nn * k, 1, k, gd,
                    t * nn * m, m, 1, r, 0, k, nn, m, threads), k * m) : null;
            return new double[][] {ga, gb};
        }
        Shape batch = p.batch();
        if (!MatmulPlan.batchOf(p.left()).equals(batch) || !MatmulPlan.batchOf(p.right()).equals(batch)) {
            return null;
        }
        int batches = batch.size();
        double[] ga = needA ? new double[ad.length] : null;
        double[] gb = needB ? new double[bd.length] : null;
        for (int t = 0; t < batches; t++) {
            if (needA) { // g[t] (n x m) · b[t]ᵀ
                MatmulKernels.gemm(gd, t * n * m, m, 1, bd, t * k * m, 1, m, ga, t * n * k, n, m, k, threads);
            }
            if (needB) { // a[t]ᵀ (k x n) · g[t]
                MatmulKernels.gemm(ad, t * n * k, 1, k, gd, t * n * m, m, 1, gb, t * k * m, k, n, m, threads);
            }
        }
        return new double[][] {ga, gb};
    }

    /** One batch's product into {@code r} (zeros, {@code size} entries): batch {@code t} of {@code n} rows. */
    @FunctionalInterface
    private interface BatchProduct {
        void into(int t, int n, double[] r);
    }

    /**
     * The product summed over the left operand's batch dimensions as the reference sums it: with
     * none, the one product; else each batch's product added in batch order onto zeros.
     */
    private static double[] sumOverBatches(MatmulPlan p, BatchProduct product, int size) {
        Shape batch = MatmulPlan.batchOf(p.left());
        int n = p.n();
        if (batch.rank() == 0) {
            double[] r = new double[size];
            product.into(0, n, r);
            return r;
        }
        double[] sum = new double[size];
        double[] one = new double[size];
        for (int t = 0; t < batch.size(); t++) {
            java.util.Arrays.fill(one, 0.0);
            product.into(t, n, one);
            for (int i = 0; i < size; i++) {
                sum[i] += one[i];
            }
        }
        return sum;
    }

    /** The number of rows of a row-major tensor read as a matrix [rows, last dimension]. */
    private static int leadingRows(Shape s) {
        int rows = 1;
        for (int d = 0; d < s.rank() - 1; d++) {
            rows *= s.dim(d);
        }
        return rows;
    }
}

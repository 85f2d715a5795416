package dev.gradcheck.engine.ops;

import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.ShapeException;
import java.util.Arrays;

/**
 * How a matrix product lays out, with {@code torch.matmul}'s rules: both operands as (batches of)
 * matrices, a 1-D left operand as a row [1, k] and a 1-D right operand as a column [k, 1], the batch
 * dimensions broadcast. {@link #multiply} computes the product one matrix at a time with a
 * {@link Gemm}: the engine's is {@link #NAIVE}; a fast kernel must give the same bits.
 */
public final class MatmulPlan {
    /** The operands as (batches of) matrices. */
    private final Shape a;
    private final Shape b;
    private final Shape batch;
    private final int n;
    private final int k;
    private final int m;
    /** The result before the dimensions added for 1-D operands are dropped. */
    private final Shape full;
    private final Shape out;

    /**
     * One matrix product, {@code C += A·B}: {@code A[i][p] = a[aOff + i*aRow + p*aCol]} ({@code n x k}),
     * {@code B[p][j] = b[bOff + p*bRow + j*bCol]} ({@code k x m}), C row-major {@code n x m} at
     * {@code cOff}. Contract: each entry accumulates onto its value in C as
     * {@code c = Math.fma(A[i][p], B[p][j], c)} for p = 0, 1, …, k−1, in that order.
     */
    @FunctionalInterface
    public interface Gemm {
        void multiply(double[] a, int aOff, int aRow, int aCol, double[] b, int bOff, int bRow, int bCol,
                double[] c, int cOff, int n, int k, int m);
    }

    /** The reference product: the contract's loop, written out. */
    public static final Gemm NAIVE = MatmulPlan::naive;

    private MatmulPlan(Shape a, Shape b, Shape batch, int n, int k, int m, Shape full, Shape out) {
        this.a = a;
        this.b = b;
        this.batch = batch;
        this.n = n;
        this.k = k;
        this.m = m;
        this.full = full;
        this.out = out;
    }

    /**
     * The layout of {@code x @ y}.
     *
     * @throws ShapeException naming the op and both shapes when they cannot be multiplied
     */
    public static MatmulPlan of(String op, Shape x, Shape y) {
        String both = op + ": " + x + " x " + y + ": ";
        if (x.rank() == 0 || y.rank() == 0) {
            throw new ShapeException(both + "both arguments need to be at least 1-D, but they are "
                    + x.rank() + "-D and " + y.rank() + "-D");
        }
        Shape a = x.rank() == 1 ? Shape.of(1, x.dim(0)) : x;
        Shape b = y.rank() == 1 ? Shape.of(y.dim(0), 1) : y;
        int k = a.dim(-1);
        if (k != b.dim(-2)) {
            throw new ShapeException(both + "inner dimensions " + k + " and " + b.dim(-2) + " differ");
        }
        Shape ba = batchOf(a);
        Shape bb = batchOf(b);
        Shape batch;
        try {
            batch = Shape.broadcast(op, ba, bb);
        } catch (ShapeException e) {
            throw new ShapeException(both + "batch dimensions " + ba + " and " + bb + " do not broadcast");
        }
        int n = a.dim(-2);
        int m = b.dim(-1);
        int[] full = Arrays.copyOf(batch.dims(), batch.rank() + 2);
        full[batch.rank()] = n;
        full[batch.rank() + 1] = m;
        int[] out = Arrays.copyOf(batch.dims(), batch.rank() + 2);
        int r = batch.rank();
        if (x.rank() > 1) {
            out[r++] = n;
        }
        if (y.rank() > 1) {
            out[r++] = m;
        }
        return new MatmulPlan(a, b, batch, n, k, m, Shape.of(full), Shape.of(Arrays.copyOf(out, r)));
    }

    /** The batch dimensions of a (batch of) matrices: all but the last two. */
    public static Shape batchOf(Shape matrices) {
        return Shape.of(Arrays.copyOf(matrices.dims(), matrices.rank() - 2));
    }

    /** The left operand as a (batch of) matrices: a 1-D one as [1, k]. */
    public Shape left() {
        return a;
    }

    /** The right operand as a (batch of) matrices: a 1-D one as [k, 1]. */
    public Shape right() {
        return b;
    }

    /** The broadcast batch dimensions. */
    public Shape batch() {
        return batch;
    }

    /** Rows of each product. */
    public int n() {
        return n;
    }

    /** The inner dimension. */
    public int k() {
        return k;
    }

    /** Columns of each product. */
    public int m() {
        return m;
    }

    /** The result with the dimensions of 1-D operands kept: {@code batch + [n, m]}. */
    public Shape full() {
        return full;
    }

    /** The result's shape, as torch.matmul gives it. */
    public Shape out() {
        return out;
    }

    /** The product's values, one matrix product per (broadcast) batch index, by {@code gemm}. */
    public double[] multiply(double[] x, double[] y, Gemm gemm) {
        return multiply(x, y, m, 1, gemm);
    }

    /**
     * {@link #multiply} with each matrix of the right operand read through the strides
     * ({@code yRow}, {@code yCol}): (k, 1) for one stored [m, k], i.e. the product with a
     * transposed operand, read in place.
     */
    public double[] multiply(double[] x, double[] y, int yRow, int yCol, Gemm gemm) {
        double[] c = new double[full.size()];
        int batches = batch.size();
        int rank = batch.rank();
        int[] sa = matrixStrides(a, rank);
        int[] sb = matrixStrides(b, rank);
        int[] dims = batch.dims();
        int[] idx = new int[rank];
        int oa = 0;
        int ob = 0;
        for (int t = 0; t < batches; t++) {
            gemm.multiply(x, oa * n * k, k, 1, y, ob * k * m, yRow, yCol, c, t * n * m, n, k, m);
            for (int d = rank - 1; d >= 0; d--) {
                idx[d]++;
                oa += sa[d];
                ob += sb[d];
                if (idx[d] < dims[d]) {
                    break;
                }
                oa -= sa[d] * dims[d];
                ob -= sb[d] * dims[d];
                idx[d] = 0;
            }
        }
        return c;
    }

    /** Strides, in whole matrices, of an operand's batch dimensions read as broadcast to {@code rank}. */
    private static int[] matrixStrides(Shape operand, int rank) {
        Shape own = batchOf(operand);
        int[] target = new int[rank];
        Arrays.fill(target, 1);
        int off = rank - own.rank();
        for (int d = 0; d < own.rank(); d++) {
            target[d + off] = own.dim(d);
        }
        // any target with the right rank will do: only own's strides and its size-1 dims matter
        return Kernels.broadcastStrides(own, Shape.of(target));
    }

    private static void naive(double[] a, int aOff, int aRow, int aCol, double[] b, int bOff, int bRow, int bCol,
            double[] c, int cOff, int n, int k, int m) {
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                double s = c[cOff + i * m + j];
                for (int p = 0; p < k; p++) {
                    s = Math.fma(a[aOff + i * aRow + p * aCol], b[bOff + p * bRow + j * bCol], s);
                }
                c[cOff + i * m + j] = s;
            }
        }
    }
}

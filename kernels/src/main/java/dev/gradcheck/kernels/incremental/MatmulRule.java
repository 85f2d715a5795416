package dev.gradcheck.kernels.incremental;

import dev.gradcheck.engine.Ops;
import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.kernels.MatmulKernels;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * matmul of two matrices, and linear with a matrix weight (input rows times weightᵀ, plus an
 * optional bias of one value per output feature).
 *
 * <p>The engine accumulates each output entry in one fixed order, {@code c = step(c, a[i][p], b[p][j])}
 * for p = 0, 1, …, k−1 from c = 0, with the step {@code fma(a, b, c)}; {@link #calibrate} checks
 * once, on a probe product, that the engine's kernels still do exactly that (else every matmul and
 * linear node is recomputed whole). Since
 * a changed entry a[i][p] or b[p][j] only changes the steps from p on, the partial sums before
 * step p are kept from the unperturbed forward (every {@code stride}-th of them, within a memory
 * budget): a changed row of the left operand recomputes that output row from the last kept partial
 * sum at or before its first changed column, a changed weight entry recomputes that output column
 * the same way, and a changed bias entry adds the new bias to the kept full sums. The result is the
 * same bits as a fresh forward, at a fraction of its cost.
 */
final class MatmulRule extends Rule {
    /** How many partial sums a node may keep (doubles): 4M, 32 MB. */
    static final long PREFIX_BUDGET = 1L << 22;

    /** Whether the engine's matmul and linear kernels accumulate with fma in order, as this rule does. */
    static final boolean MATMUL_FMA = calibrate(false);
    static final boolean LINEAR_FMA = calibrate(true);

    private final boolean linear;
    private final int n;
    private final int k;
    private final int m;
    private final int biasId;
    /** The right operand at the cache, as k rows of m (for linear, the weight transposed). */
    private final double[][] bt;
    private final int stride;
    private final int checkpoints;
    /** prefix[(i·checkpoints + c)·m + j]: output entry (i, j) accumulated over p < c·stride. */
    private final double[] prefix;
    /** mm[i·m + j]: the full sums, before the bias. */
    private final double[] mm;
    private final RecomputeRule whole;

    private MatmulRule(int out, int[] in, boolean linear, int n, int k, int m, double[][] bt, int stride,
            double[] prefix, double[] mm, RecomputeRule whole) {
        super(out, in);
        this.linear = linear;
        this.n = n;
        this.k = k;
        this.m = m;
        this.biasId = in.length == 3 ? in[2] : -1;
        this.bt = bt;
        this.stride = stride;
        this.checkpoints = (k + stride - 1) / stride;
        this.prefix = prefix;
        this.mm = mm;
        this.whole = whole;
    }

    /**
     * The rule for a matmul of two matrices (for {@link #linear}: a linear with a matrix weight and
     * a bias of shape [out_features], or none), or null when the node is another case, the engine's
     * accumulation is unknown, or the rule does not reproduce the cached output bit for bit.
     */
    static MatmulRule matmul(Node node) {
        return node.real() ? of(node.out(), node.in(), false, node.shapes(), node.data(), node.cachedOut(), node.whole())
                : null;
    }

    /** {@link #matmul} for a linear node. */
    static MatmulRule linear(Node node) {
        return node.real() ? of(node.out(), node.in(), true, node.shapes(), node.data(), node.cachedOut(), node.whole())
                : null;
    }

    private static MatmulRule of(int out, int[] in, boolean linear, Shape[] shapes, double[][] cachedIn,
            double[] cachedOut, RecomputeRule whole) {
        if (!(linear ? LINEAR_FMA : MATMUL_FMA)) {
            return null;
        }
        int n;
        int k;
        int m;
        double[] bt;
        if (linear) {
            Shape x = shapes[0];
            Shape w = shapes[1];
            if (w.rank() != 2 || x.rank() < 1 || (in.length == 3 && !shapes[2].equals(Shape.of(w.dim(0))))) {
                return null;
            }
            m = w.dim(0);
            k = w.dim(1);
            n = k == 0 ? 0 : x.size() / k;
            bt = transpose(cachedIn[1], m, k);
        } else {
            if (shapes[0].rank() != 2 || shapes[1].rank() != 2) {
                return null;
            }
            n = shapes[0].dim(0);
            k = shapes[0].dim(1);
            m = shapes[1].dim(1);
            bt = cachedIn[1];
        }
        if (n == 0 || k == 0 || m == 0 || (long) n * m != cachedOut.length) {
            return null;
        }
        int stride = 1;
        while ((long) n * m * ((k + stride - 1) / stride) > PREFIX_BUDGET) {
            stride *= 2;
        }
        int cps = (k + stride - 1) / stride;
        double[][] rows = rows(bt, k, m);
        double[] prefix = new double[n * m * cps];
        double[] mm = new double[n * m];
        double[] acc = new double[m];
        double[] a = cachedIn[0];
        for (int i = 0; i < n; i++) {
            Arrays.fill(acc, 0.0);
            for (int c = 0; c < cps; c++) {
                System.arraycopy(acc, 0, prefix, (i * cps + c) * m, m);
                accumulate(acc, m, a, i * k, rows, c * stride, Math.min(k, (c + 1) * stride));
            }
            System.arraycopy(acc, 0, mm, i * m, m);
        }
        double[] bias = in.length == 3 ? cachedIn[2] : null;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                double v = bias == null ? mm[i * m + j] : mm[i * m + j] + bias[j];
                if (Double.doubleToRawLongBits(v) != Double.doubleToRawLongBits(cachedOut[i * m + j])) {
                    return null;
                }
            }
        }
        return new MatmulRule(out, in, linear, n, k, m, rows, stride, prefix, mm, whole);
    }

    private static double[] transpose(double[] w, int rows, int cols) {
        double[] t = new double[w.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = w[r * cols + c];
            }
        }
        return t;
    }

    /**
     * The right operand as one array per row (bt[p] is row p, m values): C2 (JDK 17) vectorises the
     * kernels below only when each row they load is an array of its own (measured on 4 rows × 128
     * columns: about 28 GFLOP/s, against 10–14 on one flat array with offsets).
     */
    static double[][] rows(double[] flat, int k, int m) {
        double[][] r = new double[k][];
        for (int p = 0; p < k; p++) {
            r[p] = Arrays.copyOfRange(flat, p * m, p * m + m);
        }
        return r;
    }

    /**
     * acc[j] = fma(a[aOff + p], bt[p][j], acc[j]) for p in [p0, p1), in order. Four steps per
     * pass over acc (same order per entry), so acc is loaded and stored a quarter as often; the j
     * loops vectorise.
     */
    static void accumulate(double[] acc, int m, double[] a, int aOff, double[][] bt, int p0, int p1) {
        int p = p0;
        for (; p + 3 < p1; p += 4) {
            double a0 = a[aOff + p];
            double a1 = a[aOff + p + 1];
            double a2 = a[aOff + p + 2];
            double a3 = a[aOff + p + 3];
            double[] w0 = bt[p];
            double[] w1 = bt[p + 1];
            double[] w2 = bt[p + 2];
            double[] w3 = bt[p + 3];
            for (int j = 0; j < m; j++) {
                acc[j] = Math.fma(a3, w3[j], Math.fma(a2, w2[j], Math.fma(a1, w1[j], Math.fma(a0, w0[j], acc[j]))));
            }
        }
        for (; p < p1; p++) {
            double a0 = a[aOff + p];
            double[] w0 = bt[p];
            for (int j = 0; j < m; j++) {
                acc[j] = Math.fma(a0, w0[j], acc[j]);
            }
        }
    }

    /**
     * {@link #accumulate} for two rows at once (both from step p0): each loaded value of bt serves
     * both rows, the same order per entry as one row at a time.
     */
    static void accumulate2(double[] acc0, double[] acc1, int m, double[] a, int aOff0, int aOff1,
            double[][] bt, int p0, int p1) {
        int p = p0;
        for (; p + 3 < p1; p += 4) {
            double a0 = a[aOff0 + p];
            double a1 = a[aOff0 + p + 1];
            double a2 = a[aOff0 + p + 2];
            double a3 = a[aOff0 + p + 3];
            double c0 = a[aOff1 + p];
            double c1 = a[aOff1 + p + 1];
            double c2 = a[aOff1 + p + 2];
            double c3 = a[aOff1 + p + 3];
            double[] w0 = bt[p];
            double[] w1 = bt[p + 1];
            double[] w2 = bt[p + 2];
            double[] w3 = bt[p + 3];
            for (int j = 0; j < m; j++) {
                double b0 = w0[j];
                double b1 = w1[j];
                double b2 = w2[j];
                double b3 = w3[j];
                acc0[j] = Math.fma(a3, b3, Math.fma(a2, b2, Math.fma(a1, b1, Math.fma(a0, b0, acc0[j]))));
                acc1[j] = Math.fma(c3, b3, Math.fma(c2, b2, Math.fma(c1, b1, Math.fma(c0, b0, acc1[j]))));
            }
        }
        accumulate(acc0, m, a, aOff0, bt, p, p1);
        accumulate(acc1, m, a, aOff1, bt, p, p1);
    }

    /**
     * {@link #accumulate} for four rows at once (all from step p0), two steps per pass: 8 fma per
     * column, each loaded value of bt serving four rows, by the engine's own micro-kernel. Two
     * steps, not four: C2 (JDK 17) vectorises a 4-row × 2-step body but not a 4 × 4 one (measured:
     * 28 against 14 GFLOP/s).
     */
    static void accumulate4(double[][] acc, int m, double[] a, int[] aOff, double[][] bt, int p0, int p1) {
        int k0 = aOff[0];
        int k1 = aOff[1];
        int k2 = aOff[2];
        int k3 = aOff[3];
        int p = p0;
        for (; p + 1 < p1; p += 2) {
            MatmulKernels.kernel4x2(acc[0], acc[1], acc[2], acc[3], bt[p], bt[p + 1], a[k0 + p], a[k0 + p + 1], a[k1 + p],
                    a[k1 + p + 1], a[k2 + p], a[k2 + p + 1], a[k3 + p], a[k3 + p + 1], m);
        }
        for (int r = 0; r < 4; r++) {
            accumulate(acc[r], m, a, aOff[r], bt, p, p1);
        }
    }

    /**
     * Whether {@link #accumulate} reproduces the engine's kernel bit for bit on a probe product
     * (when not, every matmul/linear node is recomputed whole).
     */
    static boolean calibrate(boolean linear) {
        SplittableRandom r = new SplittableRandom(0xCA11B);
        int n = 5;
        int k = 37;
        int m = 6;
        double[] a = new double[n * k];
        double[] b = new double[k * m];
        double[] bias = new double[m];
        for (int i = 0; i < a.length; i++) {
            a[i] = r.nextGaussian();
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = r.nextGaussian();
        }
        for (int i = 0; i < m; i++) {
            bias[i] = r.nextGaussian();
        }
        double[] engine;
        double[] bt;
        if (linear) {
            // b holds the weight [m, k]
            engine = Ops.apply("linear", Tensor.of(a, n, k), Tensor.of(b, m, k), Tensor.of(bias, m)).data();
            bt = transpose(b, m, k);
        } else {
            engine = Ops.apply("matmul", Tensor.of(a, n, k), Tensor.of(b, k, m)).data();
            bt = b;
        }
        double[] acc = new double[m];
        for (int i = 0; i < n; i++) {
            Arrays.fill(acc, 0.0);
            accumulate(acc, m, a, i * k, rows(bt, k, m), 0, k);
            for (int j = 0; j < m; j++) {
                double v = linear ? acc[j] + bias[j] : acc[j];
                if (Double.doubleToRawLongBits(v) != Double.doubleToRawLongBits(engine[i * m + j])) {
                    return false;
                }
            }
        }
        return true;
    }

    @Override
    String kind() {
        return linear ? "linear" : "matmul";
    }

    /** One thread's buffers: per row and per column the first changed step (MAX_VALUE: none), the lists of them. */
    private static final class Scratch {
        final int[] rowStart;
        final int[] colStart;
        final int[] rows;
        final int[] cols;
        final double[] acc;
        final double[] col;
        final double[][] block;
        final int[] offsets = new int[4];

        Scratch(int n, int m) {
            rowStart = new int[n];
            colStart = new int[m];
            Arrays.fill(rowStart, Integer.MAX_VALUE);
            Arrays.fill(colStart, Integer.MAX_VALUE);
            rows = new int[n];
            cols = new int[m];
            acc = new double[m];
            col = new double[n];
            block = new double[4][m];
        }
    }

    /** Output row i from its full sums: plus the bias when there is one, recorded where the bits changed. */
    private void finish(State s, double[][] cache, int i, double[] acc, double[] bias) {
        s.setOnceRun(cache, out, i * m, acc, bias, m);
    }

    private double bAt(double[] b, int p, int j) {
        return linear ? b[j * k + p] : b[p * m + j];
    }

    @Override
    void propagate(State s, double[][] cache, int step) {
        int nA = s.n[in[0]];
        int nB = s.n[in[1]];
        if (nA > 0 && nB > 0) {
            whole.propagate(s, cache, step); // both operands changed: rare, and the kept sums help little
            return;
        }
        Scratch sc = (Scratch) s.scratch[step];
        if (sc == null) {
            sc = new Scratch(n, m);
            s.scratch[step] = sc;
        }
        double[] bias = biasId >= 0 ? s.cur[biasId] : null;
        // each case in a method of its own, so the JIT compiles it when it first runs hot instead of
        // recompiling one large method whenever another case shows up
        int nRows = nA > 0 ? changedRows(s, sc, nA, bias, cache) : 0;
        int nCols = nB > 0 ? changedColumns(s, sc, nB, bias, cache) : 0;
        if (biasId >= 0 && s.n[biasId] > 0) {
            changedBias(s, sc, bias, cache);
        }
        for (int r = 0; r < nRows; r++) {
            sc.rowStart[sc.rows[r]] = Integer.MAX_VALUE;
        }
        for (int c = 0; c < nCols; c++) {
            sc.colStart[sc.cols[c]] = Integer.MAX_VALUE;
        }
    }

    /** Rows with a changed left-operand entry, each from its first changed step; returns how many. */
    private int changedRows(State s, Scratch sc, int nA, double[] bias, double[][] cache) {
        double[] a = s.cur[in[0]];
        int nRows = 0;
        int[] idx = s.changed[in[0]];
        if (nA == n * k) {
            // every entry changed (the layer after a perturbed one): every row from the start
            for (int i = 0; i < n; i++) {
                sc.rows[nRows++] = i;
                sc.rowStart[i] = 0;
            }
        } else {
            for (int q = 0; q < nA; q++) {
                int i = idx[q] / k;
                int p = idx[q] - i * k;
                if (sc.rowStart[i] == Integer.MAX_VALUE) {
                    sc.rows[nRows++] = i;
                }
                sc.rowStart[i] = Math.min(sc.rowStart[i], p);
            }
        }
        double[] acc = sc.acc;
        for (int r = 0; r < nRows; ) {
            int i = sc.rows[r];
            int c0 = sc.rowStart[i] / stride;
            // up to four rows from the same step share every load of the right operand
            int block = 1;
            while (block < 4 && r + block < nRows && sc.rowStart[sc.rows[r + block]] / stride == c0) {
                block++;
            }
            if (block == 4) {
                for (int q = 0; q < 4; q++) {
                    int iq = sc.rows[r + q];
                    System.arraycopy(prefix, (iq * checkpoints + c0) * m, sc.block[q], 0, m);
                    sc.offsets[q] = iq * k;
                }
                accumulate4(sc.block, m, a, sc.offsets, bt, c0 * stride, k);
                for (int q = 0; q < 4; q++) {
                    finish(s, cache, sc.rows[r + q], sc.block[q], bias);
                }
            } else if (block >= 2) {
                int i1 = sc.rows[r + 1];
                System.arraycopy(prefix, (i * checkpoints + c0) * m, sc.block[0], 0, m);
                System.arraycopy(prefix, (i1 * checkpoints + c0) * m, sc.block[1], 0, m);
                accumulate2(sc.block[0], sc.block[1], m, a, i * k, i1 * k, bt, c0 * stride, k);
                finish(s, cache, i, sc.block[0], bias);
                finish(s, cache, i1, sc.block[1], bias);
                block = 2;
            } else {
                System.arraycopy(prefix, (i * checkpoints + c0) * m, acc, 0, m);
                accumulate(acc, m, a, i * k, bt, c0 * stride, k);
                finish(s, cache, i, acc, bias);
            }
            r += block;
        }
        return nRows;
    }

    /** Columns with a changed right-operand entry, each from its first changed step; returns how many. */
    private int changedColumns(State s, Scratch sc, int nB, double[] bias, double[][] cache) {
        double[] a = s.cur[in[0]];
        int[] idx = s.changed[in[1]];
        double[] b = s.cur[in[1]];
        int nCols = 0;
        for (int q = 0; q < nB; q++) {
            int p;
            int j;
            if (linear) {
                j = idx[q] / k;
                p = idx[q] - j * k;
            } else {
                p = idx[q] / m;
                j = idx[q] - p * m;
            }
            if (sc.colStart[j] == Integer.MAX_VALUE) {
                sc.cols[nCols++] = j;
            }
            sc.colStart[j] = Math.min(sc.colStart[j], p);
        }
        double[] col = sc.col;
        for (int cIdx = 0; cIdx < nCols; cIdx++) {
            int j = sc.cols[cIdx];
            int c0 = sc.colStart[j] / stride;
            int p0 = c0 * stride;
            for (int i = 0; i < n; i++) {
                col[i] = prefix[(i * checkpoints + c0) * m + j];
            }
            // step p for every row before step p + 1: the rows' chains are independent, so they
            // overlap in the pipeline instead of waiting on one another; each keeps its own order
            for (int p = p0; p < k; p++) {
                double bp = bAt(b, p, j);
                for (int i = 0; i < n; i++) {
                    col[i] = Math.fma(a[i * k + p], bp, col[i]);
                }
            }
            for (int i = 0; i < n; i++) {
                s.setOnce(cache, out, i * m + j, bias == null ? col[i] : col[i] + bias[j]);
            }
        }
        return nCols;
    }

    /** Changed bias entries of columns not recomputed already: the kept full sums plus the new bias, in untouched rows. */
    private void changedBias(State s, Scratch sc, double[] bias, double[][] cache) {
        int[] idx = s.changed[biasId];
        for (int q = 0; q < s.n[biasId]; q++) {
            int j = idx[q];
            if (sc.colStart[j] != Integer.MAX_VALUE) {
                continue; // the column was recomputed with the new bias
            }
            for (int i = 0; i < n; i++) {
                if (sc.rowStart[i] == Integer.MAX_VALUE) {
                    s.setOnce(cache, out, i * m + j, mm[i * m + j] + bias[j]);
                }
            }
        }
    }
}

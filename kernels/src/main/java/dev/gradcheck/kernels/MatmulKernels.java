package dev.gradcheck.kernels;

import java.util.stream.IntStream;

/**
 * Double-precision matrix products on plain arrays: a packed, register-tiled kernel whose inner
 * loops the C2 JIT turns into FMA vector instructions.
 *
 * <p><b>Result contract</b> (the engine's {@code MatmulPlan.Gemm}, whose reference loop is
 * {@code MatmulPlan.NAIVE}). Every output entry is accumulated in one fixed order, whatever the
 * sizes, the blocking or the number of threads:
 * {@code c[i][j] = fma(a[i][k-1], b[k-1][j], … fma(a[i][1], b[1][j], fma(a[i][0], b[0][j], c[i][j])))},
 * with {@link Math#fma} (one rounding per step). A naive triple loop written that way gives the
 * same bits, and so does any thread count: work is split by blocks of output entries, never
 * inside a reduction.
 *
 * <p><b>How it is fast.</b> C2 vectorises a loop only when the arrays it stores to and loads from
 * are distinct array objects (two rows of one array at offsets it cannot compare defeat it), and
 * only when the loop body is small enough to unroll. So a panel of B ({@link #KB} rows by
 * {@link #JB} columns, in L2) is packed into one array per row, four rows of C are copied into
 * four accumulator arrays (in L1), and the micro-kernel {@link #kernel4x2} updates those four rows
 * from two packed B rows at a time: eight FMAs per column, each B vector loaded once for four
 * rows. Operands are read through (row stride, column stride), so transposed operands
 * ({@code A·Bᵀ}, {@code Aᵀ·B}) need no transposed copy: the packing step reads them in place.
 *
 * <p><b>Threads.</b> Every call says how many threads it may use; a large product is split into
 * that many tasks by blocks of output entries and run on the common fork-join pool.
 */
public final class MatmulKernels {
    /** Rows of B per packed panel (the reduction block). */
    static final int KB = 256;
    /** Columns of B and C per panel: four C rows of this width stay in L1. */
    static final int JB = 256;
    /** Outputs narrower than this (and taller than wide) are computed transposed. */
    static final int NARROW = 16;
    /** Below this many multiply-adds a product runs on the calling thread alone. */
    static final long PARALLEL_THRESHOLD = 1L << 21;

    private MatmulKernels() {
    }

    /**
     * The thread count a large product uses unless told otherwise: the system property
     * {@code gradcheck.matmul.threads}, or the available processors. Results do not depend on it.
     */
    public static int defaultThreads() {
        int cores = Runtime.getRuntime().availableProcessors();
        String p = System.getProperty("gradcheck.matmul.threads");
        if (p != null) {
            try {
                return Math.max(1, Integer.parseInt(p.trim()));
            } catch (NumberFormatException e) {
                return cores;
            }
        }
        return cores;
    }

    /** {@code a[n x k] · b[k x m]}, both row-major, as a new row-major array, on up to {@code threads} threads. */
    public static double[] multiply(double[] a, double[] b, int n, int k, int m, int threads) {
        double[] c = new double[n * m];
        gemm(a, 0, k, 1, b, 0, m, 1, c, 0, n, k, m, threads, true);
        return c;
    }

    /** {@code a[n x k] · bᵀ} for a row-major {@code b[m x k]}, without transposing b. */
    public static double[] multiplyNT(double[] a, double[] b, int n, int k, int m, int threads) {
        double[] c = new double[n * m];
        gemm(a, 0, k, 1, b, 0, 1, k, c, 0, n, k, m, threads, true);
        return c;
    }

    /** {@code aᵀ · b[k x m]} for a row-major {@code a[k x n]}, without transposing a. */
    public static double[] multiplyTN(double[] a, double[] b, int n, int k, int m, int threads) {
        double[] c = new double[n * m];
        gemm(a, 0, 1, n, b, 0, m, 1, c, 0, n, k, m, threads, true);
        return c;
    }

    /**
     * {@code c += A · B} where {@code A[i][p] = a[aOff + i*aRow + p*aCol]} ({@code n x k}),
     * {@code B[p][j] = b[bOff + p*bRow + j*bCol]} ({@code k x m}) and C is row-major
     * {@code n x m} at {@code cOff}. Each entry accumulates in the order of the class contract (that
     * of {@code MatmulPlan.Gemm}), on up to {@code threads} threads (1: the calling thread alone).
     */
    public static void gemm(double[] a, int aOff, int aRow, int aCol, double[] b, int bOff, int bRow, int bCol,
            double[] c, int cOff, int n, int k, int m, int threads) {
        gemm(a, aOff, aRow, aCol, b, bOff, bRow, bCol, c, cOff, n, k, m, threads, false);
    }

    /** {@link #gemm}; {@code zeroC}: C is known to hold only {@code +0.0} (a new array). */
    private static void gemm(double[] a, int aOff, int aRow, int aCol, double[] b, int bOff, int bRow, int bCol,
            double[] c, int cOff, int n, int k, int m, int threads, boolean zeroC) {
        if (n == 0 || m == 0 || k == 0) {
            return;
        }
        if (m < NARROW && n > m) {
            // a narrow output (e.g. 10 classes) vectorises poorly along its rows: compute Cᵀ += Bᵀ·Aᵀ
            // instead, whose rows are n long. Same bits: fma(x, y, s) == fma(y, x, s), same order in p.
            // The transposes run along the long side (n), not the m < 16 one; a new C needs none going in.
            double[] ct = new double[m * n];
            if (!zeroC) {
                for (int j = 0; j < m; j++) {
                    for (int i = 0; i < n; i++) {
                        ct[j * n + i] = c[cOff + i * m + j];
                    }
                }
            }
            gemm(b, bOff, bCol, bRow, a, aOff, aCol, aRow, ct, 0, m, k, n, threads, zeroC);
            for (int j = 0; j < m; j++) {
                for (int i = 0; i < n; i++) {
                    c[cOff + i * m + j] = ct[j * n + i];
                }
            }
            return;
        }
        int jBlocks = (m + JB - 1) / JB;
        int t = Math.max(1, threads);
        long work = (long) n * k * m;
        if (t == 1 || work < PARALLEL_THRESHOLD) {
            run(a, aOff, aRow, aCol, b, bOff, bRow, bCol, c, cOff, n, k, m, 0, jBlocks, 0, n);
            return;
        }
        // output blocks only: whole column panels first, then row ranges (multiples of 4) within them
        int rowChunks = jBlocks >= t ? 1 : Math.min((t + jBlocks - 1) / jBlocks, Math.max(1, n / 4));
        int colGroups = Math.min(jBlocks, t);
        int rowsPer = ((n + rowChunks - 1) / rowChunks + 3) & ~3;
        int tasks = colGroups * rowChunks;
        IntStream.range(0, tasks).parallel().forEach(task -> {
            int g = task / rowChunks;
            int r = task % rowChunks;
            int jb0 = (int) ((long) jBlocks * g / colGroups);
            int jb1 = (int) ((long) jBlocks * (g + 1) / colGroups);
            int i0 = Math.min(n, r * rowsPer);
            int i1 = Math.min(n, i0 + rowsPer);
            if (i0 < i1 && jb0 < jb1) {
                run(a, aOff, aRow, aCol, b, bOff, bRow, bCol, c, cOff, n, k, m, jb0, jb1, i0, i1);
            }
        });
    }

    /** One task: column panels {@code [jb0, jb1)} of C, rows {@code [i0, i1)}. */
    private static void run(double[] a, int aOff, int aRow, int aCol, double[] b, int bOff, int bRow, int bCol,
            double[] c, int cOff, int n, int k, int m, int jb0, int jb1, int i0, int i1) {
        Workspace ws = WORKSPACE.get();
        double[][] pb = ws.pb;
        double[] t0 = ws.t0;
        double[] t1 = ws.t1;
        double[] t2 = ws.t2;
        double[] t3 = ws.t3;
        for (int jb = jb0; jb < jb1; jb++) {
            int j0 = jb * JB;
            int w = Math.min(JB, m - j0);
            for (int p0 = 0; p0 < k; p0 += KB) {
                int kc = Math.min(KB, k - p0);
                pack(b, bOff + p0 * bRow + j0 * bCol, bRow, bCol, pb, kc, w);
                int i = i0;
                for (; i + 4 <= i1; i += 4) {
                    int c0 = cOff + i * m + j0;
                    System.arraycopy(c, c0, t0, 0, w);
                    System.arraycopy(c, c0 + m, t1, 0, w);
                    System.arraycopy(c, c0 + 2 * m, t2, 0, w);
                    System.arraycopy(c, c0 + 3 * m, t3, 0, w);
                    int a0 = aOff + i * aRow + p0 * aCol;
                    int a1 = a0 + aRow;
                    int a2 = a1 + aRow;
                    int a3 = a2 + aRow;
                    int p = 0;
                    for (; p + 2 <= kc; p += 2) {
                        int q = p * aCol;
                        int q1 = q + aCol;
                        kernel4x2(t0, t1, t2, t3, pb[p], pb[p + 1],
                                a[a0 + q], a[a0 + q1], a[a1 + q], a[a1 + q1],
                                a[a2 + q], a[a2 + q1], a[a3 + q], a[a3 + q1], w);
                    }
                    if (p < kc) {
                        int q = p * aCol;
                        kernel4x1(t0, t1, t2, t3, pb[p], a[a0 + q], a[a1 + q], a[a2 + q], a[a3 + q], w);
                    }
                    System.arraycopy(t0, 0, c, c0, w);
                    System.arraycopy(t1, 0, c, c0 + m, w);
                    System.arraycopy(t2, 0, c, c0 + 2 * m, w);
                    System.arraycopy(t3, 0, c, c0 + 3 * m, w);
                }
                for (; i < i1; i++) {
                    int c0 = cOff + i * m + j0;
                    System.arraycopy(c, c0, t0, 0, w);
                    int a0 = aOff + i * aRow + p0 * aCol;
                    int p = 0;
                    for (; p + 4 <= kc; p += 4) {
                        int q = a0 + p * aCol;
                        kernel1x4(t0, pb[p], pb[p + 1], pb[p + 2], pb[p + 3],
                                a[q], a[q + aCol], a[q + 2 * aCol], a[q + 3 * aCol], w);
                    }
                    for (; p < kc; p++) {
                        kernel1x1(t0, pb[p], a[a0 + p * aCol], w);
                    }
                    System.arraycopy(t0, 0, c, c0, w);
                }
            }
        }
    }

    /**
     * A thread's packed panel and accumulator rows, reused across calls (every use overwrites what
     * it reads: the panel rows up to the panel width, the accumulators from C), so that a small
     * product does not allocate and zero half a megabyte. {@link #run} is never re-entered on a thread.
     */
    private static final class Workspace {
        final double[][] pb = new double[KB][JB];
        final double[] t0 = new double[JB];
        final double[] t1 = new double[JB];
        final double[] t2 = new double[JB];
        final double[] t3 = new double[JB];
    }

    private static final ThreadLocal<Workspace> WORKSPACE = ThreadLocal.withInitial(Workspace::new);

    /** Copies a {@code kc x w} block of B (read through its strides) into one array per row. */
    private static void pack(double[] b, int off, int bRow, int bCol, double[][] pb, int kc, int w) {
        if (bCol == 1) {
            for (int p = 0; p < kc; p++) {
                System.arraycopy(b, off + p * bRow, pb[p], 0, w);
            }
            return;
        }
        if (bRow == 1) {
            // B is a transposed row-major matrix: transpose 8 packed rows at a time, so that each
            // read covers a cache line of b and the writes stay within 8 rows
            int p = 0;
            for (; p + 8 <= kc; p += 8) {
                double[] r0 = pb[p];
                double[] r1 = pb[p + 1];
                double[] r2 = pb[p + 2];
                double[] r3 = pb[p + 3];
                double[] r4 = pb[p + 4];
                double[] r5 = pb[p + 5];
                double[] r6 = pb[p + 6];
                double[] r7 = pb[p + 7];
                for (int j = 0; j < w; j++) {
                    int src = off + j * bCol + p;
                    r0[j] = b[src];
                    r1[j] = b[src + 1];
                    r2[j] = b[src + 2];
                    r3[j] = b[src + 3];
                    r4[j] = b[src + 4];
                    r5[j] = b[src + 5];
                    r6[j] = b[src + 6];
                    r7[j] = b[src + 7];
                }
            }
            for (; p < kc; p++) {
                double[] row = pb[p];
                for (int j = 0; j < w; j++) {
                    row[j] = b[off + j * bCol + p];
                }
            }
            return;
        }
        for (int p = 0; p < kc; p++) {
            double[] row = pb[p];
            int src = off + p * bRow;
            for (int j = 0; j < w; j++) {
                row[j] = b[src + j * bCol];
            }
        }
    }

    // The micro-kernels: distinct arrays for every row and small bodies, so that C2 unrolls and
    // vectorises them. Each entry's chain of fma is in ascending p.

    /**
     * Rows t0..t3 of an accumulator, two steps: {@code t_r[j] = fma(x_r1, b1[j], fma(x_r0, b0[j], t_r[j]))}
     * for j &lt; w. Public so that code which must reproduce this kernel's arithmetic (the checker's
     * incremental evaluator) runs it rather than a copy.
     */
    public static void kernel4x2(double[] t0, double[] t1, double[] t2, double[] t3, double[] b0, double[] b1,
            double x00, double x01, double x10, double x11, double x20, double x21, double x30, double x31, int w) {
        for (int j = 0; j < w; j++) {
            double y0 = b0[j];
            double y1 = b1[j];
            t0[j] = Math.fma(x01, y1, Math.fma(x00, y0, t0[j]));
            t1[j] = Math.fma(x11, y1, Math.fma(x10, y0, t1[j]));
            t2[j] = Math.fma(x21, y1, Math.fma(x20, y0, t2[j]));
            t3[j] = Math.fma(x31, y1, Math.fma(x30, y0, t3[j]));
        }
    }

    private static void kernel4x1(double[] t0, double[] t1, double[] t2, double[] t3, double[] b0,
            double x0, double x1, double x2, double x3, int w) {
        for (int j = 0; j < w; j++) {
            double y0 = b0[j];
            t0[j] = Math.fma(x0, y0, t0[j]);
            t1[j] = Math.fma(x1, y0, t1[j]);
            t2[j] = Math.fma(x2, y0, t2[j]);
            t3[j] = Math.fma(x3, y0, t3[j]);
        }
    }

    private static void kernel1x4(double[] t, double[] b0, double[] b1, double[] b2, double[] b3,
            double x0, double x1, double x2, double x3, int w) {
        for (int j = 0; j < w; j++) {
            t[j] = Math.fma(x3, b3[j], Math.fma(x2, b2[j], Math.fma(x1, b1[j], Math.fma(x0, b0[j], t[j]))));
        }
    }

    private static void kernel1x1(double[] t, double[] b0, double x0, int w) {
        for (int j = 0; j < w; j++) {
            t[j] = Math.fma(x0, b0[j], t[j]);
        }
    }
}

package dev.gradcheck.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcheck.engine.Autograd;
import dev.gradcheck.engine.GradMode;
import dev.gradcheck.engine.Ops;
import dev.gradcheck.engine.Tensor;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The packed kernel against the naive triple loop with the same fma order: equal bit for bit on
 * sizes that are not multiples of the tile or block sizes, for plain, transposed and batched
 * operands, at any thread count, and with NaN and infinity propagating as in the naive loop.
 */
class MatmulKernelsTest {
    /** c[i][j] = fma chain over ascending p, the kernel's documented contract. */
    private static double[] naive(double[] a, int aRow, int aCol, double[] b, int bRow, int bCol,
            double[] c0, int n, int k, int m) {
        double[] c = c0.clone();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                double s = c[i * m + j];
                for (int p = 0; p < k; p++) {
                    s = Math.fma(a[i * aRow + p * aCol], b[p * bRow + j * bCol], s);
                }
                c[i * m + j] = s;
            }
        }
        return c;
    }

    private static double[] randn(Random rng, int size) {
        double[] d = new double[size];
        for (int i = 0; i < size; i++) {
            d[i] = rng.nextGaussian();
        }
        return d;
    }

    private static void assertBitwiseEqual(double[] expected, double[] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            if (Double.doubleToRawLongBits(expected[i]) != Double.doubleToRawLongBits(actual[i])
                    && !(Double.isNaN(expected[i]) && Double.isNaN(actual[i]))) {
                throw new AssertionError(what + ": entry " + i + ": expected " + expected[i] + " but got " + actual[i]);
            }
        }
    }

    private static final int[][] SIZES = {
        {1, 1, 1}, {1, 7, 1}, {3, 5, 2}, {5, 1, 9}, {7, 13, 11}, {4, 3, 8}, {9, 2, 17},
        {37, 261, 259}, {6, 300, 513}, {65, 257, 3}, {33, 128, 10}, {130, 5, 15}, // the last three: narrow outputs
        {32, 128, 10}, {128, 32, 10}, {17, 9, 1}, // narrow, as the last layer of an MLP and its weight gradient
    };

    @Test
    void plainTransposedAndDoublyTransposedOperandsEqualTheNaiveLoopBitForBit() {
        Random rng = new Random(11);
        for (int[] s : SIZES) {
            int n = s[0];
            int k = s[1];
            int m = s[2];
            double[] a = randn(rng, n * k);
            double[] b = randn(rng, k * m);
            double[] c0 = randn(rng, n * m); // accumulates into what is there
            String size = n + "x" + k + "x" + m;
            // A row-major [n, k] or stored transposed [k, n]; B row-major [k, m] or stored transposed [m, k]
            int[][] layouts = {{k, 1, m, 1}, {k, 1, 1, k}, {1, n, m, 1}, {1, n, 1, k}};
            String[] names = {"NN", "NT", "TN", "TT"};
            for (int l = 0; l < layouts.length; l++) {
                int[] st = layouts[l];
                double[] expected = naive(a, st[0], st[1], b, st[2], st[3], c0, n, k, m);
                double[] c = c0.clone();
                MatmulKernels.gemm(a, 0, st[0], st[1], b, 0, st[2], st[3], c, 0, n, k, m, 1);
                assertBitwiseEqual(expected, c, names[l] + " " + size);
            }
        }
    }

    @Test
    void newOutputsOfTheThreeLayoutsEqualTheNaiveLoopBitForBit() {
        // multiply, multiplyNT and multiplyTN start from a new (zero) C, which the narrow path does not copy in
        Random rng = new Random(14);
        for (int[] s : SIZES) {
            int n = s[0];
            int k = s[1];
            int m = s[2];
            double[] a = randn(rng, n * k);
            double[] b = randn(rng, k * m);
            double[] zero = new double[n * m];
            String size = n + "x" + k + "x" + m;
            assertBitwiseEqual(naive(a, k, 1, b, m, 1, zero, n, k, m), MatmulKernels.multiply(a, b, n, k, m, 1),
                    "multiply " + size);
            assertBitwiseEqual(naive(a, k, 1, b, 1, k, zero, n, k, m), MatmulKernels.multiplyNT(a, b, n, k, m, 1),
                    "multiplyNT " + size);
            assertBitwiseEqual(naive(a, 1, n, b, m, 1, zero, n, k, m), MatmulKernels.multiplyTN(a, b, n, k, m, 1),
                    "multiplyTN " + size);
        }
    }

    @Test
    void offsetsIntoLargerArraysAreHonoured() {
        Random rng = new Random(12);
        int n = 6;
        int k = 5;
        int m = 7;
        double[] a = randn(rng, 3 + n * k);
        double[] b = randn(rng, 4 + k * m);
        double[] c = randn(rng, 2 + n * m + 5);
        double[] before = c.clone();
        MatmulKernels.gemm(a, 3, k, 1, b, 4, m, 1, c, 2, n, k, m, 2);
        double[] expected = naive(Arrays.copyOfRange(a, 3, a.length), k, 1, Arrays.copyOfRange(b, 4, b.length), m, 1,
                Arrays.copyOfRange(before, 2, 2 + n * m), n, k, m);
        assertBitwiseEqual(expected, Arrays.copyOfRange(c, 2, 2 + n * m), "offset product");
        assertBitwiseEqual(Arrays.copyOfRange(before, 0, 2), Arrays.copyOfRange(c, 0, 2), "before the output");
        assertBitwiseEqual(Arrays.copyOfRange(before, 2 + n * m, c.length), Arrays.copyOfRange(c, 2 + n * m, c.length),
                "after the output");
    }

    @Test
    void resultsAreIdenticalForOneTwoAndThreeThreads() {
        Random rng = new Random(13);
        int n = 131;
        int k = 140;
        int m = 601; // three column panels, above the parallel threshold
        double[] a = randn(rng, n * k);
        double[] b = randn(rng, k * m);
        double[] expected = naive(a, k, 1, b, m, 1, new double[n * m], n, k, m);
        for (int t = 1; t <= 3; t++) {
            assertBitwiseEqual(expected, MatmulKernels.multiply(a, b, n, k, m, t), t + " threads, wide");
        }
        // one column panel: the split goes by rows (in multiples of four, here with a remainder)
        int n2 = 301;
        int m2 = 100;
        double[] a2 = randn(rng, n2 * k);
        double[] b2 = randn(rng, k * m2);
        assertTrue(n2 * (long) k * m2 >= MatmulKernels.PARALLEL_THRESHOLD, "large enough to be split");
        double[] expected2 = naive(a2, k, 1, b2, m2, 1, new double[n2 * m2], n2, k, m2);
        for (int t = 1; t <= 3; t++) {
            assertBitwiseEqual(expected2, MatmulKernels.multiply(a2, b2, n2, k, m2, t), t + " threads, by rows");
        }
    }

    @Test
    void batchedAndBroadcastMatmulEqualsTheNaiveLoopPerBatch() {
        Random rng = new Random(16);
        int n = 5;
        int k = 9;
        int m = 6;
        Tensor a = Tensor.randn(rng, 3, 1, n, k);
        Tensor b = Tensor.randn(rng, 2, k, m);
        double[] c = a.matmul(b).data();
        assertEquals(3 * 2 * n * m, c.length, "batched result size for [3, 1, 5, 9] x [2, 9, 6]");
        double[] ad = a.data();
        double[] bd = b.data();
        for (int s = 0; s < 3; s++) {
            for (int t = 0; t < 2; t++) {
                double[] expected = naive(Arrays.copyOfRange(ad, s * n * k, (s + 1) * n * k), k, 1,
                        Arrays.copyOfRange(bd, t * k * m, (t + 1) * k * m), m, 1, new double[n * m], n, k, m);
                int o = (s * 2 + t) * n * m;
                assertBitwiseEqual(expected, Arrays.copyOfRange(c, o, o + n * m), "batch [" + s + ", " + t + "]");
            }
        }
    }

    @Test
    void nanAndInfinityPropagateLikeTheNaiveLoop() {
        int n = 6;
        int k = 7;
        int m = 9;
        Random rng = new Random(17);
        double[] a = randn(rng, n * k);
        double[] b = randn(rng, k * m);
        a[2 * k + 3] = Double.NaN; // row 2 of the product becomes NaN
        a[4 * k + 1] = 0.0;
        b[1 * m + 5] = Double.POSITIVE_INFINITY; // 0 * inf: NaN at [4, 5]; inf elsewhere in column 5
        double[] c = MatmulKernels.multiply(a, b, n, k, m, 1);
        assertBitwiseEqual(naive(a, k, 1, b, m, 1, new double[n * m], n, k, m), c, "non-finite product");
        for (int j = 0; j < m; j++) {
            assertTrue(Double.isNaN(c[2 * m + j]), "row 2 is NaN at column " + j + ", got " + c[2 * m + j]);
        }
        assertTrue(Double.isNaN(c[4 * m + 5]), "0 * inf gives NaN at [4, 5], got " + c[4 * m + 5]);
        assertTrue(Double.isInfinite(c[0 * m + 5]), "inf in column 5 at [0, 5], got " + c[5]);
    }

    @Test
    void directFirstOrderGradientsEqualTheDifferentiablePath() {
        Random rng = new Random(18);
        int[][][] cases = {
            {{7, 5}, {5, 9}}, {{3, 4, 5}, {3, 5, 2}}, {{5}, {5, 3}}, {{4, 5}, {5}}, {{2, 3, 4}, {4, 6}},
            {{6}, {6}}, {{2, 1, 3, 4}, {5, 4, 2}}, {{3, 4}, {2, 4, 5}},
        };
        for (int[][] cs : cases) {
            Tensor a = Tensor.randn(rng, cs[0]).requiresGrad();
            Tensor b = Tensor.randn(rng, cs[1]).requiresGrad();
            Tensor y = a.matmul(b);
            Tensor g = Tensor.randn(rng, y.shape().dims());
            Tensor[] direct = Autograd.grad(y, g, false, a, b); // no graph recorded: the direct kernels
            Tensor[] graph = Autograd.grad(y, g, true, a, b); // recorded: transpose + matmul ops
            String what = Arrays.toString(cs[0]) + " x " + Arrays.toString(cs[1]);
            for (int i = 0; i < 2; i++) {
                double[] e = graph[i].data();
                double[] d = direct[i].data();
                assertEquals(graph[i].shape(), direct[i].shape(), what + ": gradient " + i + " shape");
                for (int q = 0; q < e.length; q++) {
                    assertEquals(e[q], d[q], 1e-12 * Math.max(1, Math.abs(e[q])),
                            what + ": gradient " + i + " entry " + q);
                }
            }
        }
    }

    @Test
    void linearReadsItsWeightInPlaceAndAgreesWithMatmulOfTheTranspose() {
        Random rng = new Random(19);
        Tensor x = Tensor.randn(rng, 2, 3, 5).requiresGrad();
        Tensor w = Tensor.randn(rng, 4, 5).requiresGrad();
        Tensor bias = Tensor.randn(rng, 4).requiresGrad();
        Tensor y = Ops.apply("linear", x, w, bias);
        Tensor ref;
        try (GradMode.Scope s = GradMode.disabled()) {
            ref = x.matmul(w.transpose(0, 1)).add(bias);
        }
        assertBitwiseEqual(ref.data(), y.data(), "linear forward");
        Tensor g = Tensor.randn(rng, 2, 3, 4);
        Tensor[] direct = Autograd.grad(y, g, false, x, w, bias);
        Tensor[] graph = Autograd.grad(y, g, true, x, w, bias);
        for (int i = 0; i < 3; i++) {
            double[] e = graph[i].data();
            double[] d = direct[i].data();
            for (int q = 0; q < e.length; q++) {
                assertEquals(e[q], d[q], 1e-12 * Math.max(1, Math.abs(e[q])), "linear gradient " + i + " entry " + q);
            }
        }
    }
}

package dev.gradcheck.kernels.incremental;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The partial-sum kernels of {@link MatmulRule}, both steps (multiply-then-add as on main's
 * engine, fma as in a fused kernel), against a naive loop of the same step, bit for bit, for
 * every start step and odd sizes; and the calibration finds the engine's step.
 */
class MatmulRuleTest {
    private static final long SEED = 7L;

    private static double naive(double start, double[] a, int aOff, double[] bt, int m, int j, int p0, int p1) {
        double c = start;
        for (int p = p0; p < p1; p++) {
            c = Math.fma(a[aOff + p], bt[p * m + j], c);
        }
        return c;
    }

    @Test
    void kernelsEqualTheNaiveLoop() {
        SplittableRandom r = new SplittableRandom(SEED);
        int n = 4;
        int k = 11;
        int m = 7;
        double[] a = new double[n * k];
        double[] bt = new double[k * m];
        for (int i = 0; i < a.length; i++) {
            a[i] = r.nextGaussian();
        }
        for (int i = 0; i < bt.length; i++) {
            bt[i] = r.nextGaussian();
        }
        for (int p0 = 0; p0 <= k; p0++) {
            double[][] acc = new double[4][m];
            double[][] want = new double[4][m];
            for (int q = 0; q < 4; q++) {
                for (int j = 0; j < m; j++) {
                    acc[q][j] = r.nextGaussian();
                    want[q][j] = naive(acc[q][j], a, q * k, bt, m, j, p0, k);
                }
            }
            double[][] one = {acc[0].clone()};
            double[][] rows = MatmulRule.rows(bt, k, m);
            MatmulRule.accumulate(one[0], m, a, 0, rows, p0, k);
            double[][] two = {acc[0].clone(), acc[1].clone()};
            MatmulRule.accumulate2(two[0], two[1], m, a, 0, k, rows, p0, k);
            double[][] four = {acc[0].clone(), acc[1].clone(), acc[2].clone(), acc[3].clone()};
            MatmulRule.accumulate4(four, m, a, new int[] {0, k, 2 * k, 3 * k}, rows, p0, k);
            for (int j = 0; j < m; j++) {
                String at = "from step " + p0 + ", column " + j + " (seed " + SEED + ")";
                assertEquals(want[0][j], one[0][j], 0.0, "accumulate " + at);
                for (int q = 0; q < 2; q++) {
                    assertEquals(want[q][j], two[q][j], 0.0, "accumulate2 row " + q + " " + at);
                }
                for (int q = 0; q < 4; q++) {
                    assertEquals(want[q][j], four[q][j], 0.0, "accumulate4 row " + q + " " + at);
                }
            }
        }
    }

    @Test
    void calibrationRecognisesTheEngine() {
        assertTrue(MatmulRule.MATMUL_FMA, "the rule does not reproduce the engine's matmul kernel");
        assertTrue(MatmulRule.LINEAR_FMA, "the rule does not reproduce the engine's linear kernel");
    }
}

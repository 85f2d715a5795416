package dev.gradcheck;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * A smooth op's entry whose Ridders tableau never settled (off by ~1e-6 relative, its error
 * estimate ten times smaller) was called a kink ("left and right differences disagree") because
 * a finer central difference agreed with the analytic value: an outside tester's tanh(X·Wᵀ + b)
 * at seed 24. The one-sided gap shrinking fourfold with the step shows curvature, not a jump: the
 * entry passes, measured by that finer difference.
 */
class SmoothEntryIsNoKinkTest {
    /** tanh(X·Wᵀ + b), X [4, 3], W [5, 3], b [5], as the tester wrote it. */
    static final class LinearTanh implements CustomOp {
        @Override
        public String name() {
            return "linear_tanh";
        }

        @Override
        public int[][] inputShapes() {
            return new int[][] {{4, 3}, {5, 3}, {5}};
        }

        private static double[] z(double[][] in) {
            int o = in[2].length;
            int i = in[1].length / o;
            int b = in[0].length / i;
            double[] z = new double[b * o];
            for (int r = 0; r < b; r++) {
                for (int c = 0; c < o; c++) {
                    double s = in[2][c];
                    for (int k = 0; k < i; k++) {
                        s += in[0][r * i + k] * in[1][c * i + k];
                    }
                    z[r * o + c] = s;
                }
            }
            return z;
        }

        @Override
        public double[] forward(double[][] in) {
            double[] z = z(in);
            for (int k = 0; k < z.length; k++) {
                z[k] = Math.tanh(z[k]);
            }
            return z;
        }

        @Override
        public double[][] backward(double[][] in, double[] g) {
            int o = in[2].length;
            int i = in[1].length / o;
            int b = in[0].length / i;
            double[] y = forward(in);
            double[] dz = new double[b * o];
            for (int k = 0; k < dz.length; k++) {
                dz[k] = g[k] * (1 - y[k] * y[k]);
            }
            double[] dx = new double[b * i];
            double[] dw = new double[o * i];
            double[] db = new double[o];
            for (int r = 0; r < b; r++) {
                for (int c = 0; c < o; c++) {
                    db[c] += dz[r * o + c];
                    for (int k = 0; k < i; k++) {
                        dx[r * i + k] += dz[r * o + c] * in[1][c * i + k];
                        dw[c * i + k] += dz[r * o + c] * in[0][r * i + k];
                    }
                }
            }
            return new double[][] {dx, dw, db};
        }
    }

    @Test
    void aSmoothOpsEntriesPassWithoutKinks() {
        for (long seed = 20; seed < 40; seed++) {
            CheckResult r = CustomOpCheck.check(new LinearTanh(), CheckOptions.defaults().withSeed(seed).withThreads(1));
            assertEquals(Status.PASS, r.status(), "seed " + seed + ": " + r.diagnosis());
        }
    }
}

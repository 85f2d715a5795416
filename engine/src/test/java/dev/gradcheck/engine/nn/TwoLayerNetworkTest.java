package dev.gradcheck.engine.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gradcheck.engine.Ops;
import dev.gradcheck.engine.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The seed notes' two-layer network (Step 3: hidden = relu(x @ W1 + b1), out = hidden @ W2 + b2,
 * cross-entropy), its backward pass written by hand on plain arrays, against the engine.
 */
class TwoLayerNetworkTest {
    static final int N = 8;
    static final int D = 4;
    static final int H = 16;
    static final int C = 3;

    @Test
    void handWrittenBackpropMatchesTheEngine() {
        for (long seed = 0; seed < 5; seed++) {
            check(seed);
        }
    }

    private static void check(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[][] x = random(rng, N, D, 1.0);
        double[][] w1 = random(rng, D, H, 0.5);
        double[] b1 = random(rng, 1, H, 0.1)[0];
        double[][] w2 = random(rng, H, C, 0.5);
        double[] b2 = random(rng, 1, C, 0.1)[0];
        long[] y = new long[N];
        for (int n = 0; n < N; n++) {
            y[n] = rng.nextInt(C);
        }

        // ---- by hand: forward
        double[][] z1 = add(matmul(x, w1), b1);
        double[][] hidden = new double[N][H];
        for (int n = 0; n < N; n++) {
            for (int j = 0; j < H; j++) {
                hidden[n][j] = Math.max(0, z1[n][j]);
            }
        }
        double[][] out = add(matmul(hidden, w2), b2);
        double loss = 0;
        double[][] dOut = new double[N][C];
        for (int n = 0; n < N; n++) {
            double max = Double.NEGATIVE_INFINITY;
            for (double v : out[n]) {
                max = Math.max(max, v);
            }
            double sum = 0;
            for (double v : out[n]) {
                sum += Math.exp(v - max);
            }
            loss += (max + Math.log(sum) - out[n][(int) y[n]]) / N;
            // d loss / d out = (softmax(out) - onehot(y)) / N
            for (int k = 0; k < C; k++) {
                dOut[n][k] = (Math.exp(out[n][k] - max) / sum - (k == y[n] ? 1 : 0)) / N;
            }
        }
        // ---- by hand: backward (Step 3)
        double[][] dW2 = matmul(transpose(hidden), dOut);
        double[] db2 = columnSums(dOut);
        double[][] dHidden = matmul(dOut, transpose(w2));
        double[][] dZ1 = new double[N][H];
        for (int n = 0; n < N; n++) {
            for (int j = 0; j < H; j++) {
                dZ1[n][j] = z1[n][j] > 0 ? dHidden[n][j] : 0;
            }
        }
        double[][] dW1 = matmul(transpose(x), dZ1);
        double[] db1 = columnSums(dZ1);

        // ---- the engine
        Tensor tx = Tensor.of(flat(x), N, D);
        Tensor tw1 = Tensor.of(flat(w1), D, H).requiresGrad();
        Tensor tb1 = Tensor.of(b1, H).requiresGrad();
        Tensor tw2 = Tensor.of(flat(w2), H, C).requiresGrad();
        Tensor tb2 = Tensor.of(b2, C).requiresGrad();
        Tensor tHidden = tx.matmul(tw1).add(tb1).relu();
        Tensor tOut = tHidden.matmul(tw2).add(tb2);
        Tensor tLoss = Ops.apply("cross_entropy", tOut, Tensor.ofLongs(y, N));
        tLoss.backward();

        String at = " (seed " + seed + ")";
        assertEquals(loss, tLoss.item(), 1e-12, "loss" + at);
        assertArrayEquals(flat(dW1), tw1.grad().data(), 1e-12, "dW1" + at);
        assertArrayEquals(db1, tb1.grad().data(), 1e-12, "db1" + at);
        assertArrayEquals(flat(dW2), tw2.grad().data(), 1e-12, "dW2" + at);
        assertArrayEquals(db2, tb2.grad().data(), 1e-12, "db2" + at);
    }

    private static double[][] random(SplittableRandom rng, int rows, int cols, double scale) {
        double[][] a = new double[rows][cols];
        for (double[] row : a) {
            for (int j = 0; j < cols; j++) {
                row[j] = scale * rng.nextGaussian();
            }
        }
        return a;
    }

    private static double[][] matmul(double[][] a, double[][] b) {
        double[][] c = new double[a.length][b[0].length];
        for (int i = 0; i < a.length; i++) {
            for (int k = 0; k < b.length; k++) {
                for (int j = 0; j < b[0].length; j++) {
                    c[i][j] += a[i][k] * b[k][j];
                }
            }
        }
        return c;
    }

    private static double[][] transpose(double[][] a) {
        double[][] t = new double[a[0].length][a.length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[0].length; j++) {
                t[j][i] = a[i][j];
            }
        }
        return t;
    }

    private static double[][] add(double[][] a, double[] row) {
        double[][] c = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i].clone();
            for (int j = 0; j < row.length; j++) {
                c[i][j] += row[j];
            }
        }
        return c;
    }

    private static double[] columnSums(double[][] a) {
        double[] s = new double[a[0].length];
        for (double[] row : a) {
            for (int j = 0; j < s.length; j++) {
                s[j] += row[j];
            }
        }
        return s;
    }

    private static double[] flat(double[][] a) {
        double[] f = new double[a.length * a[0].length];
        for (int i = 0; i < a.length; i++) {
            System.arraycopy(a[i], 0, f, i * a[0].length, a[0].length);
        }
        return f;
    }
}

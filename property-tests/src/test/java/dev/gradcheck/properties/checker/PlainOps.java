package dev.gradcheck.properties.checker;

import dev.gradcheck.DifferentiableFunction;
import java.util.function.BiFunction;
import java.util.function.Function;

/** Plain-array ops as {@link DifferentiableFunction}s, with the correct gradients the planted bugs start from. */
final class PlainOps {
    private PlainOps() {
    }

    /** A function from two lambdas. */
    static DifferentiableFunction of(Function<double[][], double[]> fwd,
            BiFunction<double[][], double[], double[][]> bwd) {
        return new DifferentiableFunction() {
            @Override
            public double[] forward(double[][] inputs) {
                return fwd.apply(inputs);
            }

            @Override
            public double[][] backward(double[][] inputs, double[] gradOutput) {
                return bwd.apply(inputs, gradOutput);
            }
        };
    }

    /** C = A·B for A [m, k], B [k, n], row-major. */
    static double[] matmul(double[] a, double[] b, int m, int k, int n) {
        double[] c = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    s += a[i * k + p] * b[p * n + j];
                }
                c[i * n + j] = s;
            }
        }
        return c;
    }

    /** Aᵀ of A [m, n], as [n, m]. */
    static double[] transpose(double[] a, int m, int n) {
        double[] t = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                t[j * m + i] = a[i * n + j];
            }
        }
        return t;
    }

    /** The correct matmul backward: dA = G·Bᵀ [m, k], dB = Aᵀ·G [k, n]. */
    static double[][] matmulGrads(double[] a, double[] b, double[] g, int m, int k, int n) {
        return new double[][] {matmul(g, transpose(b, k, n), m, n, k), matmul(transpose(a, m, k), g, k, m, n)};
    }

    /** Matmul of A [m, k] and B [k, n] whose backward is the correct one passed through {@code plant}. */
    static DifferentiableFunction matmul(int m, int k, int n, MatmulBackward plant) {
        return of(in -> matmul(in[0], in[1], m, k, n), (in, g) -> plant.grads(in[0], in[1], g));
    }

    /** y = sin(x)·w elementwise (w fixed), whose backward is the correct one passed through {@code plant}. */
    static DifferentiableFunction sinScale(double[] w, java.util.function.UnaryOperator<double[]> plant) {
        return of(in -> {
            double[] y = new double[w.length];
            for (int i = 0; i < y.length; i++) {
                y[i] = Math.sin(in[0][i]) * w[i];
            }
            return y;
        }, (in, g) -> {
            double[] d = new double[w.length];
            for (int i = 0; i < d.length; i++) {
                d[i] = g[i] * Math.cos(in[0][i]) * w[i];
            }
            return new double[][] {plant.apply(d)};
        });
    }

    /** y = relu(x), with relu'(0) = {@code atZero} (any value in [0, 1] is a valid subgradient). */
    static DifferentiableFunction relu(double atZero) {
        return of(in -> {
            double[] y = new double[in[0].length];
            for (int i = 0; i < y.length; i++) {
                y[i] = Math.max(in[0][i], 0);
            }
            return y;
        }, (in, g) -> {
            double[] d = new double[g.length];
            for (int i = 0; i < d.length; i++) {
                double x = in[0][i];
                d[i] = g[i] * (x > 0 ? 1 : x < 0 ? 0 : atZero);
            }
            return new double[][] {d};
        });
    }

    /** y = |x|, with |x|'(0) = {@code atZero} (any value in [−1, 1]). */
    static DifferentiableFunction abs(double atZero) {
        return of(in -> {
            double[] y = new double[in[0].length];
            for (int i = 0; i < y.length; i++) {
                y[i] = Math.abs(in[0][i]);
            }
            return y;
        }, (in, g) -> {
            double[] d = new double[g.length];
            for (int i = 0; i < d.length; i++) {
                double x = in[0][i];
                d[i] = g[i] * (x > 0 ? 1 : x < 0 ? -1 : atZero);
            }
            return new double[][] {d};
        });
    }

    /** y = maximum(a, b); at a tie a gets {@code tieA} and b gets 1 − tieA of the gradient (PyTorch: ½ each). */
    static DifferentiableFunction maximum(double tieA) {
        return of(in -> {
            double[] y = new double[in[0].length];
            for (int i = 0; i < y.length; i++) {
                y[i] = Math.max(in[0][i], in[1][i]);
            }
            return y;
        }, (in, g) -> {
            double[] da = new double[g.length];
            double[] db = new double[g.length];
            for (int i = 0; i < g.length; i++) {
                double a = in[0][i];
                double b = in[1][i];
                double wa = a > b ? 1 : a < b ? 0 : tieA;
                da[i] = g[i] * wa;
                db[i] = g[i] * (1 - wa);
            }
            return new double[][] {da, db};
        });
    }

    /** A matmul backward from the correct gradients: returns (dA, dB), possibly with a bug planted. */
    @FunctionalInterface
    interface MatmulBackward {
        double[][] grads(double[] a, double[] b, double[] g);
    }
}

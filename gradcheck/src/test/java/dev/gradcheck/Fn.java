package dev.gradcheck;

import dev.gradcheck.testing.Elementwise;
import dev.gradcheck.testing.LambdaFunction;

/** Test helper: a plain {@link DifferentiableFunction} from two lambdas, and the matmul these tests plant bugs in. */
final class Fn extends LambdaFunction {
    private Fn(Forward fwd, Backward bwd) {
        super(fwd, bwd);
    }

    /** Hides {@link LambdaFunction#of} (hence public) to give the type these tests declare. */
    public static Fn of(Forward fwd, Backward bwd) {
        return new Fn(fwd, bwd);
    }

    /** C = A·B for A [m, k], B [k, n]. */
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

    static double[] randn(java.util.SplittableRandom rng, int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = rng.nextGaussian();
        }
        return x;
    }

    /** A correct elementwise op: y = g(x), dy/dx = dg(x). */
    static Fn elementwise(java.util.function.DoubleUnaryOperator g, java.util.function.DoubleUnaryOperator dg) {
        return of(Elementwise.forward(g), Elementwise.backward(dg));
    }

    /** Matmul with a pluggable backward (dA, dB) from (A, B, G). */
    static Fn matmulOp(int m, int k, int n, MatmulBackward back) {
        return of(in -> matmul(in[0], in[1], m, k, n), (in, go) -> back.grads(in[0], in[1], go, m, k, n));
    }

    /** The correct matmul backward: dA = G·Bᵀ, dB = Aᵀ·G. */
    static double[][] matmulGrads(double[] a, double[] b, double[] g, int m, int k, int n) {
        return new double[][] {matmul(g, transpose(b, k, n), m, n, k), matmul(transpose(a, m, k), g, k, m, n)};
    }

    @FunctionalInterface
    interface MatmulBackward {
        double[][] grads(double[] a, double[] b, double[] g, int m, int k, int n);
    }
}

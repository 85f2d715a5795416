package dev.gradcheck.corpus;

import dev.gradcheck.CustomOp;
import dev.gradcheck.Domain;
import java.util.function.DoubleUnaryOperator;

/**
 * Small builders of ported ops: any op from a forward and a backward on flat arrays, and the
 * elementwise ones in one or two inputs, forward and backward per entry.
 */
final class Ported {
    private Ported() {
    }

    /** A forward on the flat inputs. */
    @FunctionalInterface
    interface Forward {
        double[] f(double[][] in);
    }

    /** A backward on the flat inputs and gradOutput: one gradient per input. */
    @FunctionalInterface
    interface Backward {
        double[][] b(double[][] in, double[] g);
    }

    /** y = f(x), its backward dx = back(x, y, g), per entry. */
    @FunctionalInterface
    interface UnaryBackward {
        double dx(double x, double y, double g);
    }

    /** z = f(a, b), its backward per entry. */
    @FunctionalInterface
    interface BinaryForward {
        double z(double a, double b);
    }

    @FunctionalInterface
    interface BinaryBackward {
        double d(double a, double b, double z, double g);
    }

    /** The op {@code name} at {@code shapes} with the given forward, backward and inputs' domain. */
    static CustomOp of(String name, int[][] shapes, Domain domain, Forward f, Backward b) {
        return new CustomOp() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public int[][] inputShapes() {
                return shapes;
            }

            @Override
            public Domain domain(int input) {
                return domain;
            }

            @Override
            public double[] forward(double[][] in) {
                return f.f(in);
            }

            @Override
            public double[][] backward(double[][] in, double[] g) {
                return b.b(in, g);
            }
        };
    }

    /** {@link #of(String, int[][], Domain, Forward, Backward)} with no declared domain. */
    static CustomOp of(String name, int[][] shapes, Forward f, Backward b) {
        return of(name, shapes, Domain.undeclared(), f, b);
    }

    static CustomOp unary(String name, int[] shape, DoubleUnaryOperator f, UnaryBackward back) {
        return unary(name, shape, f, back, Domain.undeclared());
    }

    static CustomOp unary(String name, int[] shape, DoubleUnaryOperator f, UnaryBackward back, Domain domain) {
        return of(name, new int[][] {shape}, domain, in -> {
            double[] y = new double[in[0].length];
            for (int i = 0; i < y.length; i++) {
                y[i] = f.applyAsDouble(in[0][i]);
            }
            return y;
        }, (in, g) -> {
            double[] d = new double[in[0].length];
            for (int i = 0; i < d.length; i++) {
                double x = in[0][i];
                d[i] = back.dx(x, f.applyAsDouble(x), g[i]);
            }
            return new double[][] {d};
        });
    }

    static CustomOp binary(String name, int[] shape, BinaryForward f, BinaryBackward da, BinaryBackward db) {
        return of(name, new int[][] {shape, shape}, in -> {
            double[] z = new double[in[0].length];
            for (int i = 0; i < z.length; i++) {
                z[i] = f.z(in[0][i], in[1][i]);
            }
            return z;
        }, (in, g) -> {
            int n = in[0].length;
            double[] ga = new double[n];
            double[] gb = new double[n];
            for (int i = 0; i < n; i++) {
                double a = in[0][i];
                double b = in[1][i];
                double z = f.z(a, b);
                ga[i] = da.d(a, b, z, g[i]);
                gb[i] = db.d(a, b, z, g[i]);
            }
            return new double[][] {ga, gb};
        });
    }

    static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }
}

package dev.gradcheck.corpus;

import dev.gradcheck.CustomOp;
import dev.gradcheck.testing.Elementwise;
import dev.gradcheck.testing.LambdaOp;
import java.util.function.DoubleUnaryOperator;

/**
 * Small builders of ported elementwise ops in one or two inputs, forward and backward per entry
 * (any other op is a {@link LambdaOp} from its forward and backward on flat arrays).
 */
final class Ported {
    private Ported() {
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

    /** y = f(x) on one input of {@code shape}, its backward dx = back(x, y, g) per entry. */
    static CustomOp unary(String name, int[] shape, DoubleUnaryOperator f, Elementwise.EntryBackward back) {
        return LambdaOp.named(name).shape(shape).forward(Elementwise.forward(f))
                .backward(Elementwise.backwardPerEntry(f, back)).build();
    }

    /** z = f(a, b) on two inputs of {@code shape}, its backward da, db per entry. */
    static CustomOp binary(String name, int[] shape, BinaryForward f, BinaryBackward da, BinaryBackward db) {
        return LambdaOp.named(name).shapes(shape, shape).forward(in -> {
            double[] z = new double[in[0].length];
            for (int i = 0; i < z.length; i++) {
                z[i] = f.z(in[0][i], in[1][i]);
            }
            return z;
        }).backward((in, g) -> {
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
        }).build();
    }

    static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }
}

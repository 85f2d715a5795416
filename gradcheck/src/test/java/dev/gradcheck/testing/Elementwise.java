package dev.gradcheck.testing;

import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

/**
 * Test fixture: the lambdas of an elementwise function y_i = f(x_i) of one input, for
 * {@link LambdaOp.Builder} or {@link LambdaFunction#of}. Each backward returns the one input's
 * gradient, computed entry by entry exactly as written on its method (results are compared bit
 * for bit, so the order of the products matters).
 */
public final class Elementwise {
    private Elementwise() {
    }

    /** A backward entry from the input x, the output y = f(x) and the gradOutput g there. */
    @FunctionalInterface
    public interface EntryBackward {
        double dx(double x, double y, double g);
    }

    /** y_i = f(x_i). */
    public static LambdaFunction.Forward forward(DoubleUnaryOperator f) {
        return in -> {
            double[] y = new double[in[0].length];
            for (int i = 0; i < y.length; i++) {
                y[i] = f.applyAsDouble(in[0][i]);
            }
            return y;
        };
    }

    /** dx_i = g_i · df(x_i): the chain rule with the derivative as a function of the input. */
    public static LambdaFunction.Backward backward(DoubleUnaryOperator df) {
        return entries((x, g) -> g * df.applyAsDouble(x));
    }

    /** dx_i = g_i · d(x_i, y_i), y_i = f(x_i) computed again: the derivative from the input and the output. */
    public static LambdaFunction.Backward backwardWithOutput(DoubleUnaryOperator f, DoubleBinaryOperator d) {
        return backwardPerEntry(f, (x, y, g) -> g * d.applyAsDouble(x, y));
    }

    /** dx_i = back(x_i, y_i, g_i), y_i = f(x_i) computed again: any use of the gradOutput. */
    public static LambdaFunction.Backward backwardPerEntry(DoubleUnaryOperator f, EntryBackward back) {
        return entries((x, g) -> back.dx(x, f.applyAsDouble(x), g));
    }

    /** dx_i from x_i and g_i. */
    private static LambdaFunction.Backward entries(DoubleBinaryOperator dx) {
        return (in, g) -> {
            double[] d = new double[in[0].length];
            for (int i = 0; i < d.length; i++) {
                d[i] = dx.applyAsDouble(in[0][i], g[i]);
            }
            return new double[][] {d};
        };
    }
}

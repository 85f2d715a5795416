package dev.gradcheck.diagnosis;

import dev.gradcheck.CustomOp;
import dev.gradcheck.Domain;
import java.util.function.DoubleUnaryOperator;

/**
 * A test op y = f(x) over a [4, 8] input, its backward g·d(x, y) for a given local derivative d
 * (which may be wrong), optionally with a declared domain.
 */
final class Elementwise implements CustomOp {
    /** The local derivative as the backward computes it, from the input and the output. */
    @FunctionalInterface
    interface Derivative {
        double at(double x, double y);
    }

    private final String name;
    private final DoubleUnaryOperator f;
    private final Derivative d;
    private final Domain domain;
    private final int[] shape;

    Elementwise(String name, DoubleUnaryOperator f, Derivative d) {
        this(name, f, d, Domain.undeclared(), new int[] {4, 8});
    }

    Elementwise(String name, DoubleUnaryOperator f, Derivative d, Domain domain, int[] shape) {
        this.name = name;
        this.f = f;
        this.d = d;
        this.domain = domain;
        this.shape = shape;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int[][] inputShapes() {
        return new int[][] {shape};
    }

    @Override
    public Domain domain(int input) {
        return domain;
    }

    @Override
    public double[] forward(double[][] in) {
        double[] y = new double[in[0].length];
        for (int i = 0; i < y.length; i++) {
            y[i] = f.applyAsDouble(in[0][i]);
        }
        return y;
    }

    @Override
    public double[][] backward(double[][] in, double[] g) {
        double[] dx = new double[in[0].length];
        for (int i = 0; i < dx.length; i++) {
            double x = in[0][i];
            dx[i] = g[i] * d.at(x, f.applyAsDouble(x));
        }
        return new double[][] {dx};
    }

    static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }
}

package dev.gradcheck.draws;

import dev.gradcheck.CustomOp;
import dev.gradcheck.Domain;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleUnaryOperator;

/**
 * A correct elementwise op (y = f(x), dy = f'(x)) with a declared or undeclared domain, recording
 * every point its forward is first called at per check (the draws), for tests of the draws.
 */
final class RecordingOp implements CustomOp {
    final List<double[]> forwardPoints = new ArrayList<>();
    private final String name;
    private final int n;
    private final DoubleUnaryOperator f;
    private final DoubleUnaryOperator df;
    private final Domain domain;

    RecordingOp(String name, int n, DoubleUnaryOperator f, DoubleUnaryOperator df, Domain domain) {
        this.name = name;
        this.n = n;
        this.f = f;
        this.df = df;
        this.domain = domain;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int[][] inputShapes() {
        return new int[][] {{n}};
    }

    @Override
    public Domain domain(int input) {
        return domain;
    }

    @Override
    public synchronized double[] forward(double[][] in) {
        forwardPoints.add(in[0].clone());
        double[] y = new double[in[0].length];
        for (int i = 0; i < y.length; i++) {
            y[i] = f.applyAsDouble(in[0][i]);
        }
        return y;
    }

    @Override
    public double[][] backward(double[][] in, double[] g) {
        double[] d = new double[in[0].length];
        for (int i = 0; i < d.length; i++) {
            d[i] = g[i] * df.applyAsDouble(in[0][i]);
        }
        return new double[][] {d};
    }
}

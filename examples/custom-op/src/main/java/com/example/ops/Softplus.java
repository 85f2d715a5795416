package com.example.ops;

import dev.gradcheck.CustomOp;

/**
 * softplus(x) = log(1 + e^x), computed stably as PyTorch does: x itself above the threshold 20.
 * Its derivative is sigmoid(x).
 */
public class Softplus implements CustomOp {
    private static final double THRESHOLD = 20;

    @Override
    public String name() {
        return "softplus";
    }

    @Override
    public int[][] inputShapes() {
        return new int[][] {{4, 8}};
    }

    @Override
    public double[] forward(double[][] inputs) {
        double[] x = inputs[0];
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = x[i] > THRESHOLD ? x[i] : Math.log1p(Math.exp(x[i]));
        }
        return y;
    }

    @Override
    public double[][] backward(double[][] inputs, double[] gradOutput) {
        double[] x = inputs[0];
        double[] dx = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double sigmoid = 1 / (1 + Math.exp(-x[i]));
            dx[i] = gradOutput[i] * (x[i] > THRESHOLD ? 1 : sigmoid);
        }
        return new double[][] {dx};
    }
}

package com.example.ops;

import dev.gradcheck.CustomOp;

/** swish(x) = x · sigmoid(x) (SiLU); swish'(x) = s + x·s·(1 − s) with s = sigmoid(x). */
public class Swish implements CustomOp {
    @Override
    public String name() {
        return "swish";
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
            y[i] = x[i] / (1 + Math.exp(-x[i]));
        }
        return y;
    }

    @Override
    public double[][] backward(double[][] inputs, double[] gradOutput) {
        double[] x = inputs[0];
        double[] dx = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double s = 1 / (1 + Math.exp(-x[i]));
            dx[i] = gradOutput[i] * (s + x[i] * s * (1 - s));
        }
        return new double[][] {dx};
    }
}

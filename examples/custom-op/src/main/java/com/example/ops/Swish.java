package com.example.ops;

import dev.gradcheck.CustomOp;
import dev.gradcheck.ForwardDifferentiable;

/**
 * swish(x) = x · sigmoid(x) (SiLU); swish'(x) = s + x·s·(1 − s) with s = sigmoid(x). It has a
 * forward-mode rule too ({@link ForwardDifferentiable}), which the checks test beside the backward:
 * the JVP against numeric directional derivatives and the adjoint identity with the backward.
 */
public class Swish implements CustomOp, ForwardDifferentiable {
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

    /** The forward rule: d swish(x + t·v)/dt at 0 = swish'(x)·v, elementwise. */
    @Override
    public double[] jvp(double[][] inputs, double[][] tangents) {
        double[] x = inputs[0];
        double[] v = tangents[0];
        double[] dy = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double s = 1 / (1 + Math.exp(-x[i]));
            dy[i] = (s + x[i] * s * (1 - s)) * v[i];
        }
        return dy;
    }
}

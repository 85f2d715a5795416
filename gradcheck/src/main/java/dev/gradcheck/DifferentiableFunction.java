package dev.gradcheck;

/** A function of several flat (row-major) double arrays, with its vector-Jacobian product. */
public interface DifferentiableFunction {
    double[] forward(double[][] inputs);

    /** For each input i: d(sum_k gradOutput[k] * forward(inputs)[k]) / d inputs[i]. */
    double[][] backward(double[][] inputs, double[] gradOutput);
}

package dev.gradcheck.internal;

/**
 * A function that runs several backward passes on one recorded forward. The checker's scaling and
 * zero-gradOutput side checks test how the backward pass responds to gradOutput, so running the
 * forward again for each would test nothing more: they run on the forward of the first backward
 * call. The engine-function adapters implement this; a user's
 * {@link dev.gradcheck.DifferentiableFunction} is called once per gradOutput. (The determinism side
 * check still calls {@code backward} afresh, forward included.)
 */
public interface MultiBackward {
    /**
     * For each k, {@code backward(inputs, gradOutputs[k])}, bit for bit, from one forward at
     * {@code inputs}.
     */
    double[][][] backwardEach(double[][] inputs, double[]... gradOutputs);
}

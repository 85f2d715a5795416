package dev.gradcheck.internal;

/**
 * A function that runs several backward passes on one recorded forward. The checker's scaling and
 * zero-gradOutput side checks test how the backward pass responds to gradOutput, so running the
 * forward again for each would test nothing more: they run on the forward of the first backward
 * call. The engine-function adapters implement this; a user's
 * {@link dev.gradcheck.DifferentiableFunction} is called once per gradOutput. The determinism side
 * check calls {@code backward} afresh, forward included, unless {@link #deterministicForward}.
 */
public interface MultiBackward {
    /**
     * For each k, {@code backward(inputs, gradOutputs[k])}, bit for bit, from one forward at
     * {@code inputs}. The caller only reads the arrays returned (they may be an implementation's
     * own storage, shared between gradients).
     */
    double[][][] backwardEach(double[][] inputs, double[]... gradOutputs);

    /**
     * {@link #backwardEach(double[][], double[]...)} with the backward passes on up to
     * {@code threads} threads (the same results); the default runs them one after the other.
     */
    default double[][][] backwardEach(int threads, double[][] inputs, double[]... gradOutputs) {
        return backwardEach(inputs, gradOutputs);
    }

    /**
     * True when the forward is a deterministic function of the inputs by construction (a model
     * file's loss: every op is), so the determinism side check may repeat the backward pass on the
     * same forward, as PyTorch's gradcheck does; false (the default) when it must run the forward
     * again (a user's lambda may draw random numbers).
     */
    default boolean deterministicForward() {
        return false;
    }
}

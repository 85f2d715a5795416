package dev.gradcheck.internal;

/**
 * Marks a function that never writes to the arrays it is given (inputs and gradOutputs, in
 * {@code forward}, {@code backward}, {@link MultiBackward#backwardEach} and the
 * {@link dev.gradcheck.PerturbableFunction} evaluators' preparation) and keeps no reference to
 * them after a call returns: it copies what it keeps. The checker then passes it the point itself,
 * without the copies and the comparisons that catch a user's function writing to its inputs.
 *
 * <p>Only the checker's own adapters may implement this ({@link dev.gradcheck.EngineFunction} and
 * the model files' {@code IncrementalLoss}: both copy the arrays into tensors on entry); a user's
 * function keeps the mutation guard.
 */
public interface ReadOnlyInputs {
}

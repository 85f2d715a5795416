package dev.gradcheck.engine;

/**
 * An output and its tangent: the directional derivative of a function along given tangents
 * ({@link Autograd#jvp}).
 *
 * @param output the function's value at the inputs
 * @param tangent d/dt f(inputs + t·tangents) at t = 0, shaped like {@code output}
 */
public record Jvp(Tensor output, Tensor tangent) {
}

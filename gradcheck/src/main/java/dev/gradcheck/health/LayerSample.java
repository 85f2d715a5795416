package dev.gradcheck.health;

import dev.gradcheck.engine.Tensor;

/**
 * What the flow analysis needs of one layer.
 *
 * @param name the layer's name
 * @param op the op that made it (e.g. {@code tanh}, {@code relu}; null when unknown)
 * @param value its values
 * @param grad d loss / d value, or null when no gradient flows to it
 * @param next the layer that uses it (whose gradient its own comes from), or null
 */
public record LayerSample(String name, String op, Tensor value, Tensor grad, String next) {
}

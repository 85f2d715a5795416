package dev.gradcheck.health;

import dev.gradcheck.engine.Tensor;

/**
 * What the flow analysis needs of one param.
 *
 * @param name the param's name
 * @param layer the layer that uses it (may be null)
 * @param value its values
 * @param grad d loss / d param (null counts as zero)
 */
public record ParamSample(String name, String layer, Tensor value, Tensor grad) {
}

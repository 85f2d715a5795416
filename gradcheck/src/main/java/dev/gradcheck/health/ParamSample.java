package dev.gradcheck.health;

import dev.gradcheck.engine.Tensor;

/**
 * What the flow analysis needs of one param (or of an input differentiated with {@code --wrt}).
 *
 * @param name the param's name
 * @param layer the layer that uses it (may be null)
 * @param value its values
 * @param grad d loss / d param (null counts as zero)
 * @param input true for a model input rather than a param: it is not updated by a training step,
 *     so it has no update:data ratio and is named "input" in flags
 */
public record ParamSample(String name, String layer, Tensor value, Tensor grad, boolean input) {
    /** A param (not an input). */
    public ParamSample(String name, String layer, Tensor value, Tensor grad) {
        this(name, layer, value, grad, false);
    }
}

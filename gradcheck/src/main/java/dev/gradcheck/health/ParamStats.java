package dev.gradcheck.health;

import dev.gradcheck.engine.Shape;

/**
 * Gradient statistics of one param.
 *
 * @param name the param
 * @param layer the layer (node) that first uses it
 * @param shape its shape
 * @param gradNorm the L2 norm of its gradient
 * @param gradMeanAbs mean |grad|
 * @param gradMaxAbs max |grad|
 * @param dataNorm the L2 norm of its values
 * @param gradDataRatio {@code gradNorm / dataNorm} (NaN when the values are all zero)
 * @param updateDataRatio {@code lr * gradNorm / dataNorm} for one plain SGD step (NaN without a
 *     learning rate or with all-zero values)
 */
public record ParamStats(String name, String layer, Shape shape, double gradNorm, double gradMeanAbs,
        double gradMaxAbs, double dataNorm, double gradDataRatio, double updateDataRatio) {

    /** {@code log10(updateDataRatio)} (NaN when there is none). */
    public double updateDataLog10() {
        return Math.log10(updateDataRatio);
    }
}

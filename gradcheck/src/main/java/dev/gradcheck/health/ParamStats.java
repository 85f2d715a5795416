package dev.gradcheck.health;

import dev.gradcheck.engine.Shape;

/**
 * Gradient statistics of one param (or of an input differentiated with {@code --wrt}).
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
 *     learning rate, with all-zero values, or for an input)
 * @param input true for a model input rather than a param
 */
public record ParamStats(String name, String layer, Shape shape, double gradNorm, double gradMeanAbs,
        double gradMaxAbs, double dataNorm, double gradDataRatio, double updateDataRatio, boolean input) {

    /** The statistics of a param (not an input). */
    public ParamStats(String name, String layer, Shape shape, double gradNorm, double gradMeanAbs, double gradMaxAbs,
            double dataNorm, double gradDataRatio, double updateDataRatio) {
        this(name, layer, shape, gradNorm, gradMeanAbs, gradMaxAbs, dataNorm, gradDataRatio, updateDataRatio, false);
    }

    /** {@code log10(updateDataRatio)} (NaN when there is none). */
    public double updateDataLog10() {
        return Math.log10(updateDataRatio);
    }

    /** "param" or "input", as flags and reports name it. */
    public String kind() {
        return input ? "input" : "param";
    }
}

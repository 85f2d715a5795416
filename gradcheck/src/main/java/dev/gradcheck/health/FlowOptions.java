package dev.gradcheck.health;

/**
 * Thresholds of the flow flags. Every one is an option; {@link #defaults()} holds the values of
 * the detectors issue.
 *
 * @param saturationLevel an output y of a saturating op counts as saturated when y, mapped onto
 *     [-1, 1] from the op's output range, exceeds it in absolute value (tanh: {@code |y|}, sigmoid:
 *     {@code |2y - 1|}); default 0.97
 * @param saturatedShare a layer is flagged {@code saturated} when more than this share of its
 *     outputs are saturated; default 0.10
 * @param deadShare a ReLU layer is flagged {@code dead_relu} when more than this share of its units
 *     are never positive over the batch; default 0.50
 * @param explodingNorm a gradient norm above this is {@code exploding}; default 1e4
 * @param growth a layer's gradient norm more than this many times the next layer's is
 *     {@code exploding}; default 10
 * @param vanishingNorm a layer's gradient norm below this is {@code vanishing}; default 1e-7
 * @param shrink a layer's gradient norm more than this many times smaller than the next layer's is
 *     {@code vanishing}; default 10
 * @param lr the learning rate of one plain SGD step for the update:data ratio, or NaN for none
 * @param updateLow the lowest acceptable log10 of the update:data ratio; default -4
 * @param updateHigh the highest acceptable log10 of the update:data ratio; default -2
 * @param anomalyThreshold values with {@code |x|} above this count as an anomaly while
 *     evaluating (as {@link dev.gradcheck.engine.AnomalyMode}); default 1e10
 */
public record FlowOptions(double saturationLevel, double saturatedShare, double deadShare, double explodingNorm,
        double growth, double vanishingNorm, double shrink, double lr, double updateLow, double updateHigh,
        double anomalyThreshold) {

    public FlowOptions {
        positive("saturationLevel", saturationLevel);
        share("saturatedShare", saturatedShare);
        share("deadShare", deadShare);
        positive("explodingNorm", explodingNorm);
        if (!(growth > 1)) {
            throw new IllegalArgumentException("growth must be above 1, got " + growth);
        }
        if (!(vanishingNorm >= 0)) {
            throw new IllegalArgumentException("vanishingNorm must be 0 or more, got " + vanishingNorm);
        }
        if (!(shrink > 1)) {
            throw new IllegalArgumentException("shrink must be above 1, got " + shrink);
        }
        if (!Double.isNaN(lr) && !(lr > 0 && lr < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("lr must be positive and finite, got " + lr);
        }
        if (!(updateLow < updateHigh)) {
            throw new IllegalArgumentException("updateLow (" + updateLow + ") must be below updateHigh (" + updateHigh + ")");
        }
        positive("anomalyThreshold", anomalyThreshold);
    }

    private static void positive(String name, double v) {
        if (!(v > 0)) {
            throw new IllegalArgumentException(name + " must be positive, got " + v);
        }
    }

    private static void share(String name, double v) {
        if (!(v >= 0 && v < 1)) {
            throw new IllegalArgumentException(name + " must be in [0, 1), got " + v);
        }
    }

    /** The defaults: 0.97, 10%, 50%, 1e4, 10x, 1e-7, 10x, no lr, [-4, -2], 1e10. */
    public static FlowOptions defaults() {
        return new FlowOptions(0.97, 0.10, 0.50, 1e4, 10, 1e-7, 10, Double.NaN, -4, -2, 1e10);
    }

    /** True when a learning rate was given. */
    public boolean hasLr() {
        return !Double.isNaN(lr);
    }

    public FlowOptions withLr(double v) {
        return new FlowOptions(saturationLevel, saturatedShare, deadShare, explodingNorm, growth, vanishingNorm, shrink,
                v, updateLow, updateHigh, anomalyThreshold);
    }

    public FlowOptions withSaturation(double level, double share) {
        return new FlowOptions(level, share, deadShare, explodingNorm, growth, vanishingNorm, shrink, lr, updateLow,
                updateHigh, anomalyThreshold);
    }

    public FlowOptions withDeadShare(double share) {
        return new FlowOptions(saturationLevel, saturatedShare, share, explodingNorm, growth, vanishingNorm, shrink, lr,
                updateLow, updateHigh, anomalyThreshold);
    }

    public FlowOptions withExploding(double norm, double growthFactor) {
        return new FlowOptions(saturationLevel, saturatedShare, deadShare, norm, growthFactor, vanishingNorm, shrink, lr,
                updateLow, updateHigh, anomalyThreshold);
    }

    public FlowOptions withVanishing(double norm, double shrinkFactor) {
        return new FlowOptions(saturationLevel, saturatedShare, deadShare, explodingNorm, growth, norm, shrinkFactor, lr,
                updateLow, updateHigh, anomalyThreshold);
    }

    public FlowOptions withUpdateRange(double low, double high) {
        return new FlowOptions(saturationLevel, saturatedShare, deadShare, explodingNorm, growth, vanishingNorm, shrink,
                lr, low, high, anomalyThreshold);
    }

    public FlowOptions withAnomalyThreshold(double threshold) {
        return new FlowOptions(saturationLevel, saturatedShare, deadShare, explodingNorm, growth, vanishingNorm, shrink,
                lr, updateLow, updateHigh, threshold);
    }
}

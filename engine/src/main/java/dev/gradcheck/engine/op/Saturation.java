package dev.gradcheck.engine.op;

import java.util.Locale;

/**
 * The output range of a saturating op (tanh, sigmoid): near either end its gradient vanishes, so a
 * layer whose outputs crowd there learns slowly. Health checks ask an op for it instead of knowing
 * op names.
 *
 * @param low the infimum of the outputs (tanh: -1, sigmoid: 0)
 * @param high the supremum of the outputs (tanh: 1, sigmoid: 1)
 */
public record Saturation(double low, double high) {
    public Saturation {
        if (!(low < high)) {
            throw new IllegalArgumentException("saturation range must have low < high, got [" + low + ", " + high + "]");
        }
    }

    /** {@code y} mapped linearly onto [-1, 1]: |result| near 1 means saturated. */
    public double normalized(double y) {
        return (2 * y - low - high) / (high - low);
    }

    /** {@link #normalized} as an expression of the output {@code y}: {@code y}, {@code 2y-1}, … */
    public String normalizedText() {
        if (low == -1 && high == 1) {
            return "y";
        }
        if (low == 0 && high == 1) {
            return "2y-1";
        }
        return String.format(Locale.ROOT, "(2y-(%s))/(%s)", fmt(low + high), fmt(high - low));
    }

    private static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v) : String.valueOf(v);
    }
}

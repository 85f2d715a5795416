package dev.gradcheck.engine.op;

/**
 * Where an input's values may lie for the op to be defined and differentiable, and where to
 * draw test values from.
 *
 * @param low the lowest valid value (inclusive unless {@code openLow})
 * @param high the highest valid value
 * @param openLow whether {@code low} itself is excluded (log and sqrt at 0)
 * @param kinks points where the op is not differentiable (relu and abs at 0); test values keep
 *     away from them
 */
public record Domain(double low, double high, boolean openLow, double[] kinks) {
    /** Every real number. */
    public static final Domain REAL = new Domain(Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, false, new double[0]);
    /** Strictly positive numbers (log, sqrt). */
    public static final Domain POSITIVE = new Domain(0, Double.POSITIVE_INFINITY, true, new double[0]);
    /** [0, 1] (probabilities, targets of binary cross-entropy). */
    public static final Domain UNIT_INTERVAL = new Domain(0, 1, false, new double[0]);

    public Domain {
        kinks = kinks.clone();
    }

    /** Every real number, with kinks at the given points. */
    public static Domain realWithKinks(double... kinks) {
        return new Domain(Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, false, kinks);
    }

    /** True when {@code x} is in the domain. */
    public boolean contains(double x) {
        return (openLow ? x > low : x >= low) && x <= high;
    }

    /** The kink points (a copy). */
    @Override
    public double[] kinks() {
        return kinks.clone();
    }
}

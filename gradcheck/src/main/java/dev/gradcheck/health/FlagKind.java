package dev.gradcheck.health;

import java.util.Locale;

/** What a flow or sanity flag is about; the label is the word printed after {@code FLAG}. */
public enum FlagKind {
    /** A gradient norm above the bound, or growing too fast from one layer to the next. */
    EXPLODING,
    /** A gradient norm below the bound, or shrinking too fast from one layer to the next. */
    VANISHING,
    /** Too many ReLU units never positive over the batch. */
    DEAD_RELU,
    /** Too many tanh/sigmoid outputs in the flat tails. */
    SATURATED,
    /** A NaN appeared (the producing node is named). */
    NAN,
    /** An infinity appeared (the producing node is named). */
    INF,
    /**
     * A weight initialised far from the scale its fan-in calls for (or all zero): the cause of the
     * saturation, explosion or tiny update:data ratios after it, not the learning rate. Judged on
     * the initial values only.
     */
    INIT_SCALE,
    /**
     * A training run ({@code flow --steps}) that diverged: its params grew by orders of magnitude or
     * its loss did; flagged once, at the step it happened, the learning rate named as the cause.
     */
    DIVERGED;

    /**
     * {@code exploding}, {@code vanishing}, {@code dead_relu}, {@code saturated}, {@code nan}, {@code inf},
     * {@code init_scale}, {@code diverged}.
     */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}

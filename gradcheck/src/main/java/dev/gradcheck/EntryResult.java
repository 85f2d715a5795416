package dev.gradcheck;

import java.util.Arrays;

/**
 * One compared gradient entry: its multi-dimensional index in the input, the analytic and numeric
 * values, the allowed difference, and the numeric value's error estimate (NaN when the scheme did
 * not compute one).
 */
public final class EntryResult {
    private final int[] index;
    private final double analytic;
    private final double numeric;
    private final double tolerance;
    private final double errorEstimate;
    private final Status status;

    public EntryResult(int[] index, double analytic, double numeric, double tolerance, double errorEstimate,
            Status status) {
        this.index = index.clone();
        this.analytic = analytic;
        this.numeric = numeric;
        this.tolerance = tolerance;
        this.errorEstimate = errorEstimate;
        this.status = status;
    }

    /** The index in the input's shape (row-major). */
    public int[] index() {
        return index.clone();
    }

    public double analytic() {
        return analytic;
    }

    public double numeric() {
        return numeric;
    }

    /** The allowed |analytic − numeric|. */
    public double tolerance() {
        return tolerance;
    }

    /** The numeric value's own error estimate, or NaN. */
    public double errorEstimate() {
        return errorEstimate;
    }

    /** {@code |analytic − numeric|} (NaN when either is NaN). */
    public double absError() {
        return Math.abs(analytic - numeric);
    }

    /**
     * {@code |analytic − numeric| / max(|analytic|, |numeric|)} (0 when both are 0): at most 2,
     * and 0.5 for a factor of 2 either way; near-zero numeric values do not blow it up.
     */
    public double relError() {
        double d = absError();
        return d == 0 ? 0 : d / Math.max(Math.max(Math.abs(analytic), Math.abs(numeric)), Double.MIN_NORMAL);
    }

    /** {@link Status#PASS}, {@link Status#FAIL} or {@link Status#KINK}. */
    public Status status() {
        return status;
    }

    @Override
    public String toString() {
        return Arrays.toString(index) + " analytic " + analytic + " numeric " + numeric + " (" + status.label() + ")";
    }
}

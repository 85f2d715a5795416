package dev.gradcheck;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

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
    private final Map<String, Double> at;
    private final String reason;

    public EntryResult(int[] index, double analytic, double numeric, double tolerance, double errorEstimate,
            Status status) {
        this(index, analytic, numeric, tolerance, errorEstimate, status, Map.of(), null);
    }

    private EntryResult(int[] index, double analytic, double numeric, double tolerance, double errorEstimate,
            Status status, Map<String, Double> at, String reason) {
        this.at = at;
        this.reason = reason;
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
     * {@code |analytic − numeric| / max(|analytic|, |numeric|, tolerance)} (0 when both are
     * equal): at most 2, and 0.5 for a factor of 2 either way. The allowed difference in the
     * denominator keeps values that are both near zero (e.g. underflowed) from reading as a 100%
     * error: on a passing entry it is at most 1, and small unless the values are below the tolerance.
     */
    public double relError() {
        double d = absError();
        if (d == 0) {
            return 0;
        }
        double scale = Math.max(Math.abs(analytic), Math.abs(numeric));
        if (tolerance > scale) { // NaN tolerance does not widen the scale
            scale = tolerance;
        }
        return d / Math.max(scale, Double.MIN_NORMAL);
    }

    /**
     * The point's values at this entry, by input name: the entry's own input first, then every
     * other input of the same shape at the same index (empty when not recorded).
     */
    public Map<String, Double> at() {
        return at;
    }

    /** This entry with the point's values at it (see {@link #at()}), in the map's iteration order. */
    public EntryResult withAt(Map<String, Double> values) {
        return new EntryResult(index, analytic, numeric, tolerance, errorEstimate, status,
                Collections.unmodifiableMap(new LinkedHashMap<>(values)), reason);
    }

    /**
     * Why a {@link Status#SKIPPED skipped} entry was not judged, in words ({@code "low resolution:
     * …"}); null for an entry whose numeric estimate did not converge, and for judged entries.
     */
    public String reason() {
        return reason;
    }

    /** This entry with the reason it was skipped. */
    public EntryResult withReason(String why) {
        return new EntryResult(index, analytic, numeric, tolerance, errorEstimate, status, at, why);
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

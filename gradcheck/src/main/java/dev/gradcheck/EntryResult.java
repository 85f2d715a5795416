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
    private final double floor;
    private final Status status;
    private final Map<String, Double> at;
    private final String reason;

    public EntryResult(int[] index, double analytic, double numeric, double tolerance, double errorEstimate,
            Status status) {
        this(index, analytic, numeric, tolerance, errorEstimate, tolerance, status, Map.of(), null);
    }

    private EntryResult(int[] index, double analytic, double numeric, double tolerance, double errorEstimate,
            double floor, Status status, Map<String, Double> at, String reason) {
        this.floor = floor;
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
     * The part of the {@link #tolerance() allowed difference} that does not grow with the values:
     * the absolute tolerance (plus, for the error-model tolerance, the safety factor times the
     * error estimate). An entry made with the public constructor counts its whole tolerance.
     */
    public double floor() {
        return floor;
    }

    /** This entry with the given {@link #floor()}. */
    public EntryResult withFloor(double newFloor) {
        return new EntryResult(index, analytic, numeric, tolerance, errorEstimate, newFloor, status, at, reason);
    }

    /**
     * {@code |analytic − numeric| / max(|analytic|, |numeric|, floor)} (0 when both are equal): at
     * most 2, and 0.5 for a factor of 2 either way, whatever the tolerance. The {@link #floor()} in
     * the denominator keeps values that are both near zero (e.g. underflowed) from reading as a
     * 100% error; the relative part of the tolerance stays out of it, so a loose {@code rtol} does
     * not shrink the figure.
     */
    public double relError() {
        double d = absError();
        if (d == 0) {
            return 0;
        }
        double scale = Math.max(Math.abs(analytic), Math.abs(numeric));
        if (floor > scale) { // a NaN floor does not widen the scale
            scale = floor;
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
        return new EntryResult(index, analytic, numeric, tolerance, errorEstimate, floor, status,
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
        return new EntryResult(index, analytic, numeric, tolerance, errorEstimate, floor, status, at, why);
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

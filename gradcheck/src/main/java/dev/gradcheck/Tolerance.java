package dev.gradcheck;

import java.util.Locale;

/**
 * When an analytic value {@code a} is close enough to a numeric value {@code n}.
 *
 * <ul>
 *   <li>{@link #pytorch()}: {@code |a − n| ≤ atol + rtol·|n|} with PyTorch's defaults (atol 1e-5,
 *       rtol 1e-3): lets any gradient wrong by less than ~0.1% through. Opt-in
 *       ({@code --tolerance pytorch}).</li>
 *   <li>{@link #model()}, the float64 default: {@code |a − n| ≤ safety·e + rtolFloor·|n| + atolFloor},
 *       where {@code e} is the numeric value's own error estimate: truncation (from Ridders'
 *       Richardson tableau, or stencils at two steps) plus round-off (cancellation in φ,
 *       unit-roundoff·Σ|u_k·f_k|/step, which covers projecting many outputs onto one number).
 *       With {@link Scheme#RIDDERS} (chosen with it by default) errors down to ~1e-8 relative
 *       are visible; see docs/sensitivity.md.</li>
 * </ul>
 */
public final class Tolerance {
    /** The two families of tolerance. */
    public enum Kind {
        PYTORCH("pytorch"), MODEL("model");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        /** {@code pytorch} or {@code model}, as the CLI option spells it. */
        public String label() {
            return label;
        }
    }

    private final Kind kind;
    private final double atol;
    private final double rtol;
    private final double safety;
    /** The default model's floor, which shrinks at a point of small magnitude ({@link #atPointOfScale}). */
    private final boolean floorFollowsPoint;

    private Tolerance(Kind kind, double atol, double rtol, double safety) {
        this(kind, atol, rtol, safety, false);
    }

    private Tolerance(Kind kind, double atol, double rtol, double safety, boolean floorFollowsPoint) {
        // an infinite tolerance passes any gradient: refused like a negative one
        if (!finiteNonNegative(atol) || !finiteNonNegative(rtol) || !finiteNonNegative(safety)) {
            throw new IllegalArgumentException("tolerance: atol, rtol and safety must be finite and >= 0, got " + atol
                    + ", " + rtol + ", " + safety);
        }
        this.kind = kind;
        this.atol = atol;
        this.rtol = rtol;
        this.safety = safety;
        this.floorFollowsPoint = floorFollowsPoint;
    }

    private static boolean finiteNonNegative(double x) {
        return x >= 0 && x < Double.POSITIVE_INFINITY;
    }

    /** PyTorch's defaults: atol 1e-5, rtol 1e-3. */
    public static Tolerance pytorch() {
        return pytorch(1e-5, 1e-3);
    }

    /** {@code |a − n| ≤ atol + rtol·|n|}. */
    public static Tolerance pytorch(double atol, double rtol) {
        return new Tolerance(Kind.PYTORCH, atol, rtol, 0);
    }

    /**
     * The error-model tolerance with safety 10, relative floor 1e-8 and absolute floor 1e-12, the
     * floor scaled down at a point whose entries are all smaller than 1 ({@link #atPointOfScale}).
     */
    public static Tolerance model() {
        return new Tolerance(Kind.MODEL, 1e-12, 1e-8, 10, true);
    }

    /** {@code |a − n| ≤ safety·estimate + rtolFloor·|n| + atolFloor}. */
    public static Tolerance model(double safety, double rtolFloor, double atolFloor) {
        return new Tolerance(Kind.MODEL, atolFloor, rtolFloor, safety);
    }

    /** The tolerance named {@code pytorch} or {@code model} (the CLI's {@code --tolerance}), with defaults. */
    public static Tolerance named(String name) {
        switch (name.toLowerCase(Locale.ROOT)) {
            case "pytorch": return pytorch();
            case "model": return model();
            default: throw new IllegalArgumentException("unknown tolerance '" + name + "': expected pytorch or model");
        }
    }

    public Kind kind() {
        return kind;
    }

    /** The absolute term (atol, or the model's absolute floor). */
    public double atol() {
        return atol;
    }

    /** The relative term (rtol, or the model's relative floor). */
    public double rtol() {
        return rtol;
    }

    /** The multiple of the error estimate allowed (0 for {@link Kind#PYTORCH}). */
    public double safety() {
        return safety;
    }

    /** True when this tolerance needs the scheme's error estimate. */
    public boolean needsEstimate() {
        return kind == Kind.MODEL;
    }

    /**
     * The largest allowed {@code |analytic − numeric|}.
     *
     * @param errorEstimate the numeric value's error estimate (ignored by {@link Kind#PYTORCH};
     *     a NaN estimate counts as infinitely uncertain for {@link Kind#MODEL})
     */
    public double allowed(double numeric, double errorEstimate) {
        double base = atol + rtol * Math.abs(numeric);
        if (kind == Kind.PYTORCH) {
            return base;
        }
        return base + safety * (Double.isNaN(errorEstimate) ? Double.POSITIVE_INFINITY : errorEstimate);
    }

    /**
     * The tolerance at a point whose largest |entry| is {@code scale}: for {@link #model()}, its
     * absolute floor times {@code scale} when {@code 0 < scale < 1}; otherwise this one. The floor
     * stands for the analytic side's own rounding, whose terms shrink with the point: at entries of
     * ~1e-6 a fixed 1e-12 would let a gradient of ~1e-12 be wrong by any factor. A floor set
     * explicitly ({@link #model(double, double, double)}, {@link #with}) is kept as given.
     */
    public Tolerance atPointOfScale(double scale) {
        if (!floorFollowsPoint || !(scale > 0 && scale < 1)) {
            return this;
        }
        return new Tolerance(kind, atol * scale, rtol, safety, false);
    }

    /**
     * A copy with other absolute and relative terms (the CLI's {@code --atol}/{@code --rtol}); an
     * absolute floor given anew is kept as given at every point.
     */
    public Tolerance with(double newAtol, double newRtol) {
        return new Tolerance(kind, newAtol, newRtol, safety, floorFollowsPoint && newAtol == atol);
    }

    @Override
    public String toString() {
        return kind == Kind.PYTORCH
                ? String.format(Locale.ROOT, "pytorch(atol=%s, rtol=%s)", atol, rtol)
                : String.format(Locale.ROOT, "model(safety=%s, rtol=%s, atol=%s)", safety, rtol, atol);
    }
}

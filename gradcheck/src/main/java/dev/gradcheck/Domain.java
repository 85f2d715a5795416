package dev.gradcheck;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The values one input of a {@link CustomOp} may take, declared by {@link CustomOp#domain(int)}:
 * the checker's draws then stay inside it at every magnitude. Immutable.
 *
 * <ul>
 *   <li>{@link #reals()}: any real; draws are {@code magnitude · N(0, 1)}.</li>
 *   <li>{@link #atLeast}, {@link #greaterThan}, {@link #atMost}, {@link #lessThan}: a half-line;
 *       draws are the bound plus (or minus) {@code magnitude · max(|N(0, 1)|, 0.01)}, so they keep
 *       1% of the magnitude away from the bound, where many derivatives blow up (acosh at 1).</li>
 *   <li>{@link #between}: an open interval; draws are uniform over its inner 98%, at every
 *       magnitude (an interval does not grow).</li>
 *   <li>{@link #integers}: integer values in a closed range, drawn uniformly; such an input is
 *       not differentiated (its result is {@code skipped}).</li>
 * </ul>
 *
 * <p>An op that declares no domain ({@link #undeclared()}, the default) is drawn over the reals,
 * and a draw at which its forward is not finite is re-drawn (fresh draws, alternately as drawn and
 * as |x|) up to 10 times before that draw is skipped. An op whose forward is not finite inside its
 * declared domain is checked anyway, and the error says so.
 */
public final class Domain {
    private enum Kind { UNDECLARED, REALS, ABOVE, BELOW, BETWEEN, INTEGERS }

    /** Draws keep this share of the magnitude (of the width, for intervals) away from a bound. */
    private static final double MARGIN = 0.01;

    private static final Domain UNDECLARED = new Domain(Kind.UNDECLARED, Double.NEGATIVE_INFINITY,
            Double.POSITIVE_INFINITY, false);
    private static final Domain REALS = new Domain(Kind.REALS, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY,
            false);

    private final Kind kind;
    private final double lo;
    private final double hi;
    private final boolean closed;

    private Domain(Kind kind, double lo, double hi, boolean closed) {
        this.kind = kind;
        this.lo = lo;
        this.hi = hi;
        this.closed = closed;
    }

    /** No declaration: drawn over the reals, re-drawn where the forward is not finite. */
    public static Domain undeclared() {
        return UNDECLARED;
    }

    /** Every real number (declared: a forward that is not finite is the op's problem, not the draw's). */
    public static Domain reals() {
        return REALS;
    }

    /** {@code x ≥ lo}. */
    public static Domain atLeast(double lo) {
        return new Domain(Kind.ABOVE, finite(lo, "lo"), Double.POSITIVE_INFINITY, true);
    }

    /** {@code x > lo}. */
    public static Domain greaterThan(double lo) {
        return new Domain(Kind.ABOVE, finite(lo, "lo"), Double.POSITIVE_INFINITY, false);
    }

    /** {@code x ≤ hi}. */
    public static Domain atMost(double hi) {
        return new Domain(Kind.BELOW, Double.NEGATIVE_INFINITY, finite(hi, "hi"), true);
    }

    /** {@code x < hi}. */
    public static Domain lessThan(double hi) {
        return new Domain(Kind.BELOW, Double.NEGATIVE_INFINITY, finite(hi, "hi"), false);
    }

    /** {@code lo < x < hi}. */
    public static Domain between(double lo, double hi) {
        if (!(finite(lo, "lo") < finite(hi, "hi"))) {
            throw new IllegalArgumentException("between(" + lo + ", " + hi + "): lo must be below hi");
        }
        return new Domain(Kind.BETWEEN, lo, hi, false);
    }

    /** The integers {@code lo, lo + 1, …, hi}; an input with this domain is not differentiated. */
    public static Domain integers(long lo, long hi) {
        if (lo > hi) {
            throw new IllegalArgumentException("integers(" + lo + ", " + hi + "): lo must not be above hi");
        }
        if (Math.abs((double) lo) > 1L << 53 || Math.abs((double) hi) > 1L << 53) {
            throw new IllegalArgumentException("integers(" + lo + ", " + hi + "): bounds beyond 2^53 are not exact doubles");
        }
        return new Domain(Kind.INTEGERS, lo, hi, true);
    }

    private static double finite(double v, String what) {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException(what + " must be finite, got " + v);
        }
        return v;
    }

    /** True when the op declared nothing (the default of {@link CustomOp#domain(int)}). */
    public boolean isUndeclared() {
        return kind == Kind.UNDECLARED;
    }

    /** True for {@link #integers}: the input is not differentiated. */
    public boolean isInteger() {
        return kind == Kind.INTEGERS;
    }

    /** Whether {@code x} lies in the domain (any real for an undeclared one). */
    public boolean contains(double x) {
        switch (kind) {
            case UNDECLARED:
            case REALS:
                return !Double.isNaN(x);
            case ABOVE:
                return closed ? x >= lo : x > lo;
            case BELOW:
                return closed ? x <= hi : x < hi;
            case BETWEEN:
                return x > lo && x < hi;
            default:
                return x >= lo && x <= hi && x == Math.rint(x);
        }
    }

    /**
     * One value drawn from the domain at the given typical magnitude (see the class comment).
     *
     * @param rng the draw's generator (one or two values taken)
     */
    public double draw(SplittableRandom rng, double magnitude) {
        switch (kind) {
            case ABOVE:
                return lo + magnitude * Math.max(Math.abs(rng.nextGaussian()), MARGIN);
            case BELOW:
                return hi - magnitude * Math.max(Math.abs(rng.nextGaussian()), MARGIN);
            case BETWEEN: {
                double w = hi - lo;
                return lo + w * (MARGIN + (1 - 2 * MARGIN) * rng.nextDouble());
            }
            case INTEGERS:
                return lo + (double) rng.nextLong((long) hi - (long) lo + 1);
            default:
                return magnitude * rng.nextGaussian();
        }
    }

    /** E.g. {@code x ≥ 1}, {@code 0 < x < 1}, {@code integer in [0, 9]}, {@code any real}. */
    @Override
    public String toString() {
        switch (kind) {
            case UNDECLARED:
                return "undeclared";
            case REALS:
                return "any real";
            case ABOVE:
                return "x " + (closed ? "≥ " : "> ") + num(lo);
            case BELOW:
                return "x " + (closed ? "≤ " : "< ") + num(hi);
            case BETWEEN:
                return num(lo) + " < x < " + num(hi);
            default:
                return "integer in [" + (long) lo + ", " + (long) hi + "]";
        }
    }

    private static String num(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : String.format(Locale.ROOT, "%s", v);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Domain)) {
            return false;
        }
        Domain d = (Domain) o;
        return kind == d.kind && Double.compare(lo, d.lo) == 0 && Double.compare(hi, d.hi) == 0 && closed == d.closed;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(kind, lo, hi, closed);
    }
}

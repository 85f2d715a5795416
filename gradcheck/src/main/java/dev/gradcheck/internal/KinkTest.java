package dev.gradcheck.internal;

import dev.gradcheck.Tolerance;

/**
 * Whether a failing entry sits at a kink (a non-differentiable point, not a failure): the
 * one-sided differences at the estimate's steps disagree beyond the tolerance, the analytic value
 * lies between them, and at smaller steps either the jump persists (a kink right at the point) or
 * the sides agree again with the analytic value (a kink within one step of it).
 */
final class KinkTest {
    /** Round-off grows as the step shrinks; a small share of the gap covers it. */
    private static final double ROUNDOFF_SLACK = 1e-3;

    private KinkTest() {
    }

    /**
     * For a smooth function the gap shrinks fourfold with the step and the finer central
     * difference still disagrees with a wrong analytic value, so a wrong gradient is not excused as
     * a kink.
     */
    static boolean atKink(FiniteDifference sides, Tolerance tol, Line line, Numeric num, double phi0,
            double analytic, double allowed) {
        double[] lr = sides.sides(line, num, phi0);
        double l = lr[0];
        double r = lr[1];
        double gap = Math.abs(r - l);
        // the one-sided differences carry round-off of their own (larger than the central value's
        // tolerance): a subgradient at an end of [l, r] (relu'(0) = 1, |x|'(0) = 1) is still between
        double between = allowed + ROUNDOFF_SLACK * gap;
        if (!(gap > allowed) || analytic < Math.min(l, r) - between || analytic > Math.max(l, r) + between) {
            return false;
        }
        // shrink the step fourfold up to three times: a kink at distance δ < h from the point
        // drops out of the stencil once the step is below δ; one right at the point keeps its jump
        Sides k = new Sides(num.hPlus, num.hMinus, l, r);
        for (int level = 0; level < 3; level++) {
            k = k.quarter(line, phi0);
            if (k == null) {
                return true;
            }
            // a kink's one-sided differences settle to the one-sided derivatives; noise in φ
            // makes them wander (by noise/h) as the step shrinks, which is no kink
            if (Math.abs(k.gap()) > 0.5 * gap && Math.abs(k.left - l) <= 0.25 * gap
                    && Math.abs(k.right - r) <= 0.25 * gap) {
                return true;
            }
            if (Math.abs(analytic - k.central()) <= tol.allowed(k.central(), num.error) + ROUNDOFF_SLACK * gap) {
                return true;
            }
        }
        return false;
    }

    /** The one-sided differences of a line at 0 with steps hPlus and hMinus. */
    private record Sides(double hPlus, double hMinus, double left, double right) {
        /** The same at a quarter of the steps, or null when they round to 0. */
        Sides quarter(Line line, double phi0) {
            double hp = line.snap(hPlus / 4);
            double hm = -line.snap(-hMinus / 4);
            if (!(hp > 0) || !(hm > 0)) {
                return null;
            }
            return new Sides(hp, hm, (phi0 - line.at(-hm)) / hm, (line.at(hp) - phi0) / hp);
        }

        double gap() {
            return right - left;
        }

        /** The central difference: the steps' weighted mean of the two sides. */
        double central() {
            return (hMinus * left + hPlus * right) / (hPlus + hMinus);
        }
    }

    /**
     * A failing entry on a smooth stretch after all: the one-sided differences' gap shrinks about
     * fourfold with each fourfold smaller step (curvature, f''·h, not a jump) at every level up to
     * one whose central difference agrees with the analytic value
     * within its own error (Richardson's (c_prev − c)/15 plus round-off; no slack for a kink), while
     * the estimate, when {@code settled}, does not. The first estimate then missed the derivative
     * (a tableau that never settled, or settled by accident), and this one, returned, replaces it:
     * the entry passes without being called a kink. Null otherwise.
     */
    static Numeric smoothAtFinerSteps(FiniteDifference fd, Tolerance tol, Line line, Numeric num, double phi0,
            double analytic, boolean settled) {
        double[] lr = fd.sides(line, num, phi0);
        Sides previous = new Sides(num.hPlus, num.hMinus, lr[0], lr[1]);
        for (int level = 0; level < 3; level++) {
            Sides k = previous.quarter(line, phi0);
            double ratio = k == null ? Double.NaN : previous.gap() / k.gap();
            if (!(ratio >= 3 && ratio <= 5)) {
                return null;
            }
            double ck = k.central();
            double error = Math.abs(previous.central() - ck) / 15
                    + 4 * fd.unitRoundoff() * FiniteDifference.scaleOf(line, fd) / Math.min(k.hPlus, k.hMinus);
            // a settled estimate only where this one contradicts it: a wrong analytic value that the
            // tableau resolved finer than this central difference can keeps its failure
            double within = tol.allowed(ck, error);
            if (Math.abs(analytic - ck) <= within && (!settled || !(Math.abs(num.value - ck) <= within))) {
                return new Numeric(ck, error, Double.NaN, Double.NaN, k.hPlus, k.hMinus);
            }
            previous = k;
        }
        return null;
    }
}

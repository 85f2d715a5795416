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
        double hp = num.hPlus;
        double hm = num.hMinus;
        for (int level = 0; level < 3; level++) {
            hp = line.snap(hp / 4);
            hm = -line.snap(-hm / 4);
            if (!(hp > 0) || !(hm > 0)) {
                return true;
            }
            double lk = (phi0 - line.at(-hm)) / hm;
            double rk = (line.at(hp) - phi0) / hp;
            // a kink's one-sided differences settle to the one-sided derivatives; noise in φ
            // makes them wander (by noise/h) as the step shrinks, which is no kink
            if (Math.abs(rk - lk) > 0.5 * gap && Math.abs(lk - l) <= 0.25 * gap && Math.abs(rk - r) <= 0.25 * gap) {
                return true;
            }
            double ck = (hm * lk + hp * rk) / (hp + hm);
            if (Math.abs(analytic - ck) <= tol.allowed(ck, num.error) + ROUNDOFF_SLACK * gap) {
                return true;
            }
        }
        return false;
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
        double gap = lr[1] - lr[0];
        double central = (num.hMinus * lr[0] + num.hPlus * lr[1]) / (num.hPlus + num.hMinus);
        double hp = num.hPlus;
        double hm = num.hMinus;
        for (int level = 0; level < 3; level++) {
            hp = line.snap(hp / 4);
            hm = -line.snap(-hm / 4);
            if (!(hp > 0) || !(hm > 0)) {
                break;
            }
            double lk = (phi0 - line.at(-hm)) / hm;
            double rk = (line.at(hp) - phi0) / hp;
            double gapK = rk - lk;
            double ratio = gap / gapK;
            if (!(ratio >= 3 && ratio <= 5)) {
                break;
            }
            double ck = (hm * lk + hp * rk) / (hp + hm);
            double error = Math.abs(central - ck) / 15
                    + 4 * fd.unitRoundoff() * FiniteDifference.scaleOf(line, fd) / Math.min(hp, hm);
            // a settled estimate only where this one contradicts it: a wrong analytic value that the
            // tableau resolved finer than this central difference can keeps its failure
            double within = tol.allowed(ck, error);
            if (Math.abs(analytic - ck) <= within && (!settled || !(Math.abs(num.value - ck) <= within))) {
                return new Numeric(ck, error, Double.NaN, Double.NaN, hp, hm);
            }
            gap = gapK;
            central = ck;
        }
        return null;
    }
}

package dev.gradcheck.internal;

import dev.gradcheck.Scheme;

/**
 * Finite-difference derivatives of a {@link Line} at t = 0, each with an error estimate made of
 * a truncation part (from the scheme itself) and a round-off part (unit roundoff · |φ| / step).
 */
public final class FiniteDifference {
    private static final double CON = 1.4;
    private static final double CON2 = CON * CON;
    private static final int NTAB = 10;
    private static final double SAFE = 2.0;
    /** Round-off of one φ evaluation, in units of unit-roundoff·|φ| (forward passes lose a few digits). */
    private static final double ROUNDOFF_ULPS = 8.0;

    private final double unitRoundoff;
    private final double phiScale;

    /**
     * @param unitRoundoff the precision's unit roundoff
     * @param phiScale Σ|gradOutput_k · f_k(x)|, the magnitude whose round-off pollutes φ
     */
    public FiniteDifference(double unitRoundoff, double phiScale) {
        this.unitRoundoff = unitRoundoff;
        this.phiScale = Math.max(phiScale, Double.MIN_NORMAL);
    }

    /**
     * The derivative of {@code line} at 0.
     *
     * @param h the small step (eps·max(1, |x|))
     * @param riddersH Ridders' initial step
     * @param estimate whether to spend extra evaluations on a truncation estimate (central scheme)
     */
    public Numeric derivative(Line line, Scheme scheme, double h, double riddersH, boolean estimate) {
        switch (scheme) {
            case FIVE_POINT:
                return fivePoint(line, h);
            case RIDDERS:
                return ridders(line, h, riddersH);
            default:
                return central(line, h, estimate);
        }
    }

    /** Σ|gradOutput_k · f_k(x)|, the magnitude whose round-off pollutes φ. */
    public double phiScale() {
        return phiScale;
    }

    /** The unit roundoff of the precision. */
    public double unitRoundoff() {
        return unitRoundoff;
    }

    /**
     * The scale of a line's round-off: Σ|uₖ·fₖ| over the outputs its evaluations moved, when the
     * line knows it ({@link Line#scale()}), else over every output.
     */
    static double scaleOf(Line line, FiniteDifference fd) {
        double s = line.scale();
        return Double.isNaN(s) ? fd.phiScale : s;
    }

    private double roundoff(Line line, double stepSum) {
        return 2 * ROUNDOFF_ULPS * unitRoundoff * scaleOf(line, this) / stepSum;
    }

    /**
     * The central difference at step h with an error estimate that measures φ's own noise along
     * the line (see {@link #adaptive}'s anchor): for FAST mode's projections, whose φ sums many
     * entries and can cancel far below the unit-roundoff model.
     */
    public Numeric measured(Line line, double h) {
        return anchor(line, h);
    }

    private Numeric central(Line line, double h, boolean estimate) {
        double hp = line.snap(h);
        double hm = -line.snap(-h);
        double fp = line.at(hp);
        double fm = line.at(-hm);
        double d = (fp - fm) / (hp + hm);
        double err = Double.NaN;
        if (estimate) {
            double hp2 = line.snap(2 * h);
            double hm2 = -line.snap(-2 * h);
            double d2 = (line.at(hp2) - line.at(-hm2)) / (hp2 + hm2);
            // Richardson: D(h) − f' ≈ (D(2h) − D(h)) / 3
            err = Math.abs(d2 - d) / 3 + roundoff(line, hp + hm);
        }
        return new Numeric(d, err, fp, fm, hp, hm);
    }

    private Numeric fivePoint(Line line, double h) {
        double hs = line.snap(h);
        double fp = line.at(hs);
        double fm = line.at(-hs);
        double fp2 = line.at(2 * hs);
        double fm2 = line.at(-2 * hs);
        double d = (8 * (fp - fm) - (fp2 - fm2)) / (12 * hs);
        double dc = (fp - fm) / (2 * hs);
        // |D5 − Dc| bounds Dc's truncation error, a safe upper bound for D5's
        double err = Math.abs(d - dc) + roundoff(line, 2 * hs) * 1.5;
        return new Numeric(d, err, fp, fm, hs, hs);
    }

    /** Ridders' method (Numerical Recipes' dfridr): a tableau of Richardson extrapolations. */
    private Numeric ridders(Line line, double h, double riddersH) {
        double[][] a = new double[NTAB][NTAB];
        double hh = riddersH;
        double hp = line.snap(hh);
        double hm = -line.snap(-hh);
        a[0][0] = (line.at(hp) - line.at(-hm)) / (hp + hm);
        double err = Double.MAX_VALUE;
        double ans = a[0][0];
        double lastStep = hp + hm;
        for (int i = 1; i < NTAB; i++) {
            hh /= CON;
            hp = line.snap(hh);
            hm = -line.snap(-hh);
            lastStep = hp + hm;
            a[0][i] = (line.at(hp) - line.at(-hm)) / lastStep;
            double fac = CON2;
            for (int j = 1; j <= i; j++) {
                a[j][i] = (a[j - 1][i] * fac - a[j - 1][i - 1]) / (fac - 1);
                fac *= CON2;
                double errt = Math.max(Math.abs(a[j][i] - a[j - 1][i]), Math.abs(a[j][i] - a[j - 1][i - 1]));
                if (errt <= err) {
                    err = errt;
                    ans = a[j][i];
                }
            }
            if (Math.abs(a[i][i] - a[i - 1][i - 1]) >= SAFE * err) {
                break;
            }
        }
        if (!Double.isFinite(ans)) {
            err = Double.NaN;
        }
        // φ(±h) at the small step, for one-sided differences at kinks
        double sp = line.snap(h);
        double sm = -line.snap(-h);
        return new Numeric(ans, err + roundoff(line, lastStep), Double.NaN, Double.NaN, sp, sm);
    }

    /** Relative error below which an estimate counts as settled (the check could see 1e-6 errors). */
    static final double SETTLED = 1e-7;
    /** Initial steps tried (each a tenth of the previous) before giving up. */
    static final int SHRINKS = 5;
    /** Two tableaux agree when their values differ by at most this multiple of their summed errors. */
    private static final double AGREE = 10;

    /** The anchor only has to expose tableaux that are far off: a loose relative agreement. */
    private static final double ANCHOR_REL = 1e-4;

    /**
     * Ridders' method with adaptive step selection. A small-step central difference (step
     * {@code h}, with an error estimate) anchors the search: it measures the derivative at the
     * point itself, if only roughly (its round-off can be systematic, e.g. when the rounding
     * errors of φ at equally spaced points lie on a line). Ridders' tableau starts at
     * {@code startStep} (safe for the entry's magnitude) and its initial step shrinks tenfold
     * until the tableau settles (error below {@link #SETTLED} relative to
     * {@code max(|value|, gradScale)}) and agrees with the anchor to within their errors plus
     * {@value #ANCHOR_REL} relative. A tableau alone is not trusted: when the function varies on a
     * finer scale than the steps (curvature, oscillation, a sharp feature, a kink nearby) its
     * entries can agree with each other by accident, far from the derivative. When no tableau
     * passes, the estimate with the smallest error is returned with {@link Numeric#converged()}
     * false.
     *
     * @param gradScale the typical gradient magnitude of the input (its largest |analytic| entry)
     */
    public Numeric adaptive(Line line, double h, double startStep, double gradScale) {
        Numeric anchor = anchor(line, h);
        double anchorSlack = 2 * ROUNDOFF_ULPS * unitRoundoff * phiScale / (anchor.hPlus + anchor.hMinus);
        Numeric best = anchor;
        // a first step safe for the function's curvature too: about half the length over which
        // the derivative changes by its own size, |φ'| / |φ''|, when the second difference at
        // the anchor's step stands clearly above its noise; never below startStep/1000
        double start = startStep;
        double length = Math.max(Math.abs(anchor.value), gradScale) / anchor.curvature;
        if (length > 0 && Double.isFinite(length)) {
            start = Math.max(Math.min(startStep, 0.5 * length), startStep * 1e-3);
        }
        for (int k = 0; k < SHRINKS; k++) {
            Numeric n = ridders(line, h, start);
            n = new Numeric(n.value, n.error, n.phiPlus, n.phiMinus, n.hPlus, n.hMinus, true, start);
            // the anchor is a loose check on tableaux that agree among themselves by accident: its
            // slack counts every output's rounding, as the anchor's tiny steps can also sit below
            // the resolution of an output computed with cancellation (then it measures a frozen
            // part of the function: gelu's tanh near -1)
            double agree = AGREE * (n.error + anchor.error + anchorSlack)
                    + ANCHOR_REL * Math.max(Math.abs(anchor.value), Math.abs(n.value));
            if (settled(n, gradScale) && Math.abs(n.value - anchor.value) <= agree) {
                return n;
            }
            if (!(best.error <= n.error) && !Double.isNaN(n.error)) {
                best = n;
            }
            start /= 10;
        }
        return best.withConverged(false);
    }

    /** Off-lattice points (in units of h) where φ is compared with the stencil's interpolant. */
    private static final double[] PROBES = {-1.37, 0.61};

    /**
     * The central difference at step h with an error estimate that also measures the noise of φ
     * itself: Richardson's |D(2h) − D(h)|/3, plus the noise seen at the five points −2h … 2h and
     * at two points off that lattice, divided by the step. The noise is the fourth difference and
     * the distance of φ at the off-lattice points from the quartic through the five: at such small
     * steps both are round-off (the smooth part contributes ~h⁵ times the fifth derivative).
     * Cancellation inside the function, which the unit-roundoff model ε·Σ|u·f|/h cannot see, is
     * so accounted for, including rounding errors that lie on a line over the equally spaced
     * points (then the fourth difference alone is zero but the off-lattice points are not).
     */
    private Numeric anchor(Line line, double h) {
        double hp = line.snap(h);
        double hm = -line.snap(-h);
        double hp2 = line.snap(2 * h);
        double hm2 = -line.snap(-2 * h);
        double f0 = line.at(0);
        double fp = line.at(hp);
        double fm = line.at(-hm);
        double fp2 = line.at(hp2);
        double fm2 = line.at(-hm2);
        double d = (fp - fm) / (hp + hm);
        double d2 = (fp2 - fm2) / (hp2 + hm2);
        double noise = Math.abs(fp2 - 4 * fp + 6 * f0 - 4 * fm + fm2) / 6;
        double[] nodes = {-2, -1, 0, 1, 2};
        double[] values = {fm2, fm, f0, fp, fp2};
        for (double s : PROBES) {
            double t = line.snap(s * h);
            double p = 0;
            double u = t / h;
            for (int a = 0; a < 5; a++) {
                double w = 1;
                for (int b = 0; b < 5; b++) {
                    if (b != a) {
                        w *= (u - nodes[b]) / (nodes[a] - nodes[b]);
                    }
                }
                p += w * values[a];
            }
            noise = Math.max(noise, Math.abs(line.at(t) - p));
        }
        double err = Math.abs(d2 - d) / 3 + roundoff(line, hp + hm) + 2 * noise / (hp + hm);
        Numeric n = new Numeric(d, err, fp, fm, hp, hm);
        // |φ''| from the second difference over ±2h, when it stands clearly above the noise
        double second = Math.abs(fp2 - 2 * f0 + fm2);
        double floor = 1e3 * (noise + 2 * ROUNDOFF_ULPS * unitRoundoff * scaleOf(line, this));
        n.curvature = second > floor ? second / (hp2 * hm2) : 0;
        return n;
    }

    /** True when the estimate is finite and its error is small against the gradient's scale. */
    public static boolean settled(Numeric n, double gradScale) {
        return Double.isFinite(n.value) && n.error <= SETTLED * Math.max(Math.abs(n.value), gradScale) + 1e-300;
    }

    /** Ridders' tableau from one initial step (the non-adaptive {@link Scheme#RIDDERS}). */
    public Numeric riddersFrom(Line line, double h, double startStep) {
        Numeric n = ridders(line, h, startStep);
        return new Numeric(n.value, n.error, n.phiPlus, n.phiMinus, n.hPlus, n.hMinus, true, startStep);
    }

    /** Left and right one-sided differences {l, r} at the small step, reusing φ(±h) when known. */
    public double[] sides(Line line, Numeric n, double phi0) {
        double fp = Double.isNaN(n.phiPlus) ? line.at(n.hPlus) : n.phiPlus;
        double fm = Double.isNaN(n.phiMinus) ? line.at(-n.hMinus) : n.phiMinus;
        return new double[] {(phi0 - fm) / n.hMinus, (fp - phi0) / n.hPlus};
    }
}

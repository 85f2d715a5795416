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

    private double roundoff(double stepSum) {
        return 2 * ROUNDOFF_ULPS * unitRoundoff * phiScale / stepSum;
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
            err = Math.abs(d2 - d) / 3 + roundoff(hp + hm);
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
        double err = Math.abs(d - dc) + roundoff(2 * hs) * 1.5;
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
        return new Numeric(ans, err + roundoff(lastStep), Double.NaN, Double.NaN, sp, sm);
    }

    /** Left and right one-sided differences {l, r} at the small step, reusing φ(±h) when known. */
    public double[] sides(Line line, Numeric n, double phi0) {
        double fp = Double.isNaN(n.phiPlus) ? line.at(n.hPlus) : n.phiPlus;
        double fm = Double.isNaN(n.phiMinus) ? line.at(-n.hMinus) : n.phiMinus;
        return new double[] {(phi0 - fm) / n.hMinus, (fp - phi0) / n.hPlus};
    }
}

package dev.gradcheck.internal;

import dev.gradcheck.CheckOptions;
import java.util.SplittableRandom;

/**
 * The eps-free Taylor test for one input: along a seeded random direction d (entry j scaled by
 * max(1, |x_j|)), the remainder r(h) = |φ(x + h·d) − φ(x) − h·⟨g, d⟩| shrinks like h² when g is
 * the gradient and like h when it is not (r ≈ h·|⟨g − ∇φ, d⟩| once h is small). The steps halve
 * from 0.25 down to ~5e-10; the slope is read off at the smallest steps whose remainder is well
 * above round-off and whose local slopes agree, so neither higher-order terms (large h) nor noise
 * (tiny h) decide it.
 */
final class TaylorRemainder {
    private static final int STEPS = 30;
    private static final double FIRST = 0.25;
    /** Local slopes in the fitted window may differ by at most this much. */
    private static final double BAND = 0.35;
    private static final int WINDOW = 4;
    /** A remainder counts when above this multiple of φ's round-off. */
    private static final double ABOVE_NOISE = 1e3;

    private TaylorRemainder() {
    }

    /**
     * The slope along a direction drawn from {@code seed} (NaN when no window of agreeing slopes is
     * above round-off, e.g. φ linear in the input).
     */
    static double slope(CheckOptions o, Point point, MutationGuard guard, int input, long seed) {
        double[][] x = point.x();
        double[] g = point.gradients()[input];
        double phi0 = point.phi0();
        double phiScale = point.fd().phiScale();
        double unitRoundoff = point.fd().unitRoundoff();
        double[] xi = x[input];
        int n = xi.length;
        if (n == 0) {
            return Double.NaN;
        }
        SplittableRandom rng = new SplittableRandom(Seeds.mix64(seed + 13));
        double[] d = new double[n];
        double gd = 0;
        double gdAbs = 0;
        for (int j = 0; j < n; j++) {
            d[j] = rng.nextGaussian() * o.stepScale(xi[j]);
            gd += g[j] * d[j];
            gdAbs += Math.abs(g[j] * d[j]);
        }
        if (!Double.isFinite(gd)) {
            return Double.NaN;
        }
        double[][] work = guard.scratchFor(x, input);
        double[] logH = new double[STEPS];
        double[] logR = new double[STEPS];
        boolean[] ok = new boolean[STEPS];
        double h = FIRST;
        for (int k = 0; k < STEPS; k++, h /= 2) {
            for (int j = 0; j < n; j++) {
                work[input][j] = o.precision().round(xi[j] + h * d[j]);
            }
            double p;
            try {
                p = point.phi().movedInput(work, input);
            } catch (UserCodeException e) {
                continue;
            }
            double r = Math.abs(p - phi0 - h * gd);
            // round-off of φ, and of ⟨g, d⟩ itself (the analytic side's own rounding is linear in h)
            double noise = 32 * unitRoundoff * (phiScale + Math.abs(p) + h * gdAbs);
            logH[k] = Math.log(h);
            logR[k] = Math.log(r);
            ok[k] = Double.isFinite(p) && r > ABOVE_NOISE * noise;
        }
        // the window of WINDOW consecutive local slopes at the smallest steps that agree
        for (int end = STEPS - 1; end >= WINDOW; end--) {
            int start = end - WINDOW;
            double lo = Double.POSITIVE_INFINITY;
            double hi = Double.NEGATIVE_INFINITY;
            boolean all = true;
            for (int k = start; k <= end; k++) {
                all &= ok[k];
            }
            if (!all) {
                continue;
            }
            for (int k = start; k < end; k++) {
                double s = (logR[k] - logR[k + 1]) / (logH[k] - logH[k + 1]);
                lo = Math.min(lo, s);
                hi = Math.max(hi, s);
            }
            if (hi - lo <= BAND) {
                return (logR[start] - logR[end]) / (logH[start] - logH[end]);
            }
        }
        return Double.NaN;
    }
}

package dev.gradcheck.internal.diagnosis;

import java.util.Arrays;

/**
 * The test the term findings share: a residual per entry (analytic − numeric, or analytic +
 * numeric) explained as c·w (w the gradOutput, an input's value times it, or 1), with c one
 * constant fitted as the median of residual/w, and every entry within its tolerance plus 1e-6
 * relative of the term.
 */
final class TermFit {
    private TermFit() {
    }

    /**
     * c with residual = c·w on every entry: the median of residual/w over the entries whose w is not
     * 0, or null when there are fewer than three such, a residual is not finite, or an entry misses.
     */
    static Double constant(Evidence e, double[] residual, double[] w) {
        double[] ratios = new double[residual.length];
        int r = 0;
        for (int k = 0; k < residual.length; k++) {
            if (!Double.isFinite(residual[k])) {
                return null;
            }
            if (w[k] != 0) {
                ratios[r++] = residual[k] / w[k];
            }
        }
        if (r < 3) {
            return null;
        }
        double c = FactorFinding.median(Arrays.copyOf(ratios, r));
        for (int k = 0; k < residual.length; k++) {
            if (!within(e, k, residual[k], c * w[k])) {
                return null;
            }
        }
        return c;
    }

    /** Whether entry k's residual is the term within the entry's tolerance plus 1e-6 relative. */
    static boolean within(Evidence e, int k, double residual, double term) {
        return Math.abs(residual - term) <= e.t[k] + 1e-6 * Math.abs(term);
    }

    /** Whether the term stands clearly out of entry k's tolerance (so the entry tells it apart from 0). */
    static boolean clear(Evidence e, int k, double term) {
        return Math.abs(term) > 2 * e.t[k];
    }

    /** analytic − numeric at every entry. */
    static double[] difference(Evidence e) {
        double[] d = new double[e.size()];
        for (int k = 0; k < d.length; k++) {
            d[k] = e.a[k] - e.n[k];
        }
        return d;
    }

    /** The gradOutput at every entry, or 1 where it is not aligned with them. */
    static double[] gradOutputOrOne(Evidence e) {
        if (e.u != null) {
            return e.u;
        }
        double[] one = new double[e.size()];
        Arrays.fill(one, 1);
        return one;
    }
}

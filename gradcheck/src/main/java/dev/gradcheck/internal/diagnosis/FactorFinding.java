package dev.gradcheck.internal.diagnosis;

import java.util.Arrays;

/**
 * One factor c on every entry: analytic = c · numeric (c = −1: a flipped sign; 2, 1/8, …). First
 * exactly, within each entry's tolerance (c from least squares); then robustly, for a formula with
 * a small extra term (a stabiliser, an eps): c the median of the ratios over three or more clearly
 * non-zero entries, and every entry within 0.1% of c · numeric plus a bias of at most 0.1% of the
 * gradient's scale.
 */
final class FactorFinding implements Finding {
    static final String KIND = "factor";
    /** The kind when c = −1. */
    static final String SIGN = "sign";
    /** Relative slack and bias (against the gradient's scale) the robust test survives. */
    private static final double ROBUST = 1e-3;

    @Override
    public Diagnosis test(Evidence e) {
        Diagnosis d = exact(e);
        return d != null ? d : robust(e);
    }

    private static Diagnosis exact(Evidence e) {
        double an = 0;
        double nn = 0;
        int sig = 0;
        for (int k = 0; k < e.size(); k++) {
            if (e.significant(k)) {
                an += e.a[k] * e.n[k];
                nn += e.n[k] * e.n[k];
                sig++;
            }
        }
        if (sig == 0 || nn == 0) {
            return null;
        }
        double c = an / nn;
        if (!Double.isFinite(c) || Math.abs(c) < 1e-6 || Math.abs(c - 1) < 1e-6) {
            return null;
        }
        for (int k = 0; k < e.size(); k++) {
            if (!(Math.abs(e.a[k] - c * e.n[k]) <= e.t[k] * Math.max(1, Math.abs(c)) + 1e-6 * Math.abs(c * e.n[k]))) {
                return null;
            }
        }
        // how precisely c is known: the entries' relative tolerance (float32 checks are coarser)
        double relTol = 1e-6;
        for (int k = 0; k < e.size(); k++) {
            if (e.significant(k)) {
                relTol = Math.max(relTol, e.t[k] / Math.abs(e.n[k]));
            }
        }
        relTol = Math.min(relTol, 1e-2);
        double rc = Math.rint(c);
        boolean integral = Math.abs(c - rc) <= relTol * Math.abs(c);
        double inv = 1 / c;
        boolean inverseIntegral = Math.abs(inv - Math.rint(inv)) <= relTol * Math.abs(inv);
        if (sig < 2 && !integral && !inverseIntegral) {
            return null; // one number gives no evidence of a pattern
        }
        String every = sig < 2 ? "" : e.every;
        return Diagnosis.of(integral && rc == -1 ? SIGN : KIND, Wording.factorCause(c, relTol, every)
                + Wording.dimensionMatch(c, relTol, e.inputNames, e.inputShapes));
    }

    private static Diagnosis robust(Evidence e) {
        int m = e.size();
        for (int k = 0; k < m; k++) {
            if (!Double.isFinite(e.a[k]) || !Double.isFinite(e.n[k])) {
                return null;
            }
        }
        double nMax = e.numericMax;
        double[] ratios = new double[m];
        int s = 0;
        for (int k = 0; k < m; k++) {
            if (e.significant(k) && Math.abs(e.n[k]) >= 1e-3 * nMax) {
                ratios[s++] = e.a[k] / e.n[k];
            }
        }
        if (s < 3) {
            return null;
        }
        double c = median(Arrays.copyOf(ratios, s));
        if (!Double.isFinite(c) || Math.abs(c) < 1e-3 || Math.abs(c - 1) <= 10 * ROBUST) {
            return null;
        }
        double scale = Math.abs(c) * nMax;
        double bias = 0;
        double spread = 0;
        for (int k = 0; k < m; k++) {
            double r = Math.abs(e.a[k] - c * e.n[k]);
            if (!(r <= e.t[k] * Math.max(1, Math.abs(c)) + ROBUST * Math.abs(c * e.n[k]) + ROBUST * scale)) {
                return null;
            }
            bias = Math.max(bias, r);
            if (e.significant(k) && Math.abs(e.n[k]) >= 1e-3 * nMax) {
                spread = Math.max(spread, r / Math.abs(c * e.n[k]));
            }
        }
        double relTol = Math.min(Math.max(2 * spread, 1e-6), 1e-2);
        double rc = Math.rint(c);
        String text = Wording.factorCause(c, relTol, e.every + " (up to a small term, at most "
                + Wording.num(bias) + ", e.g. a stabilising eps)") + Wording.dimensionMatch(c, relTol, e.inputNames,
                e.inputShapes);
        return Diagnosis.of(rc == -1 && Math.abs(c + 1) <= relTol ? SIGN : KIND, text);
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int h = s.length / 2;
        return s.length % 2 == 1 ? s[h] : 0.5 * (s[h - 1] + s[h]);
    }
}

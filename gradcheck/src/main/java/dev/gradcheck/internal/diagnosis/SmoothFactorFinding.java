package dev.gradcheck.internal.diagnosis;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * analytic / numeric varies smoothly with one variable (an input's values, or the output): over
 * eight or more entries whose numeric value is well determined, sorted by the variable, the ratio
 * varies by over 1%, moves at most 1.3 times (2.2 times with 16 or more entries) its range in all,
 * and never jumps by half its range between neighbours; a random factor does neither. The relation
 * is named when one fits every entry to 1e-3 relative: linear (α + β·v), a power (c·|v|^p) or an
 * exponential (c·exp(β·v)). When both ratios have a pole (analytic and numeric each cross 0, at
 * different points), the same test on (analytic − numeric)/gradOutput, where gradOutput is aligned
 * with the entries.
 */
final class SmoothFactorFinding implements Finding {
    static final String KIND = "smooth_factor";
    private static final double FIT = 1e-3;

    @Override
    public Diagnosis test(Evidence e) {
        if (e.wrongCount() == 0) {
            return null;
        }
        // the inputs' values before the output; per variable analytic/numeric, then its inverse where
        // the analytic value has no zeros (a missing term makes numeric/analytic smooth while
        // analytic/numeric has a pole where numeric crosses 0)
        List<Evidence.Variable> vars = new ArrayList<>(e.variables);
        if (e.y != null) {
            vars.add(new Evidence.Variable("output", e.y, true));
        }
        for (Evidence.Variable var : vars) {
            for (boolean inverse : new boolean[] {false, true}) {
                Diagnosis d = ratio(e, var, inverse);
                if (d != null) {
                    return d;
                }
            }
        }
        // both ratios with a pole (analytic and numeric each cross 0, at different points): the
        // difference per unit of gradOutput has none
        for (Evidence.Variable var : vars) {
            Diagnosis d = difference(e, var);
            if (d != null) {
                return d;
            }
        }
        return null;
    }

    /** (analytic − numeric)/gradOutput, gradOutput aligned with the entries, smooth in {@code var}. */
    private static Diagnosis difference(Evidence e, Evidence.Variable var) {
        if (e.u == null) {
            return null;
        }
        List<Integer> keep = new ArrayList<>();
        for (int k = 0; k < e.size(); k++) {
            if (Double.isFinite(e.a[k]) && Double.isFinite(e.n[k]) && e.u[k] != 0) {
                keep.add(k);
            }
        }
        int m = keep.size();
        if (m < 8 || m < e.size()) {
            return null;
        }
        double[] r = new double[m];
        for (int j = 0; j < m; j++) {
            int k = keep.get(j);
            r[j] = (e.a[k] - e.n[k]) / e.u[k];
        }
        double[][] s = smoothIn(var, keep, r);
        if (s == null) {
            return null;
        }
        String name = var.name();
        return Diagnosis.of(KIND, "wrong by a term that varies smoothly with " + name + ": (analytic - numeric)/gradOutput "
                + range(s, name) + ": a term of the derivative is missing or computed from the wrong quantity");
    }

    /**
     * {values, series} of the kept entries sorted by {@code var}, when the series is smooth there
     * (total variation at most 1.3 times its range, 2.2 times with 16 or more entries); else null.
     */
    private static double[][] smoothIn(Evidence.Variable var, List<Integer> keep, double[] series) {
        double[][] s = sorted(var.values(), keep, series);
        return s == null || smoothness(s[1]) > (keep.size() >= 16 ? 2.2 : 1.3) ? null : s;
    }

    /** "from 0.5 at input0 = -2 to 1.2 at input0 = 3": the sorted series' ends. */
    private static String range(double[][] s, String name) {
        int last = s[0].length - 1;
        return "from " + Wording.plain3(s[1][0]) + " at " + name + " = " + Wording.plain3(s[0][0]) + " to "
                + Wording.plain3(s[1][last]) + " at " + name + " = " + Wording.plain3(s[0][last]);
    }

    private static Diagnosis ratio(Evidence e, Evidence.Variable var, boolean inverse) {
        List<Integer> keep = new ArrayList<>();
        for (int k = 0; k < e.size(); k++) {
            double num = inverse ? e.n[k] : e.a[k];
            double den = inverse ? e.a[k] : e.n[k];
            if (Double.isFinite(num) && Double.isFinite(den) && Math.abs(den) > 10 * e.t[k]) {
                keep.add(k);
            }
        }
        int m = keep.size();
        if (m < 8 || inverse && m < e.size()) {
            return null;
        }
        double[] r = new double[m];
        for (int j = 0; j < m; j++) {
            int k = keep.get(j);
            r[j] = inverse ? e.n[k] / e.a[k] : e.a[k] / e.n[k];
        }
        double[][] s = smoothIn(var, keep, r);
        if (s == null) {
            return null;
        }
        double[] v = s[0];
        double[] rs = s[1];
        String name = var.name();
        String what = inverse ? "numeric/analytic" : "analytic/numeric";
        String range = range(s, name);
        String fit = fit(v, rs, name);
        return Diagnosis.of(KIND, "wrong by a factor that varies smoothly with " + name + ": " + what + " "
                + (fit != null ? "= " + fit + " (fits every entry to 1e-3), " : "") + range
                + (fit == null ? ", no simple relation fits" : "")
                + ": a term of the derivative is missing or computed from the wrong quantity");
    }


    /** {values, ratios} sorted by value, or null when a value is not finite. */
    private static double[][] sorted(double[] values, List<Integer> keep, double[] r) {
        int m = keep.size();
        Integer[] order = new Integer[m];
        for (int j = 0; j < m; j++) {
            order[j] = j;
            if (!Double.isFinite(values[keep.get(j)])) {
                return null;
            }
        }
        Arrays.sort(order, (p, q) -> Double.compare(values[keep.get(p)], values[keep.get(q)]));
        double[] v = new double[m];
        double[] rs = new double[m];
        for (int j = 0; j < m; j++) {
            v[j] = values[keep.get(order[j])];
            rs[j] = r[order[j]];
        }
        return new double[][] {v, rs};
    }

    /** Total variation over range (infinite when the ratio is flat, jumps, or is not finite). */
    private static double smoothness(double[] rs) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        double mag = 0;
        for (double x : rs) {
            lo = Math.min(lo, x);
            hi = Math.max(hi, x);
            mag = Math.max(mag, Math.abs(x));
        }
        double range = hi - lo;
        if (!(range > 1e-2 * mag)) {
            return Double.POSITIVE_INFINITY;
        }
        double tv = 0;
        for (int j = 1; j < rs.length; j++) {
            double step = Math.abs(rs[j] - rs[j - 1]);
            if (step > 0.5 * range) {
                return Double.POSITIVE_INFINITY;
            }
            tv += step;
        }
        return tv / range;
    }

    /** The relation that fits every ratio to {@link #FIT} relative, as text, or null. */
    static String fit(double[] v, double[] r, String name) {
        int m = v.length;
        // linear: r = α + β v
        double[] lin = leastSquares(v, r);
        if (fits(v, r, x -> lin[0] + lin[1] * x)) {
            return linear(lin[0], lin[1], name);
        }
        boolean positive = true;
        boolean sameSign = true;
        for (int j = 0; j < m; j++) {
            positive &= v[j] != 0;
            sameSign &= Math.signum(r[j]) == Math.signum(r[0]) && r[j] != 0;
        }
        if (sameSign && positive) {
            double[] lv = new double[m];
            double[] lr = new double[m];
            for (int j = 0; j < m; j++) {
                lv[j] = Math.log(Math.abs(v[j]));
                lr[j] = Math.log(Math.abs(r[j]));
            }
            double[] pow = leastSquares(lv, lr);
            double c = Math.signum(r[0]) * Math.exp(pow[0]);
            double p = snap(pow[1]);
            if (fits(v, r, x -> c * Math.pow(Math.abs(x), p))) {
                return Wording.plain3(c) + "·|" + name + "|^" + Wording.plain(p);
            }
        }
        if (sameSign) {
            double[] lr = new double[m];
            for (int j = 0; j < m; j++) {
                lr[j] = Math.log(Math.abs(r[j]));
            }
            double[] ex = leastSquares(v, lr);
            double c = Math.signum(r[0]) * Math.exp(ex[0]);
            if (fits(v, r, x -> c * Math.exp(ex[1] * x))) {
                return Wording.plain3(c) + "·exp(" + Wording.plain3(ex[1]) + "·" + name + ")";
            }
        }
        return null;
    }

    private static double snap(double p) {
        double h = Math.rint(2 * p) / 2;
        return Math.abs(p - h) < 1e-3 ? h : p;
    }

    private static String linear(double alpha, double beta, String name) {
        String a = Wording.plain3(alpha);
        String b = Wording.plain3(Math.abs(beta));
        if (Math.abs(alpha) < 1e-9 * Math.abs(beta)) {
            return (beta < 0 ? "-" : "") + b + "·" + name;
        }
        return a + (beta < 0 ? " - " : " + ") + b + "·" + name;
    }

    private static boolean fits(double[] v, double[] r, java.util.function.DoubleUnaryOperator f) {
        for (int j = 0; j < v.length; j++) {
            double p = f.applyAsDouble(v[j]);
            if (!(Math.abs(p - r[j]) <= FIT * Math.max(Math.abs(r[j]), 1e-300))) {
                return false;
            }
        }
        return true;
    }

    /** {intercept, slope} of the least-squares line through (x, y). */
    static double[] leastSquares(double[] x, double[] y) {
        int m = x.length;
        double mx = 0;
        double my = 0;
        for (int j = 0; j < m; j++) {
            mx += x[j];
            my += y[j];
        }
        mx /= m;
        my /= m;
        double sxx = 0;
        double sxy = 0;
        for (int j = 0; j < m; j++) {
            sxx += (x[j] - mx) * (x[j] - mx);
            sxy += (x[j] - mx) * (y[j] - my);
        }
        double b = sxx == 0 ? 0 : sxy / sxx;
        return new double[] {my - b * mx, b};
    }
}

package dev.gradcheck.internal.diagnosis;

/**
 * analytic / gradOutput takes exactly two values, each on one side of a threshold of an input,
 * while the numeric derivative is not so: the backward is a step function's derivative (relu's
 * gradient where this op's was meant, e.g. a copied backward). Needs gradOutput aligned with the
 * entries; the split must hold as a {@link Region} (same evidence rule, no fading test: these are
 * the derivative's values, not errors).
 */
final class StepDerivativeFinding implements Finding {
    static final String KIND = "step_derivative";

    @Override
    public Diagnosis test(Evidence e) {
        if (e.u == null || e.wrongCount() == 0) {
            return null;
        }
        int m = e.size();
        double first = Double.NaN;
        double second = Double.NaN;
        boolean[] atFirst = new boolean[m];
        boolean[] atSecond = new boolean[m];
        for (int k = 0; k < m; k++) {
            if (e.u[k] == 0) {
                continue;
            }
            double d = e.a[k] / e.u[k];
            if (!Double.isFinite(d)) {
                return null;
            }
            if (Double.isNaN(first) || same(d, first)) {
                first = Double.isNaN(first) ? d : first;
                atFirst[k] = true;
            } else if (Double.isNaN(second) || same(d, second)) {
                second = Double.isNaN(second) ? d : second;
                atSecond[k] = true;
            } else {
                return null; // a third value: no step
            }
        }
        if (Double.isNaN(second)) {
            return null;
        }
        // the numeric derivative must not take so few values too: then the op itself is piecewise
        // linear, and what is wrong is where its pieces lie (a region)
        if (fewValues(e)) {
            return null;
        }
        Region r = Region.find(e, atFirst, atSecond, false);
        if (r == null) {
            return null;
        }
        String out = r.where();
        return Diagnosis.of(KIND, "analytic/gradOutput is " + Wording.plain3(first) + " where " + out + " and "
                + Wording.plain3(second) + " elsewhere, while the numeric derivative varies: the"
                + " derivative of a step function (e.g. relu's gradient where this op's was meant: a copied backward?)");
    }

    /** True when numeric / gradOutput takes at most three values (to 1e-6 relative, or the tolerance). */
    private static boolean fewValues(Evidence e) {
        double[] seen = new double[3];
        int count = 0;
        for (int k = 0; k < e.size(); k++) {
            if (e.u[k] == 0) {
                continue;
            }
            double d = e.n[k] / e.u[k];
            double tol = 1e-6 * Math.abs(d) + e.t[k] / Math.abs(e.u[k]);
            boolean known = false;
            for (int c = 0; c < count && !known; c++) {
                known = Math.abs(seen[c] - d) <= tol;
            }
            if (!known) {
                if (count == seen.length) {
                    return false;
                }
                seen[count++] = d;
            }
        }
        return true;
    }

    private static boolean same(double a, double b) {
        return Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b)) + 1e-300;
    }

}

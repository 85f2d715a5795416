package dev.gradcheck.internal.diagnosis;

/**
 * The analytic gradient equals gradOutput on every wrong entry (two or more): the local derivative
 * was taken as 1, e.g. an activation's derivative that returns 1, or a gradient passed through
 * unchanged. Needs gradOutput aligned with the entries (an elementwise op, or one output value).
 * Tried before a constant factor (which fits too where the true derivative is constant), except
 * when the true derivative is −1 there: that is a flipped sign.
 */
final class DerivativeOneFinding implements Finding {
    static final String KIND = "derivative_one";

    @Override
    public Diagnosis test(Evidence e) {
        if (e.u == null) {
            return null;
        }
        int wrong = 0;
        for (int k = 0; k < e.size(); k++) {
            if (!e.wrong[k]) {
                continue;
            }
            if (e.u[k] == 0 || !(Math.abs(e.a[k] - e.u[k]) <= e.t[k] + 1e-9 * Math.abs(e.u[k]))) {
                return null;
            }
            wrong++;
        }
        if (wrong < 2 || flippedSign(e)) {
            return null;
        }
        boolean all = wrong == e.size();
        Diagnosis one = Diagnosis.of(KIND, "analytic equals gradOutput" + (all ? e.every : " on every wrong entry (" + wrong
                + " of " + e.size() + ")") + ": the derivative was taken as 1 (e.g. an activation's derivative that"
                + " returns 1, or the gradient passed through unchanged)");
        return withFactor(e, one);
    }

    /**
     * True when analytic = −numeric on every wrong entry: a derivative of −1 returned as +1 is a
     * flipped sign, which {@link FactorFinding} names.
     */
    private static boolean flippedSign(Evidence e) {
        for (int k = 0; k < e.size(); k++) {
            if (e.wrong[k] && !(Math.abs(e.a[k] + e.n[k]) <= e.t[k] + 1e-6 * Math.abs(e.n[k]))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Where the true derivative is constant a factor fits too (c = 1/slope): it is added as an
     * equivalent reading, kind {@code factor} beside this one (1/w taken as 1 with w = 1 is a factor
     * of 2 against the true 1/(2w)).
     */
    private static Diagnosis withFactor(Evidence e, Diagnosis one) {
        Diagnosis f = new FactorFinding().test(e);
        if (f == null) {
            return one;
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("analytic = \\S+ x numeric").matcher(f.text());
        String relation = m.find() ? m.group() : null;
        return relation == null ? one : new Diagnosis(one.text() + " (equivalently " + relation + " there)",
                java.util.List.of(KIND, FactorFinding.KIND));
    }
}

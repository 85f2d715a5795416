package dev.gradcheck.internal.diagnosis;

/**
 * The analytic gradient equals gradOutput on every wrong entry (two or more): the local derivative
 * was taken as 1, e.g. an activation's derivative that returns 1, or a gradient passed through
 * unchanged. Needs gradOutput aligned with the entries (an elementwise op, or one output value).
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
        if (wrong < 2) {
            return null;
        }
        boolean all = wrong == e.size();
        return Diagnosis.of(KIND, "analytic equals gradOutput" + (all ? e.every : " on every wrong entry (" + wrong
                + " of " + e.size() + ")") + ": the derivative was taken as 1 (e.g. an activation's derivative that"
                + " returns 1, or the gradient passed through unchanged)");
    }
}

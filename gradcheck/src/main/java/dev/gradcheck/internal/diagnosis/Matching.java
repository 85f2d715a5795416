package dev.gradcheck.internal.diagnosis;

/** Shared test of the findings that predict each wrong entry's analytic value. */
final class Matching {
    private Matching() {
    }

    /**
     * How many wrong entries have analytic = gradOutput · d (to 1e-6 relative, or their tolerance),
     * skipping entries where d is NaN (not testable); −1 when a testable wrong entry does not match
     * or the prediction is no different from the numeric value.
     */
    static int wrongEntriesMatch(Evidence e, double[] d) {
        int matched = 0;
        for (int k = 0; k < e.size(); k++) {
            if (!e.wrong[k] || Double.isNaN(d[k])) {
                continue;
            }
            double predicted = e.u[k] * d[k];
            double tol = 1e-6 * Math.max(Math.abs(e.a[k]), Math.abs(predicted)) + e.t[k];
            if (!(Math.abs(e.a[k] - predicted) <= tol) || Math.abs(predicted - e.n[k]) <= tol) {
                return -1;
            }
            matched++;
        }
        return matched;
    }
}

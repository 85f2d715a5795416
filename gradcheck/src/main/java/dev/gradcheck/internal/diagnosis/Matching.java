package dev.gradcheck.internal.diagnosis;

/** Shared test of the findings that predict each wrong entry's analytic value. */
final class Matching {
    private Matching() {
    }

    /**
     * How many wrong entries have analytic = gradOutput · d (to 1e-6 relative, or their tolerance),
     * skipping entries where d is NaN or where the prediction cannot be told from the numeric value
     * (not testable); −1 when a testable wrong entry does not match.
     */
    static int wrongEntriesMatch(Evidence e, double[] d) {
        int matched = 0;
        for (int k = 0; k < e.size(); k++) {
            if (!e.wrong[k] || Double.isNaN(d[k])) {
                continue;
            }
            double predicted = e.u[k] * d[k];
            double tol = 1e-6 * Math.max(Math.abs(e.a[k]), Math.abs(predicted)) + e.t[k];
            if (Math.abs(predicted - e.n[k]) <= tol) {
                continue; // the wrong value is too close to the right one for d to tell them apart
            }
            if (!(Math.abs(e.a[k] - predicted) <= tol)) {
                return -1;
            }
            matched++;
        }
        return matched;
    }
}

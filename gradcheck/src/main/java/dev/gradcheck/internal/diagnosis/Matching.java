package dev.gradcheck.internal.diagnosis;

/** Shared test of the findings that predict each wrong entry's analytic value. */
final class Matching {
    private Matching() {
    }

    /**
     * How many wrong entries have analytic = gradOutput · d (to 1e-6 relative, or their tolerance);
     * −1 when a wrong entry does not match. Not counted either way: entries where d is NaN, those
     * the prediction matches but cannot tell from the numeric value, and those wrong by less than
     * the prediction's own precision.
     */
    static int wrongEntriesMatch(Evidence e, double[] d) {
        int matched = 0;
        for (int k = 0; k < e.size(); k++) {
            if (!e.wrong[k] || Double.isNaN(d[k])) {
                continue;
            }
            double predicted = e.u[k] * d[k];
            double tol = 1e-6 * Math.max(Math.abs(e.a[k]), Math.abs(predicted)) + e.t[k];
            if (Math.abs(e.a[k] - predicted) <= tol) {
                if (!(Math.abs(predicted - e.n[k]) <= tol)) {
                    matched++; // else: d cannot tell the wrong value from the right one
                }
            } else if (!(Math.abs(e.a[k] - e.n[k]) <= tol)) {
                return -1; // wrong, and not as predicted
            }
        }
        return matched;
    }
}

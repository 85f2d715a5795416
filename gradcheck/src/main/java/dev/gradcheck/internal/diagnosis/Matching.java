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

    /**
     * Whether every entry's analytic value is the prediction (within its tolerance, the prediction's
     * error estimate and 1e-6 relative) and the prediction differs clearly from the numeric value
     * (beyond twice those) on {@code minTelling} or more entries: a hypothesis about what the backward computed that
     * the numbers confirm and that a right gradient would not. {@code predicted[k]} and
     * {@code error[k]} are aligned with the evidence's entries.
     */
    static boolean everyEntryPredicted(Evidence e, double[] predicted, double[] error, int minTelling) {
        int telling = 0;
        for (int k = 0; k < e.size(); k++) {
            int verdict = entryPredicted(e, k, predicted[k], error[k]);
            if (verdict < 0) {
                return false;
            }
            telling += verdict;
        }
        return telling >= minTelling;
    }

    /**
     * Entry k's verdict in {@link #everyEntryPredicted}: −1 when its analytic value is not the
     * prediction, 1 when it is and the prediction tells it from the numeric value, else 0.
     */
    static int entryPredicted(Evidence e, int k, double predicted, double error) {
        double tol = e.t[k] + error + 1e-6 * Math.max(Math.abs(e.a[k]), Math.abs(predicted));
        if (!(Math.abs(e.a[k] - predicted) <= tol)) {
            return -1;
        }
        return Math.abs(predicted - e.n[k]) > 2 * tol ? 1 : 0;
    }
}

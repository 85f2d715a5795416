package dev.gradcheck.internal.diagnosis;

/**
 * analytic − numeric = λ·v·gradOutput on every entry, v an input's value at the entry: the backward
 * has a term λ·v the forward does not differentiate to, or lacks one it does. With v the input
 * itself, typically an L2 penalty (weight decay) λ/2·Σ v² in the loss but not in the backward
 * (λ &lt; 0), or in the backward only (λ &gt; 0); with v another input, that input's part of a
 * product lost (an input used twice whose gradient is assigned, = for +=) or counted twice. Only where gradOutput is known at each entry (an elementwise op, or one output
 * value); λ the median of (analytic − numeric)/(v·gradOutput) over the entries where v·gradOutput
 * is not tiny; every entry within its tolerance plus 1e-6 relative; v varying (its largest |v| at
 * least 1.5 times its smallest where the term is clearly above the tolerance, on three entries or
 * more), else the term is a constant offset; the term above 1e-3 of the gradient's scale
 * somewhere, else it is a rounded constant ({@code near_miss}). Tried after the factor and the offset.
 */
final class LinearTermFinding implements Finding {
    static final String KIND = "linear_term";

    @Override
    public Diagnosis test(Evidence e) {
        if (e.size() < 3 || e.u == null || e.wrongCount() == 0) {
            return null;
        }
        for (int i = 0; i < e.variables.size(); i++) {
            Evidence.Variable v = e.variables.get(i);
            Double lambda = fit(e, v.values());
            if (lambda != null) {
                // the input's own value comes first: λ·w is a penalty's gradient; another input's is its part of a product
                return Diagnosis.of(KIND, text(lambda, v.name(), i == 0, e.every));
            }
        }
        return null;
    }

    /** λ when analytic − numeric = λ·v·gradOutput holds on every entry with v varying, else null. */
    private static Double fit(Evidence e, double[] v) {
        double[] w = new double[e.size()];
        for (int k = 0; k < w.length; k++) {
            w[k] = v[k] * e.u[k];
            if (!Double.isFinite(w[k])) {
                return null;
            }
        }
        Double lambda = TermFit.constant(e, TermFit.difference(e), w);
        if (lambda == null) {
            return null;
        }
        int telling = 0;
        double vMin = Double.POSITIVE_INFINITY;
        double vMax = 0;
        double largest = 0;
        for (int k = 0; k < w.length; k++) {
            double term = lambda * w[k];
            largest = Math.max(largest, Math.abs(term));
            if (TermFit.clear(e, k, term)) {
                telling++;
                vMin = Math.min(vMin, Math.abs(v[k]));
                vMax = Math.max(vMax, Math.abs(v[k]));
            }
        }
        // a term within 1e-3 of the gradient's scale is a constant slightly off (near_miss), not a penalty
        return telling >= 3 && vMax >= 1.5 * vMin && largest > 1e-3 * e.numericMax ? lambda : null;
    }

    /**
     * analytic = numeric ∓ λ·v·gradOutput, and its likely cause: with v the input's own value, a
     * penalty's gradient (weight decay) left out or added; with another input's, that input's part of
     * a product lost (= for +=) or counted twice.
     */
    private static String text(double lambda, String v, boolean own, String every) {
        String term = Wording.plain3(Math.abs(lambda)) + "·" + v;
        String penalty = Wording.plain3(Math.abs(lambda) / 2) + "·" + v + "²";
        boolean missing = lambda < 0;
        String cause;
        if (own) {
            cause = missing ? " that the forward has (e.g. the gradient of an L2 penalty " + penalty
                    + ", weight decay, left out of the backward)"
                    : " that the forward does not have (e.g. an L2 penalty's gradient, weight decay, with no penalty "
                    + penalty + " in the loss)";
        } else {
            cause = missing ? " (e.g. where this input is used twice, one use's contribution overwritten instead of "
                    + "accumulated: = for +=)"
                    : " that the forward does not have (e.g. one use's contribution counted twice)";
        }
        return "analytic = numeric " + (missing ? "- " : "+ ") + term + "·gradOutput" + every + ": the backward "
                + (missing ? "misses" : "adds") + " a term " + term + cause;
    }
}

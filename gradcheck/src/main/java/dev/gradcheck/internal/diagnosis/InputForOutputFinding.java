package dev.gradcheck.internal.diagnosis;

/**
 * For an op elementwise in the input, the converse of {@link OutputForInputFinding}: the derivative
 * written in terms of the output (f'(x) = g(y), as 1 − y² for tanh) was evaluated at the input,
 * analytic = g(x). Tested where x lies in the forward's range: z with forward(z) = x is found by
 * bisection, and g(x) = f'(z). Three or more wrong entries must be testable, all matching to 1e-6.
 */
final class InputForOutputFinding implements Finding {
    static final String KIND = "input_for_output";

    @Override
    public Diagnosis test(Evidence e) {
        if (e.probe == null || e.u == null || e.wrongCount() < 3 || !e.probe.elementwise()) {
            return null;
        }
        double[] z = e.probe.inverse(e.probe.point());
        double[] d = e.probe.derivativeAt(e.probe.fillNaN(z));
        int[] flat = e.probe.flat();
        for (int k = 0; k < d.length; k++) {
            if (Double.isNaN(z[flat[k]])) {
                d[k] = Double.NaN; // x outside the forward's range: not testable
            }
        }
        int matched = Matching.wrongEntriesMatch(e, d);
        if (matched < 3) {
            return null;
        }
        int wrong = e.wrongCount();
        String name = e.own() == null ? "the input" : e.own().name();
        return Diagnosis.of(KIND, "analytic equals the derivative's formula in terms of the output evaluated at the"
                + " input, g(x) where f'(x) = g(forward(x)), on " + (matched == wrong ? "every wrong entry (" + matched
                + ")" : matched + " of " + wrong + " wrong entries (the others have " + name + " outside the forward's"
                + " range)") + ": the backward gives the input where its formula wants the output (e.g. 1 - x² for"
                + " tanh instead of 1 - y²)");
    }
}

package dev.gradcheck.internal.diagnosis;

/**
 * For an op elementwise in the input: analytic(x) equals the true derivative evaluated at the
 * output, f'(y) with y = forward(x), on every wrong entry (two or more, to 1e-6): the backward was
 * given the forward's output where its formula wants the input (sigmoid'(y) from y = sigmoid(x)).
 * The true derivative at y is measured by central differences of the forward at y (two calls).
 */
final class OutputForInputFinding implements Finding {
    static final String KIND = "output_for_input";

    @Override
    public Diagnosis test(Evidence e) {
        if (e.probe == null || e.u == null || e.y == null || e.wrongCount() < 2 || !e.probe.elementwise()) {
            return null;
        }
        double[] d = e.probe.derivativeAt(e.probe.output());
        int matched = Matching.wrongEntriesMatch(e, d);
        if (matched < 2) {
            return null;
        }
        String name = e.own() == null ? "the input" : e.own().name();
        return Diagnosis.of(KIND, "analytic equals the true derivative evaluated at the output, f'(y) with y = forward("
                + name + "), on every wrong entry (" + matched + " of " + e.size() + "): the backward computes the"
                + " derivative from the forward's output where its formula wants the input (e.g. sigmoid'(y) with"
                + " y = sigmoid(x))");
    }
}

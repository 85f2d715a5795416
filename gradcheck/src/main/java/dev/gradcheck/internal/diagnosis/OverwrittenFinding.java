package dev.gradcheck.internal.diagnosis;

/**
 * Each wrong entry's analytic value is the contribution of one output alone, where two outputs or
 * more contribute: the contributions were assigned (=) where they must be added (+=), so the last
 * one written wins (an embedding row picked twice, a conv weight used at every position). Each
 * output's term gradOutput_k·∂y_k/∂x_j is the Jacobian's column j ({@link JacobianProbe#column},
 * four forward calls) times gradOutput; tested on up to {@link #MAX_ENTRIES} wrong entries, only
 * when this finding is tried. Each must match one output's term within its tolerance plus the
 * terms' error and 1e-6 of their scale, with the other terms' sum clearly above that, so the
 * match is no accident of a single dominant term.
 */
final class OverwrittenFinding implements Finding {
    static final String KIND = "overwritten";
    /** The most wrong entries worth four forward calls each. */
    static final int MAX_ENTRIES = 32;
    /** The largest output worth a term per entry. */
    static final int MAX_OUTPUTS = 1 << 16;

    @Override
    public Diagnosis test(Evidence e) {
        JacobianProbe jacobian = e.jacobian;
        if (jacobian == null || e.wrongCount() == 0 || jacobian.outputSize() < 2
                || jacobian.outputSize() > MAX_OUTPUTS) {
            return null;
        }
        double[] u = jacobian.gradOutput();
        int tested = 0;
        int firstEntry = -1;
        int firstOutput = -1;
        int contributors = 0;
        boolean alwaysLast = true;
        boolean alwaysFirst = true;
        for (int k = 0; k < e.size() && tested < MAX_ENTRIES; k++) {
            if (!e.wrong[k]) {
                continue;
            }
            JacobianProbe.Estimate column = jacobian.column(e.flat[k]);
            if (column == null) {
                return null;
            }
            double[] terms = new double[u.length];
            double error = 0;
            for (int o = 0; o < u.length; o++) {
                terms[o] = u[o] * column.value()[o];
                error += Math.abs(u[o]) * column.error()[o];
            }
            int[] match = oneTerm(e.a[k], e.t[k] + error, terms);
            if (match == null) {
                return null;
            }
            alwaysLast &= match[0] == match[2];
            alwaysFirst &= match[0] == match[1];
            if (firstEntry < 0) {
                firstEntry = k;
                firstOutput = match[0];
                contributors = match[3];
            }
            tested++;
        }
        int wrong = e.wrongCount();
        String which = alwaysLast ? "the last" : alwaysFirst ? "the first" : "one";
        return Diagnosis.of(KIND, "analytic is " + which + " output's contribution alone where several outputs"
                + " contribute" + (tested == wrong ? (wrong == 1 ? "" : ", on each of the " + wrong + " wrong entries")
                : ", on each of " + tested + " wrong entries tested (of " + wrong + ")") + " (at "
                + Wording.index(e.entries.get(firstEntry).index()) + ": analytic " + Wording.num(e.a[firstEntry])
                + " is output entry " + firstOutput + "'s term; numeric " + Wording.num(e.n[firstEntry]) + " sums "
                + contributors + " outputs' terms): " + (alwaysLast ? "the contributions are assigned (=) where they"
                + " must be added (+=), so the last one written wins (e.g. an embedding row used twice, a weight"
                + " shared across positions)" : "the other outputs' contributions are lost (= where += was meant, the"
                + " writes in another order, or a term left out)"));
    }

    /**
     * {output, first contributor, last contributor, contributors} when {@code a} is one output's term
     * and at least two outputs contribute; else null.
     */
    private static int[] oneTerm(double a, double tolerance, double[] terms) {
        double scale = 0;
        double sum = 0;
        for (double t : terms) {
            scale += Math.abs(t);
            sum += t;
        }
        double tol = tolerance + 1e-6 * scale;
        int first = -1;
        int last = -1;
        int contributors = 0;
        int match = -1;
        for (int k = 0; k < terms.length; k++) {
            if (Math.abs(terms[k]) > tol) {
                contributors++;
                first = first < 0 ? k : first;
                last = k;
                if (Math.abs(a - terms[k]) <= tol && Math.abs(sum - terms[k]) > 2 * tol) {
                    match = match < 0 ? k : match;
                }
            }
        }
        if (contributors < 2 || match < 0) {
            return null;
        }
        // equal terms: when the last one fits, it is the one written last
        boolean lastFits = Math.abs(a - terms[last]) <= tol && Math.abs(sum - terms[last]) > 2 * tol;
        return new int[] {lastFits ? last : match, first, last, contributors};
    }
}

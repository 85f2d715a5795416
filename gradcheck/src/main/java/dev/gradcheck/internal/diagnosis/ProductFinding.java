package dev.gradcheck.internal.diagnosis;

import java.util.ArrayList;
import java.util.List;

/**
 * analytic = numeric × v (or numeric / v) on every entry, v an input's value at the entry or the
 * output there: the gradient multiplied by the input (an identity whose gradient is g·x), or by the
 * output; after those, v the input minus another input of its shape, or its absolute value (x − y
 * where sign(x − y) is meant). v must vary (its largest |v| at least 1.5 times its smallest over the entries compared),
 * else it is a constant factor; three or more clearly non-zero entries; within each entry's tolerance
 * (scaled by |v|) plus 1e-6 relative.
 */
final class ProductFinding implements Finding {
    static final String KIND = "times_input";
    /** The kind when v is the output. */
    static final String OUTPUT_KIND = "times_output";
    /** The kind when v is the input's value minus another input's ({@link Evidence#differences}). */
    static final String DIFFERENCE_KIND = "times_difference";

    @Override
    public Diagnosis test(Evidence e) {
        List<Evidence.Variable> vars = new ArrayList<>(e.variables);
        if (e.y != null) {
            vars.add(new Evidence.Variable("output", e.y, true));
        }
        for (Evidence.Variable v : vars) {
            for (boolean times : new boolean[] {true, false}) {
                if (matches(e, v.values(), times)) {
                    boolean out = v.name().equals("output");
                    String what = out ? "the forward's output" : "the input";
                    String text = "analytic = numeric " + (times ? "x " : "/ ") + v.name() + e.every + ": the gradient is "
                            + (times ? "multiplied by " : "divided by ") + what + (times && !out
                                    ? " (e.g. g·x returned where the derivative of x is 1, or x used for its gradient)"
                                    : times ? " (e.g. g·y where g was meant)" : "");
                    return Diagnosis.of(out ? OUTPUT_KIND : KIND, text);
                }
            }
        }
        for (Evidence.Variable v : e.differences()) {
            for (boolean times : new boolean[] {true, false}) {
                if (matches(e, v.values(), times)) {
                    return Diagnosis.of(DIFFERENCE_KIND, "analytic = numeric " + (times ? "x " : "/ ") + v.name()
                            + e.every + ": the gradient is " + (times ? "multiplied by " : "divided by ")
                            + "the inputs' difference (e.g. the difference x - y used where its sign, the derivative of"
                            + " |x - y|, was meant: another branch's formula)");
                }
            }
        }
        return null;
    }

    private static boolean matches(Evidence e, double[] v, boolean times) {
        int sig = 0;
        double vMin = Double.POSITIVE_INFINITY;
        double vMax = 0;
        for (int k = 0; k < e.size(); k++) {
            double w = times ? v[k] : 1 / v[k];
            if (!Double.isFinite(w) || !Double.isFinite(e.a[k]) || !Double.isFinite(e.n[k])) {
                return false;
            }
            double predicted = e.n[k] * w;
            if (!(Math.abs(e.a[k] - predicted) <= e.t[k] * Math.max(1, Math.abs(w)) + 1e-6 * Math.abs(predicted))) {
                return false;
            }
            if (e.significant(k)) {
                sig++;
                vMin = Math.min(vMin, Math.abs(v[k]));
                vMax = Math.max(vMax, Math.abs(v[k]));
            }
        }
        return sig >= 3 && vMax >= 1.5 * vMin && e.wrongCount() > 0;
    }
}

package dev.gradcheck.internal.diagnosis;

import dev.gradcheck.engine.Attrs;
import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.op.ForwardArgs;
import dev.gradcheck.engine.op.OpDef;
import dev.gradcheck.engine.op.OpRegistry;
import java.util.ArrayList;
import java.util.List;

/**
 * For an op elementwise in the input: the analytic gradient is another function's derivative. Each
 * one-input pointwise op of the registry (at its default attributes) is a candidate sibling s, in two
 * forms: s'(x), its derivative at the input (the exact GELU's derivative in a tanh-approximated
 * GELU's backward), and s'(z) with s(z) = y, its derivative written in terms of its own output and
 * applied to this op's output y (sigmoid's o·(1 − o) hard-coded for a tanh layer). Every wrong
 * entry the form can be evaluated at must match to 1e-6 (as the other predicting findings), three
 * or more of them and at least a third of the wrong entries, and the prediction must take three or
 * more distinct values there; the sibling matching the most wins.
 * The siblings' derivatives are central differences of their forward kernels, called directly
 * (no graph, no observers).
 */
final class SiblingFinding implements Finding {
    static final String KIND = "sibling";

    @Override
    public Diagnosis test(Evidence e) {
        if (e.probe == null || e.u == null || e.wrongCount() < 3 || !e.probe.elementwise()) {
            return null;
        }
        double[] x = e.probe.point();
        double[] y = e.probe.output();
        int[] flat = e.probe.flat();
        int need = Math.max(3, (e.wrongCount() + 2) / 3);
        Match best = null;
        for (OpDef s : candidates()) {
            ElementwiseProbe.Forward f = forwardOf(s);
            double[] sx = f.at(x);
            if (sx == null) {
                continue;
            }
            ElementwiseProbe sibling = new ElementwiseProbe(f, x, sx, flat);
            double[] dx = sibling.derivativeAt(x);
            int atInput = varies(e, dx) ? Matching.wrongEntriesMatch(e, dx) : -1;
            if (atInput >= need && (best == null || atInput > best.matched)) {
                best = new Match(s, false, atInput, forwardEqualTo(dx, x, flat));
            }
            double[] z = sibling.inverse(y);
            double[] d = sibling.derivativeAt(sibling.fillNaN(z));
            for (int k = 0; k < d.length; k++) {
                if (Double.isNaN(z[flat[k]])) {
                    d[k] = Double.NaN; // y outside the sibling's range: not testable
                }
            }
            int atOutput = varies(e, d) ? Matching.wrongEntriesMatch(e, d) : -1;
            if (atOutput >= need && (best == null || atOutput > best.matched)) {
                best = new Match(s, true, atOutput, null);
            }
        }
        return best == null ? null : best.diagnosis(e);
    }

    /**
     * True when the predicted derivative takes three or more distinct values on the wrong entries:
     * a piecewise-constant one (relu's 0 or 1, abs's ±1) only restates a constant factor or the
     * derivative taken as 1, which other findings name.
     */
    private static boolean varies(Evidence e, double[] d) {
        java.util.TreeSet<Double> seen = new java.util.TreeSet<>();
        for (int k = 0; k < d.length && seen.size() < 3; k++) {
            if (e.wrong[k] && Double.isFinite(d[k])) {
                Double near = seen.floor(d[k]);
                Double above = seen.ceiling(d[k]);
                double tol = 1e-6 * Math.max(1e-12, Math.abs(d[k]));
                if ((near == null || d[k] - near > tol) && (above == null || above - d[k] > tol)) {
                    seen.add(d[k]);
                }
            }
        }
        return seen.size() >= 3;
    }

    /**
     * The registered op whose forward at the input equals the derivative {@code d} (to 1e-9) at
     * every entry where d is known (softplus' is sigmoid), or null: the value the backward returned,
     * in the words a reader knows.
     */
    private static OpDef forwardEqualTo(double[] d, double[] x, int[] flat) {
        for (OpDef op : candidates()) {
            double[] v = forwardOf(op).at(x);
            boolean all = v != null;
            int known = 0;
            for (int k = 0; all && k < d.length; k++) {
                if (!Double.isNaN(d[k])) {
                    known++;
                    all = Math.abs(v[flat[k]] - d[k]) <= 1e-9 * Math.max(1, Math.abs(d[k]));
                }
            }
            if (all && known >= 3) {
                return op;
            }
        }
        return null;
    }

    private record Match(OpDef sibling, boolean outputForm, int matched, OpDef equalTo) {
        Diagnosis diagnosis(Evidence e) {
            int wrong = e.wrongCount();
            String name = e.own() == null ? "the input" : e.own().name();
            String s = sibling.name();
            String count = matched == wrong ? "on every wrong entry (" + matched + ")"
                    : "on " + matched + " of " + wrong + " wrong entries (the others "
                            + (outputForm ? "have an output outside " + s + "'s range)" : "cannot be told apart)");
            if (!outputForm) {
                String value = equalTo == null ? "" : " (which is " + equalTo.name() + "(" + name + "))";
                return Diagnosis.of(KIND, "analytic equals the derivative of " + s + " (at its default attributes) at "
                        + name + value + ", " + count + ": the backward computes another function's derivative (e.g. a formula"
                        + " copied from a related op, the derivative of the wrong variant, or the right one with a term"
                        + " missing)");
            }
            return Diagnosis.of(KIND, "analytic equals " + s + "'s derivative written in terms of its own output,"
                    + " applied to this op's output (" + s + "'(z) where " + s + "(z) = y, y = forward(" + name + ")), "
                    + count + ": a derivative formula hard-coded for another function (e.g. sigmoid's o·(1 - o) used"
                    + " for every activation)");
        }
    }

    /** The registry's one-input pointwise ops that run with no attribute given, in registry order. */
    private static List<OpDef> candidates() {
        List<OpDef> out = new ArrayList<>();
        for (OpDef op : OpRegistry.publicOps()) {
            if (op.pointwise() && !op.variadic() && op.minArity() == 1 && op.inputs().size() == 1
                    && forwardOf(op).at(new double[] {0.5, -0.5}) != null) {
                out.add(op);
            }
        }
        return out;
    }

    /** The op's forward kernel on a vector, null when it refuses the call (a required attribute). */
    private static ElementwiseProbe.Forward forwardOf(OpDef op) {
        return values -> {
            try {
                Attrs attrs = op.resolve(Attrs.EMPTY);
                Shape[] shapes = {Shape.of(values.length)};
                Shape out = op.inferShape(shapes, attrs);
                double[] v = op.forward().apply(new ForwardArgs(new double[][] {values.clone()}, shapes, attrs, out));
                return v.length == values.length ? v : null;
            } catch (RuntimeException refused) {
                return null;
            }
        };
    }
}

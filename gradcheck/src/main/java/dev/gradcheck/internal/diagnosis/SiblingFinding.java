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
 * more distinct values there; the sibling matching the most wins (on a tie, a derivative at the
 * input before one in terms of the output).
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
        List<Candidate> candidates = candidates(x);
        Match best = null;
        for (Candidate c : candidates) {
            ElementwiseProbe sibling = new ElementwiseProbe(c.forward, x, c.atPoint, flat);
            double[] dx = sibling.derivativeAt(x);
            int atInput = varies(e, dx) ? Matching.wrongEntriesMatch(e, dx) : -1;
            // on a tie the derivative at the input wins over an output form found earlier: it is the
            // plainer reading (cos' written as sin's derivative, not as exp's in terms of its output y)
            if (atInput >= need && (best == null || atInput > best.matched || atInput == best.matched && best.outputForm)) {
                best = new Match(c.op, false, atInput, forwardEqualTo(candidates, dx, flat));
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
                best = new Match(c.op, true, atOutput, null);
            }
        }
        return best == null ? null : best.diagnosis(e);
    }

    /** A sibling: its forward, and that forward at the checked point. */
    private record Candidate(OpDef op, ElementwiseProbe.Forward forward, double[] atPoint) {
    }

    /**
     * True when the predicted derivative takes three or more distinct values (apart by more than
     * 1e-6 relative) on the wrong entries: a piecewise-constant one (relu's 0 or 1, abs's ±1) only
     * restates a constant factor or the derivative taken as 1, which other findings name.
     */
    private static boolean varies(Evidence e, double[] d) {
        double[] v = java.util.stream.IntStream.range(0, d.length).filter(k -> e.wrong[k] && Double.isFinite(d[k]))
                .mapToDouble(k -> d[k]).sorted().toArray();
        int distinct = v.length == 0 ? 0 : 1;
        for (int k = 1; k < v.length && distinct < 3; k++) {
            if (v[k] - v[k - 1] > 1e-6 * Math.max(1e-12, Math.abs(v[k]))) {
                distinct++;
            }
        }
        return distinct >= 3;
    }

    /**
     * The candidate whose forward at the input equals the derivative {@code d} (to 1e-9) at every
     * entry where d is known (softplus' is sigmoid), or null: the value the backward returned, in
     * the words a reader knows.
     */
    private static OpDef forwardEqualTo(List<Candidate> candidates, double[] d, int[] flat) {
        for (Candidate c : candidates) {
            boolean all = true;
            int known = 0;
            for (int k = 0; all && k < d.length; k++) {
                if (!Double.isNaN(d[k])) {
                    known++;
                    all = Math.abs(c.atPoint[flat[k]] - d[k]) <= 1e-9 * Math.max(1, Math.abs(d[k]));
                }
            }
            if (all && known >= 3) {
                return c.op;
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

    /**
     * The registry's one-input pointwise ops that run at {@code x} with no attribute given, in
     * registry order, each with its forward there.
     */
    private static List<Candidate> candidates(double[] x) {
        List<Candidate> out = new ArrayList<>();
        for (OpDef op : OpRegistry.publicOps()) {
            if (op.pointwise() && !op.variadic() && op.minArity() == 1 && op.inputs().size() == 1) {
                ElementwiseProbe.Forward f = forwardOf(op);
                double[] atPoint = f.at(x);
                if (atPoint != null) {
                    out.add(new Candidate(op, f, atPoint));
                }
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

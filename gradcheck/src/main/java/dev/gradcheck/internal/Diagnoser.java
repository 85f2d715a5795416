package dev.gradcheck.internal;

import dev.gradcheck.EntryResult;
import dev.gradcheck.internal.diagnosis.Diagnosis;
import dev.gradcheck.internal.diagnosis.Evidence;
import dev.gradcheck.internal.diagnosis.Findings;
import java.util.List;

/**
 * Names the cause of a failed gradient when the evidence supports it: the checker's entry point to
 * {@link Findings} (the registry of findings, each with its evidence test). Returns null when no
 * pattern fits.
 */
public final class Diagnoser {
    private Diagnoser() {
    }

    /** Which entries were compared, for honest wording. */
    public enum Scope {
        /** Every entry, in flat order. */
        FULL(Evidence.Scope.FULL),
        /** A random sample of entries. */
        SAMPLED(Evidence.Scope.SAMPLED),
        /** The entries FAST mode localised by bisection. */
        LOCALISED(Evidence.Scope.LOCALISED);

        final Evidence.Scope scope;

        Scope(Evidence.Scope scope) {
            this.scope = scope;
        }

        /** The evidence's scope. */
        public Evidence.Scope evidence() {
            return scope;
        }
    }

    /** The diagnosis from the compared entries alone (no point, gradOutput or forward known). */
    public static String diagnose(int[] shape, List<EntryResult> entries, Scope scope) {
        Diagnosis d = Findings.diagnose(Evidence.of(shape, entries, scope.scope).build());
        return d == null ? null : d.text();
    }

    /** The diagnosis of what is known, or null. */
    public static Diagnosis diagnose(Evidence evidence) {
        return Findings.diagnose(evidence);
    }

    /** Tensors above this size are compared without a diagnosis (one object per entry would not fit). */
    public static final int MAX_COMPARED = 1 << 20;

    /**
     * The diagnosis of gradients computed elsewhere ({@code theirs}) against a reference, entry by
     * entry within {@code atol + rtol·|reference|}, worded with those two names (compare's
     * "theirs = 2.0 x reference"); null when every entry agrees, no pattern fits, or the tensor has
     * more than {@link #MAX_COMPARED} entries.
     */
    public static Diagnosis compare(int[] shape, double[] theirs, double[] reference, double atol, double rtol) {
        if (theirs.length != reference.length || theirs.length > MAX_COMPARED) {
            return null;
        }
        List<EntryResult> entries = new java.util.ArrayList<>(theirs.length);
        for (int k = 0; k < theirs.length; k++) {
            double allowed = atol + rtol * Math.abs(reference[k]);
            boolean ok = Math.abs(theirs[k] - reference[k]) <= allowed || theirs[k] == reference[k];
            entries.add(new EntryResult(Indexing.unravel(k, shape), theirs[k], reference[k], allowed, Double.NaN,
                    ok ? dev.gradcheck.Status.PASS : dev.gradcheck.Status.FAIL));
        }
        Diagnosis d = Findings.diagnose(Evidence.of(shape, entries, Evidence.Scope.FULL).build());
        return d == null ? null : new Diagnosis(relabel(d.text()), d.kinds());
    }

    /** A diagnosis's wording with the analytic side named "theirs" and the numeric one "reference". */
    static String relabel(String text) {
        return text.replace("analytic gradient", "their gradient").replace("numeric derivative", "reference gradient")
                .replaceAll("\\banalytic\\b", "theirs").replaceAll("\\bnumeric\\b", "reference");
    }
}

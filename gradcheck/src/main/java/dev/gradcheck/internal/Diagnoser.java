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
}

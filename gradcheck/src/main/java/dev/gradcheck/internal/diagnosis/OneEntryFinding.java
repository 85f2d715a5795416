package dev.gradcheck.internal.diagnosis;

import dev.gradcheck.EntryResult;

/** A single wrong entry: named, with its analytic value when that is 0. */
final class OneEntryFinding implements Finding {
    static final String KIND = "one_entry";

    @Override
    public Diagnosis test(Evidence e) {
        if (e.wrongCount() != 1) {
            return null;
        }
        for (int k = 0; k < e.size(); k++) {
            if (e.wrong[k]) {
                EntryResult en = e.entries.get(k);
                return Diagnosis.of(KIND, "only entry " + Wording.index(en.index()) + " is wrong" + e.scope.only
                        + (en.analytic() == 0 ? " (analytic is 0 there)" : ""));
            }
        }
        return null;
    }
}

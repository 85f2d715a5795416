package dev.gradcheck.cli.ops;

import dev.gradcheck.CheckResult;
import dev.gradcheck.Status;
import java.util.List;

/**
 * Folds per-input (and per-draw) results into one op-level result, as the checker's
 * {@code CustomOpCheck} does for custom ops (its folding is package-private there): the worst
 * status, the largest errors, the worst input's entries and diagnosis, the inputs nested.
 */
public final class OpResults {
    private OpResults() {
    }

    /** The op-level result of {@code inputs}, on top of what {@code b} already holds. */
    public static CheckResult aggregate(CheckResult.Builder b, List<CheckResult> inputs) {
        Status status = Status.SKIPPED;
        for (CheckResult r : inputs) {
            status = Status.worse(status, r.status());
        }
        final Status worstStatus = status;
        CheckResult worst = inputs.stream().filter(r -> r.status() == worstStatus).findFirst().orElse(null);
        double maxAbs = 0;
        double maxRel = 0;
        long entries = 0;
        for (CheckResult r : inputs) {
            maxAbs = Double.isNaN(maxAbs) || Double.isNaN(r.maxAbsError()) ? Double.NaN : Math.max(maxAbs, r.maxAbsError());
            maxRel = Double.isNaN(maxRel) || Double.isNaN(r.maxRelError()) ? Double.NaN : Math.max(maxRel, r.maxRelError());
            entries += r.entriesChecked();
        }
        b.status(status).maxAbsError(maxAbs).maxRelError(maxRel).entriesChecked(entries).inputs(inputs);
        if (inputs.isEmpty()) {
            b.error("nothing was checked", null);
        } else if (worst != null) {
            b.worst(worst.worst());
            if (worst.diagnosis() != null) {
                b.diagnosis("input '" + worst.name() + "': " + worst.diagnosis());
            }
            if (worst.error() != null) {
                b.error("input '" + worst.name() + "': " + worst.error(), worst.cause());
            }
        }
        return b.build();
    }
}

package dev.gradcheck.cli;

import dev.gradcheck.CheckResult;
import dev.gradcheck.Status;
import dev.gradcheck.engine.Tensor;
import java.util.List;
import java.util.Map;

/**
 * A passing check of a gradient that is exactly zero everywhere compares zeros with zeros, which
 * shows little: the loss does not depend on the tensor at this point (a dead ReLU before it, a
 * detached path). Such checks get a note saying so.
 */
final class ZeroGradients {
    private ZeroGradients() {
    }

    /** Adds a note to {@code facts} for each checked, not failing tensor whose gradient is all zero. */
    static void note(Map<String, Tensor> gradients, List<CheckResult> results, RunFacts facts) {
        for (CheckResult r : results) {
            Tensor g = gradients.get(r.name());
            if (g == null || r.status() == Status.FAIL || r.status() == Status.ERROR || !allZero(g)) {
                continue;
            }
            facts.notes.put(r.name(), "the analytic gradient is exactly 0 at every entry, and so is the numeric one: "
                    + "the check compares zeros with zeros; nothing reaches '" + r.name() + "' from '" + facts.output
                    + "' at this point (a dead ReLU before it? a detached path? gradcheck flow shows where it stops)");
        }
    }

    private static boolean allZero(Tensor t) {
        for (double v : t.data()) {
            if (v != 0) {
                return false;
            }
        }
        return t.shape().size() > 0;
    }
}

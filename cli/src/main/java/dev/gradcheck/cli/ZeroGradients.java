package dev.gradcheck.cli;

import dev.gradcheck.CheckResult;
import dev.gradcheck.Status;
import dev.gradcheck.engine.Tensor;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A passing check of a gradient that is exactly zero everywhere compares zeros with zeros, which
 * shows little: the loss does not depend on the tensor at this point (a dead ReLU before it, a
 * detached path). Such checks get a note saying so.
 */
final class ZeroGradients {
    private ZeroGradients() {
    }

    /** The names whose gradient is exactly zero at every entry (null gradients, of nodes no gradient reaches, are left out). */
    static Set<String> of(Map<String, Tensor> gradients) {
        Set<String> zero = new HashSet<>();
        gradients.forEach((name, g) -> {
            if (g != null && allZero(g)) {
                zero.add(name);
            }
        });
        return zero;
    }

    /** Adds a note to {@code facts} for each checked, not failing tensor among {@code zeroGradients}. */
    static void note(Set<String> zeroGradients, List<CheckResult> results, RunFacts facts) {
        for (CheckResult r : results) {
            if (!zeroGradients.contains(r.name()) || r.status() == Status.FAIL || r.status() == Status.ERROR) {
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

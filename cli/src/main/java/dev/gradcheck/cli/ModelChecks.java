package dev.gradcheck.cli;

import dev.gradcheck.CheckOptions;
import dev.gradcheck.CheckResult;
import dev.gradcheck.GradCheck;
import dev.gradcheck.model.LossFunction;
import dev.gradcheck.model.incremental.IncrementalLoss;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks a loaded model's gradients, one tensor of {@code wrt} at a time (the loss as a function
 * of that tensor, the others held), through {@link IncrementalLoss}: the engine function's forward
 * and backward, and finite differences that recompute only what each changed entry reaches; the
 * same numeric work and report as one joint check, with a progress step per tensor.
 */
final class ModelChecks {
    private ModelChecks() {
    }

    /** One result per tensor of {@code lm.wrt()}, in order. */
    static List<CheckResult> run(LoadedModel lm, CheckOptions options, ProgressBar bar) {
        List<CheckResult> results = new ArrayList<>();
        for (String name : lm.wrt()) {
            results.addAll(one(lm, name, options));
            bar.step(name);
        }
        return results;
    }

    /** The results for one tensor of {@code lm.wrt()}. */
    static List<CheckResult> one(LoadedModel lm, String name, CheckOptions options) {
        LossFunction f = lm.model().lossFunction(lm.values(), List.of(name));
        // the same forward and backward as GradCheck.of(f::apply), plus single-entry evaluations
        // that recompute only what the changed entry reaches (the same numbers, faster)
        return GradCheck.of(IncrementalLoss.of(f)).at(f.point()).names(name).options(options).check().checks();
    }
}

package dev.gradcheck.cli;

import dev.gradcheck.CheckOptions;
import dev.gradcheck.CheckResult;
import dev.gradcheck.GradCheck;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.model.LossFunction;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Checks a loaded model's gradients, one tensor of {@code wrt} at a time (the loss as a function
 * of that tensor, the others held), through the checker's engine-function adapter: the same
 * numeric work as one joint check, with a progress step per tensor.
 */
final class ModelChecks {
    private ModelChecks() {
    }

    /** One result per tensor of {@code lm.wrt()}, in order. */
    static List<CheckResult> run(LoadedModel lm, CheckOptions options, ProgressBar bar) {
        List<CheckResult> results = new ArrayList<>();
        for (String name : lm.wrt()) {
            LossFunction f = lm.model().lossFunction(lm.values(), List.of(name));
            Function<Tensor[], Tensor> fn = f::apply;
            results.addAll(GradCheck.of(fn).at(f.point()).names(name).options(options).check().checks());
            bar.step(name);
        }
        return results;
    }
}

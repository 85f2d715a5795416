package dev.gradcheck.cli;

import dev.gradcheck.CheckOptions;
import dev.gradcheck.CheckResult;
import dev.gradcheck.GradCheck;
import dev.gradcheck.Mode;
import dev.gradcheck.Status;
import dev.gradcheck.health.NodeAnomaly;
import dev.gradcheck.model.LossFunction;
import dev.gradcheck.model.incremental.IncrementalLoss;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks a loaded model's gradients through {@link IncrementalLoss}: the engine function's forward
 * and backward, finite differences that recompute only what each changed entry reaches, and FAST
 * projections that rerun only what is downstream of the moved tensor. In FULL and SAMPLED mode one
 * tensor of {@code wrt} at a time (the loss as a function of that tensor, the others held), with a
 * progress step per tensor; in FAST mode all of them in one check, which shares the forward and
 * the backward passes (each tensor draws the same directions either way: the checker seeds them
 * by name).
 */
final class ModelChecks {
    private ModelChecks() {
    }

    /** The tensors of {@code lm.wrt()} in the groups checked together: all in one for FAST, else one each. */
    static List<List<String>> groups(LoadedModel lm, CheckOptions options) {
        if (options.mode() == Mode.FAST) {
            return List.of(lm.wrt());
        }
        List<List<String>> one = new ArrayList<>();
        for (String name : lm.wrt()) {
            one.add(List.of(name));
        }
        return one;
    }

    /** One result per tensor of {@code lm.wrt()}, in order; the options' monitor sees each entry or projection. */
    static List<CheckResult> run(LoadedModel lm, CheckOptions options) {
        List<CheckResult> results = new ArrayList<>();
        for (List<String> group : groups(lm, options)) {
            results.addAll(some(lm, group, options));
        }
        return results;
    }

    /**
     * A bar over the check of {@code lm.wrt()}: per entry (the sample in SAMPLED mode), per
     * projection in FAST mode; the checker reports to it as its monitor.
     */
    static ProgressBar progressBar(PrintWriter err, ProgressBar.When when, LoadedModel lm, CheckOptions options) {
        long total = 0;
        for (String n : lm.wrt()) {
            long size = lm.model().shape(n).size();
            total += switch (options.mode()) {
                case FAST -> options.probes();
                case SAMPLED -> Math.min(options.samples(), size);
                default -> size;
            };
        }
        return new ProgressBar(err, when, total, options.mode() == Mode.FAST ? RunFacts.Cut.PROJECTIONS : "entries");
    }

    /**
     * {@code check --forward}: the engine's forward mode on the model's loss, one result per tensor
     * of {@code lm.wrt()} ({@code jvp/<name>}: the JVP along a tangent on that tensor alone against
     * the numeric directional derivative), one with every tangent at once ({@code jvp/all}) and the
     * adjoint identity with the reverse-mode gradient ({@code adjoint}).
     */
    static List<CheckResult> forward(LoadedModel lm, CheckOptions options) {
        LossFunction f = lm.model().lossFunction(lm.values(), lm.wrt());
        String reproduce = options.reproduce() == null ? null
                : options.reproduce().replace("{name}", String.join(",", lm.wrt())) + " --forward";
        return GradCheck.of(f::apply).at(f.point()).names(lm.wrt().toArray(String[]::new))
                .options(options.withReproduce(reproduce)).forwardCheck().checks();
    }

    /**
     * One error per tensor of {@code lm.wrt()} when the {@code loss} at the point is not finite and the
     * anomaly pass found where it was born: nothing can be checked there, and the checker would
     * only repeat, per tensor, that its forward gave NaN. Null when the loss is finite.
     */
    static List<CheckResult> uncheckable(LoadedModel lm, NodeAnomaly first, double loss) {
        if (Double.isFinite(loss)) {
            return null;
        }
        String why = "not checked: the loss at this point is " + loss + ", from the anomaly at '" + first.node()
                + "' (its check says where it was born); a gradient check needs a point where the loss is finite";
        List<CheckResult> out = new ArrayList<>();
        for (String name : lm.wrt()) {
            out.add(CheckResult.builder(name).shape(lm.model().shape(name).dims()).seed(lm.seed())
                    .status(Status.ERROR).error(why, null).build());
        }
        return out;
    }

    /** The results for the tensors {@code names} of {@code lm.wrt()}, checked together. */
    static List<CheckResult> some(LoadedModel lm, List<String> names, CheckOptions options) {
        LossFunction f = lm.model().lossFunction(lm.values(), names);
        // the same forward and backward as GradCheck.of(f::apply), plus evaluations at changed
        // points that recompute only what the change reaches (the same numbers, faster)
        return GradCheck.of(IncrementalLoss.of(f)).at(f.point()).names(names.toArray(String[]::new)).options(options)
                .check().checks();
    }
}

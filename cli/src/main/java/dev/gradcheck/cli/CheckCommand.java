package dev.gradcheck.cli;

import dev.gradcheck.CheckOptions;
import dev.gradcheck.CheckReport;
import dev.gradcheck.CheckResult;
import dev.gradcheck.health.AnomalyScan;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code gradcheck check}. */
@Command(name = "check", mixinStandardHelpOptions = true,
        header = "Check a model's gradients against numeric differentiation.",
        description = {"Checks a model's gradients: the analytic gradient of its output against numeric differentiation, per param (with --wrt, per input or named tensor too)."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:passed", "1:a check failed", "2:usage error", "3:invalid model or data file"},
        footerHeading = "%nExamples:%n",
        footer = {
            "  gradcheck check examples/tiny-mlp.json",
            "  gradcheck check examples/tiny-mlp.json --mode fast --format json -o report.json",
            "  gradcheck check model.json --values w.npz --wrt params,x --tolerance pytorch"
        })
public final class CheckCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ParentCommand
    Main main;

    @Mixin
    ModelMixin model;

    @Mixin
    CheckMixin check;

    @Mixin
    OutputMixin output;

    @Mixin
    TimeoutMixin timeout;

    @picocli.CommandLine.Option(names = "--no-anomaly", description = "Skip the anomaly pass (by default one forward "
            + "and backward pass runs in anomaly mode, and a NaN, Inf or |x| > 1e10 fails the check naming the node "
            + "that produced it).")
    boolean noAnomaly;

    @Override
    public Integer call() {
        return CommandRunner.run(spec, output.debug(), () -> {
            output.ensureWritable();
            return check();
        });
    }

    private int check() {
        LoadedModel lm = LoadedModel.load(model, check);
        String reproduce = "gradcheck check " + model.model()
                + (model.values() != null ? " --values " + model.values() : "")
                + model.loss().reproduceFlags() + " --wrt {name} --seed {seed}" + check.reproduceFlags();
        CheckOptions options = check.toOptions(lm.seed(), "check", reproduce);
        Terminal terminal = Main.terminal(main);
        List<CheckResult> results = new ArrayList<>();
        if (!noAnomaly) {
            // one forward+backward in anomaly mode, outside elapsed_ms, which times the gradient check itself
            results.addAll(AnomalyScan.run(lm.model(), lm.values(), lm.wrt()).checkResults(lm.seed()));
        }
        long t0 = System.nanoTime();
        long limit = timeout.timeoutMs();
        PartialRun.Outcome outcome;
        List<List<String>> groups = ModelChecks.groups(lm, options);
        try (ProgressBar bar = new ProgressBar(spec.commandLine().getErr(),
                terminal.interactive() && !output.noProgress(), groups.size())) {
            outcome = PartialRun.run(groups, limit, g -> g, g -> ModelChecks.some(lm, g, options), bar, lm.seed());
        }
        results.addAll(outcome.results());
        CheckReport report = new CheckReport("check", lm.seed(), (System.nanoTime() - t0) / 1e6, results)
                .withNotes(lm.notes());
        long entries = lm.wrt().stream().mapToLong(n -> lm.model().shape(n).size()).sum();
        String header = String.format(java.util.Locale.ROOT, "model '%s' (%s): d %s / d %s (%d entries), seed %d, %s mode, %s, %s",
                lm.model().name(), model.model(), lm.model().output(), String.join(", ", lm.wrt()), entries, lm.seed(),
                options.mode().name().toLowerCase(java.util.Locale.ROOT),
                options.scheme().name().toLowerCase(java.util.Locale.ROOT), options.tolerance());
        return Reports.emit(spec, output, terminal, header, report, outcome.incomplete());
    }
}

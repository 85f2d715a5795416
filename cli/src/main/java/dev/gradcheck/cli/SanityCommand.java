package dev.gradcheck.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gradcheck.health.Sanity;
import dev.gradcheck.health.SanityOptions;
import dev.gradcheck.health.SanityReport;
import dev.gradcheck.model.Model;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code gradcheck sanity}. */
@ExitsWith({ExitCodes.PASS, ExitCodes.CHECK_FAILED, ExitCodes.USAGE, ExitCodes.INVALID_FILE, ExitCodes.INTERNAL_ERROR,
        ExitCodes.INCOMPLETE})
@Command(name = "sanity", mixinStandardHelpOptions = true,
        header = "The recipe checks: loss at init, overfit one batch, zeroed-input baseline, diverging learning rate, "
                + "batch independence.",
        description = {"Runs the recipe checks before real training: the loss at init against -log(1/C) for "
                + "classification losses; training on the model's one batch must bring the loss near zero "
                + "(overfit); the same training with the data inputs zeroed must end clearly worse (zero_input); "
                + "a learning rate whose loss rises or turns NaN is flagged with its step (learning_rate); and the "
                + "gradient of one sample's outputs must reach no other sample of the inputs, else the first node "
                + "where samples mix is named (batch_independence; batch_norm mixes them by design and gets an INFO "
                + "line). The model file is never changed."},
        footerHeading = "%nExamples:%n",
        footer = {
            "  gradcheck sanity examples/tiny-mlp.json",
            "  gradcheck sanity examples/tiny-mlp.json --steps 500 --optimizer sgd --lr 0.5",
            "  gradcheck sanity examples/broken/batch-mix.json"
        })
public final class SanityCommand implements Callable<Integer> {
    /** The optimiser of the training runs. */
    public enum OptimizerKind {
        adam, sgd
    }

    @Spec
    CommandSpec spec;

    @ParentCommand
    Main main;

    @Mixin
    HealthModelMixin model;

    @Mixin
    OutputMixin output;

    @Mixin
    ProgressMixin progress;

    @Mixin
    TimeoutMixin timeout;

    @Option(names = "--steps", paramLabel = "N", defaultValue = "300",
            description = "Training steps of the overfit and zeroed-input runs (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--optimizer", paramLabel = "OPT", defaultValue = "adam",
            description = "Optimiser: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    OptimizerKind optimizer;

    @Option(names = "--lr", paramLabel = "LR", defaultValue = "0.03",
            description = "Learning rate of the training runs (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--init-factor", paramLabel = "F", defaultValue = "3",
            description = "The loss at init passes within this factor of -log(1/C) (default: ${DEFAULT-VALUE}).")
    double initFactor;

    @Option(names = "--overfit-fraction", paramLabel = "F", defaultValue = "0.1",
            description = "Overfitting passes when the final loss is at most F times the initial loss "
                    + "(default: ${DEFAULT-VALUE}).")
    double overfitFraction;

    @Option(names = "--zero-input-ratio", paramLabel = "R", defaultValue = "0.5",
            description = "The real input's final loss must be at most R times the zeroed input's "
                    + "(default: ${DEFAULT-VALUE}).")
    double zeroInputRatio;

    @Option(names = "--diverge-factor", paramLabel = "F", defaultValue = "4",
            description = "Training diverges at the first loss that is NaN, Inf or above F times the initial loss "
                    + "(default: ${DEFAULT-VALUE}).")
    double divergeFactor;

    @Option(names = "--batch-dim", paramLabel = "D", defaultValue = "0",
            description = "The dimension of the inputs that holds the batch, for batch_independence "
                    + "(default: ${DEFAULT-VALUE}; 1 for a (time, batch, ...) sequence layout).")
    int batchDim;

    @Override
    public Integer call() {
        return CommandRunner.run(spec, output.debug(), this::sanity);
    }

    /** Most training steps of each run: recipe checks, not training (the default is 300). */
    static final int MAX_STEPS = 100_000;

    /**
     * A batch dimension other than the default that no input of the model has is a mistake in the
     * command, not a check to skip (dim 0 on a model without batched inputs is "not applicable").
     */
    private void checkBatchDim(Model m) {
        if (batchDim == 0 || m.inputs().keySet().stream().anyMatch(n -> m.shape(n).rank() > batchDim)) {
            return;
        }
        String shapes = m.inputs().keySet().stream().map(n -> n + " " + m.shape(n))
                .collect(Collectors.joining(", "));
        throw new UsageException("--batch-dim " + batchDim + ": no input of the model has a dimension " + batchDim
                + " (" + (shapes.isEmpty() ? "no inputs" : shapes) + ")");
    }

    private int sanity() {
        if (steps > MAX_STEPS) {
            throw new UsageException("--steps must be at most " + MAX_STEPS + " (the recipe checks need hundreds), got "
                    + steps);
        }
        if (batchDim < 0) {
            throw new UsageException("--batch-dim must be 0 or more (a dimension of the inputs), got " + batchDim);
        }
        SanityOptions o = UsageException.fromIllegalArgument(() -> new SanityOptions(steps, optimizer.name(), lr,
                initFactor, overfitFraction, zeroInputRatio, divergeFactor, List.of(), batchDim));
        HealthOutput.checkWritable(output.output(), output.force(), "--output");
        long limit = timeout.timeoutMs();
        Terminal terminal = Main.terminal(main);
        try (RunStop stop = RunStop.start(limit)) {
            RunFacts facts = RunFacts.of(model.modelAsGiven(), null, null, null);
            HealthModelMixin.Loaded lm;
            try {
                lm = stop.during("loading the model", model::load);
            } catch (RunStop.Stopped e) {
                facts.stoppedBy(stop, "nothing was checked");
                return emit(Sanity.notRun(o), facts, null, null, terminal);
            }
            facts.output = lm.model().output();
            checkBatchDim(lm.model());
            SanityReport r;
            try (ProgressBar bar = new ProgressBar(spec.commandLine().getErr(),
                    progress.when(terminal), 2L * (steps + 1))) {
                SanityOptions watched = o.withListener(s -> bar.step(s.run() + " step " + s.step()));
                r = stop.during("the recipe checks", () -> Sanity.run(lm.model(), lm.values(), watched, stop));
            } catch (RunStop.Stopped e) {
                r = Sanity.notRun(o); // a step that would not end: what it had done is lost with it
            }
            if (r.incomplete()) {
                facts.stoppedBy(stop, r.done() + " of " + r.checks().size() + " checks done" + cutText(r)
                        + "; the rest were not checked");
            }
            return emit(r, facts, lm, String.format(Locale.ROOT, "model '%s' (%s): sanity, seed %d, %d %s steps at lr "
                    + "%s%s", lm.model().name(), model.modelAsGiven(), lm.seed(), steps, optimizer, lr,
                    batchDim == 0 ? "" : ", batch along dim " + batchDim), terminal);
        }
    }

    /** {@code ; overfit and learning_rate stopped after 1,234 of 100,000 steps}, or nothing. */
    private static String cutText(SanityReport r) {
        if (r.cut().isEmpty()) {
            return "";
        }
        SanityReport.Steps s = r.cut().values().iterator().next();
        return String.format(Locale.ROOT, "; %s stopped after %,d of %,d steps", String.join(" and ", r.cut().keySet()),
                s.done(), s.total());
    }

    /** Prints the report (with the INCOMPLETE line of a run cut short) and returns the exit code. */
    private int emit(SanityReport r, RunFacts facts, HealthModelMixin.Loaded lm, String header, Terminal terminal) {
        Terminal t = output.terminal(terminal);
        ObjectNode json = r.toJson(lm == null ? 0 : lm.seed());
        facts.putTopLevel(json);
        List<String> notes = lm == null ? List.of() : lm.notes();
        String body = output.json() ? HealthOutput.json(ModelNotes.json(json, notes))
                : (header == null ? "" : t.bold(header) + "\n") + ModelNotes.text(notes) + Reports.colour(r.toText(), t)
                        + facts.incompleteLine(t);
        HealthOutput.emit(spec.commandLine().getOut(), output.output(), output.force(), body);
        return ExitCodes.of(r.passed(), facts.incomplete());
    }
}

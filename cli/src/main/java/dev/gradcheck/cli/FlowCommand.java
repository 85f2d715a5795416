package dev.gradcheck.cli;

import dev.gradcheck.cli.health.FlowChart;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gradcheck.health.Flow;
import dev.gradcheck.health.FlowHistory;
import dev.gradcheck.health.FlowOptions;
import dev.gradcheck.health.FlowReport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code gradcheck flow}. */
@ExitsWith({ExitCodes.PASS, ExitCodes.CHECK_FAILED, ExitCodes.USAGE, ExitCodes.INVALID_FILE, ExitCodes.INTERNAL_ERROR,
        ExitCodes.INCOMPLETE})
@Command(name = "flow", mixinStandardHelpOptions = true,
        header = "Gradient flow and training health per layer and param, with flags.",
        description = {"Runs one forward and backward pass in anomaly mode and reports, per layer (node) and param: "
                + "gradient norm, mean and max |grad|, the ratio to the next layer's gradient, grad:data and (with "
                + "--lr) update:data ratios, activation mean/std, tanh/sigmoid saturation and dead-ReLU shares. "
                + "Each finding prints as a line 'FLAG <kind> <layer>: <detail>', kind one of exploding, vanishing, "
                + "dead_relu, saturated, nan, inf, init_scale, diverged (with --steps). It always completes: a NaN "
                + "or Inf becomes a flag naming the node that produced it. --wrt chooses the params and inputs given "
                + "per-tensor statistics."},
        footerHeading = "%nExamples:%n",
        footer = {
            "  gradcheck flow examples/tiny-mlp.json",
            "  gradcheck flow examples/tiny-mlp.json --lr 0.01 --svg flow.svg",
            "  gradcheck flow examples/tiny-mlp.json --wrt W1,x",
            "  gradcheck flow model.json --dead-share 0.3 --format json -o flow.json"
        })
public final class FlowCommand implements Callable<Integer> {
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

    @Option(names = "--lr", paramLabel = "LR",
            description = "Learning rate of one plain SGD step: report update:data ratios and flag log10 outside "
                    + "[--update-low, --update-high] (target -3).")
    Double lr;

    @Option(names = "--wrt", paramLabel = "WHAT", split = ",",
            description = "Which tensors get per-tensor gradient statistics (the param table, the chart's param "
                    + "series, each JSON layer's params): 'params' (default), 'inputs' (the float64 inputs), 'all', "
                    + "or tensor names; comma-separated or repeated. The gradient flows to these only: a layer that "
                    + "depends on none of them shows no gradient.")
    List<String> wrt = new ArrayList<>();

    /** Most training steps: each keeps its flow report, for the step table and the heatmap. */
    static final int MAX_STEPS = 10_000;

    @Option(names = "--steps", paramLabel = "N", defaultValue = "0",
            description = "Also train N plain SGD steps at --lr (on copies of the params) and analyse the flow after "
                    + "each: a line per step, the flags that appear during training (with their step; a run that "
                    + "diverges is flagged once, and gets no learning-rate advice after it) and, with --svg, a heatmap "
                    + "of each layer's gradient norm over the steps (default: ${DEFAULT-VALUE}, no training).")
    int steps;

    @Option(names = "--svg", paramLabel = "FILE",
            description = "Also plot per-layer gradient norms and ratios as SVG (an existing FILE is replaced only "
                    + "with --force).")
    Path svg;


    @Option(names = "--saturation-level", paramLabel = "T", defaultValue = "0.97",
            description = "A tanh output t is saturated when |t| > T (sigmoid: |2s-1| > T) (default: ${DEFAULT-VALUE}).")
    double saturationLevel;

    @Option(names = "--saturated-share", paramLabel = "S", defaultValue = "0.10",
            description = "Flag saturated when more than this share of a layer's outputs are saturated "
                    + "(default: ${DEFAULT-VALUE}).")
    double saturatedShare;

    @Option(names = "--dead-share", paramLabel = "S", defaultValue = "0.50",
            description = "Flag dead_relu when more than this share of a ReLU layer's units are never positive over "
                    + "the batch (default: ${DEFAULT-VALUE}).")
    double deadShare;

    @Option(names = "--exploding-norm", paramLabel = "N", defaultValue = "1e4",
            description = "Flag exploding when a gradient norm exceeds N (default: ${DEFAULT-VALUE}).")
    double explodingNorm;

    @Option(names = "--growth", paramLabel = "F", defaultValue = "10",
            description = "Flag exploding when a layer's gradient norm is more than F times the next layer's "
                    + "(default: ${DEFAULT-VALUE}).")
    double growth;

    @Option(names = "--vanishing-norm", paramLabel = "N", defaultValue = "1e-7",
            description = "Flag vanishing when a layer's gradient norm is below N (default: ${DEFAULT-VALUE}).")
    double vanishingNorm;

    @Option(names = "--shrink", paramLabel = "F", defaultValue = "10",
            description = "Flag vanishing when a layer's gradient norm is more than F times smaller than the next "
                    + "layer's (default: ${DEFAULT-VALUE}).")
    double shrink;

    @Option(names = "--update-low", paramLabel = "L", defaultValue = "-4",
            description = "With --lr: flag an update:data ratio below 10^L (default: ${DEFAULT-VALUE}).")
    double updateLow;

    @Option(names = "--update-high", paramLabel = "H", defaultValue = "-2",
            description = "With --lr: flag an update:data ratio above 10^H (default: ${DEFAULT-VALUE}).")
    double updateHigh;

    @Option(names = "--anomaly-threshold", paramLabel = "X", defaultValue = "1e10",
            description = "Values with |x| > X count as an anomaly, like NaN and Inf (default: ${DEFAULT-VALUE}).")
    double anomalyThreshold;

    @Override
    public Integer call() {
        return CommandRunner.run(spec, output.debug(), this::flow);
    }

    FlowOptions options() {
        if (lr != null && lr.isNaN()) {
            throw new UsageException("--lr must be positive and finite, got NaN");
        }
        return UsageException.fromIllegalArgument(() -> new FlowOptions(saturationLevel, saturatedShare, deadShare,
                explodingNorm, growth, vanishingNorm, shrink, lr == null ? Double.NaN : lr, updateLow, updateHigh,
                anomalyThreshold));
    }

    private int flow() {
        FlowOptions o = options();
        HealthOutput.checkWritable(output.output(), output.force(), "--output");
        HealthOutput.checkWritable(svg, output.force(), "--svg");
        if (steps < 0 || steps > MAX_STEPS) {
            throw new UsageException("--steps must be 0 (no training) to " + MAX_STEPS + " (a report is kept per step), got "
                    + steps);
        }
        if (steps > 0 && !o.hasLr()) {
            throw new UsageException("--steps " + steps + " trains with plain SGD: give its learning rate with --lr");
        }
        long limit = timeout.timeoutMs();
        Terminal t = output.terminal(Main.terminal(main));
        try (RunStop stop = RunStop.start(limit)) {
            RunFacts facts = RunFacts.of(model.modelAsGiven(), null, null, null);
            HealthModelMixin.Loaded lm;
            try {
                lm = stop.during("loading the model", model::load);
            } catch (RunStop.Stopped e) {
                facts.stoppedBy(stop, "nothing was analysed");
                return nothingRun(facts, null, t);
            }
            List<String> tensors = LoadedModel.resolveWrt(lm.model(), wrt);
            facts.output = lm.model().output();
            facts.wrt = tensors;
            String header = String.format(Locale.ROOT, "model '%s' (%s): flow of d %s%s, seed %d%s", lm.model().name(),
                    model.modelAsGiven(), lm.model().output(),
                    wrt.isEmpty() ? "" : " / d " + String.join(", ", tensors),
                    lm.seed(), o.hasLr() ? ", lr " + o.lr() : "");
            String title = "gradient flow: " + lm.model().name();
            String text;
            ObjectNode json;
            String chart;
            boolean healthy;
            try {
                if (steps > 0) {
                    FlowHistory h;
                    try (ProgressBar bar = new ProgressBar(spec.commandLine().getErr(), progress.when(
                            Main.terminal(main)), steps, "steps")) {
                        stop.bar(bar);
                        h = stop.during("the training steps",
                                () -> FlowHistory.train(lm.model(), lm.values(), tensors, o, steps, stop));
                    } finally {
                        stop.bar(null);
                    }
                    if (h.stopped()) {
                        facts.stoppedBy(stop, String.format(Locale.ROOT, "%,d of %,d training steps analysed; the rest "
                                + "were not run", h.trained(), h.asked()));
                    }
                    text = h.toText();
                    json = h.toJson(lm.seed());
                    chart = svg == null ? null : FlowChart.svg(h, title);
                    healthy = h.healthy();
                } else {
                    FlowReport r = stop.during("the flow analysis", () -> Flow.run(lm.model(), lm.values(), tensors, o));
                    text = r.toText();
                    json = r.toJson(lm.seed());
                    chart = svg == null ? null : FlowChart.svg(r, title);
                    healthy = r.healthy();
                }
            } catch (RunStop.Stopped e) {
                // a step (or the analysis) that would not end after the stop: nothing whole to report
                facts.stoppedBy(stop, "nothing was analysed in full");
                return nothingRun(facts, lm, t);
            }
            facts.putTopLevel(json);
            String body = output.json() ? HealthOutput.json(ModelNotes.json(json, lm.notes()))
                    : t.bold(header) + "\n" + ModelNotes.text(lm.notes()) + colour(text, t) + facts.incompleteLine(t);
            if (chart != null) {
                HealthOutput.write(svg, output.force(), chart, "--svg");
            }
            HealthOutput.emit(spec.commandLine().getOut(), output.output(), output.force(), body);
            return ExitCodes.of(healthy, facts.incomplete());
        }
    }

    /** The report of a run stopped before anything was analysed in full: no layers, marked incomplete. */
    private int nothingRun(RunFacts facts, HealthModelMixin.Loaded lm, Terminal t) {
        ObjectNode json = HealthOutput.nothingRun("flow", lm == null ? 0 : lm.seed());
        json.putArray("flags");
        facts.putTopLevel(json);
        String body = output.json() ? HealthOutput.json(json) : facts.incompleteLine(t);
        HealthOutput.emit(spec.commandLine().getOut(), output.output(), output.force(), body);
        return ExitCodes.INCOMPLETE;
    }

    private static String colour(String text, Terminal t) {
        if (!t.colour()) {
            return text;
        }
        StringBuilder sb = new StringBuilder();
        text.lines().forEach(line -> sb.append(line.startsWith("FLAG ") ? t.red(line)
                : line.startsWith("flow: healthy") ? t.green(t.bold(line)) : line.startsWith("flow: ")
                        ? t.red(t.bold(line)) : line).append('\n'));
        return sb.toString();
    }
}

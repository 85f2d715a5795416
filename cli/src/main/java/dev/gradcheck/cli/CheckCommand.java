package dev.gradcheck.cli;

import dev.gradcheck.CheckOptions;
import dev.gradcheck.CheckReport;
import dev.gradcheck.CheckResult;
import dev.gradcheck.Mode;
import dev.gradcheck.Status;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code gradcheck check}. */
@ExitsWith({ExitCodes.PASS, ExitCodes.CHECK_FAILED, ExitCodes.USAGE, ExitCodes.INVALID_FILE, ExitCodes.INTERNAL_ERROR,
    ExitCodes.INCOMPLETE})
@Command(name = "check", mixinStandardHelpOptions = true,
        header = "Check a model's gradients against numeric differentiation.",
        description = {"Checks a model's gradients: the analytic gradient of its output against numeric differentiation, per param (with --wrt, per input or named tensor too)."},
        footerHeading = "%nExamples:%n",
        footer = {
            "  gradcheck check examples/tiny-mlp.json",
            "  gradcheck check examples/tiny-mlp.json --mode fast --format json -o r.json",
            "  gradcheck check examples/tiny-mlp.json --forward",
            "  gradcheck check model.json --values w.npz --wrt params,x --tolerance pytorch"
        })
public final class CheckCommand implements Callable<Integer> {
    /** A FULL check of more entries than this gets a hint about the other modes after 5 s. */
    private static final long SLOW_FULL_CHECK = 100_000;

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
    ProgressMixin progress;

    @Mixin
    TimeoutMixin timeout;

    @picocli.CommandLine.Option(names = "--no-anomaly", description = "Skip the anomaly pass (by default one forward "
            + "and backward pass runs in anomaly mode, and a NaN, Inf or |x| > 1e10 fails the check naming the node "
            + "that produced it).")
    boolean noAnomaly;

    @picocli.CommandLine.Option(names = "--forward", description = "Also check the engine's forward mode (JVPs): per "
            + "checked tensor, the JVP along a random tangent on it alone against the numeric directional derivative "
            + "of the loss (results jvp/NAME), then every tangent at once (jvp/all) and the adjoint identity "
            + "<u, J v> = <J^T u, v> with the reverse-mode gradient (adjoint).")
    boolean forward;

    @Override
    public Integer call() {
        return CommandRunner.run(spec, output.debug(), () -> {
            output.ensureWritable();
            return check();
        });
    }

    private int check() {
        Terminal terminal = Main.terminal(main);
        try (RunStop stop = RunStop.start(timeout.timeoutMs())) {
            RunFacts facts = new RunFacts();
            facts.model = model.modelAsGiven();
            facts.threads = check.threads();
            LoadedModel lm;
            try {
                lm = stop.during("loading the model", () -> LoadedModel.load(model, check.engine()));
            } catch (RunStop.Stopped e) {
                return stopped(stop, facts, terminal, null, List.of(), 0, 0);
            }
            facts.output = lm.model().output();
            facts.wrt = lm.wrt();
            facts.reportNotes = lm.notes();
            String reproduce = "gradcheck check " + model.modelAsGiven()
                    + model.valuesFlags()
                    + model.loss().reproduceFlags() + " --wrt {name} --seed {seed}" + check.reproduceFlags();
            CheckOptions options = check.toOptions(lm.seed(), "check", reproduce).withMonitor(stop);
            String header = header(lm, options);
            List<CheckResult> results = new ArrayList<>();
            Set<String> zeroGradients = null;
            double passMs = Double.NaN;
            if (!noAnomaly) {
                // one forward+backward in anomaly mode, outside elapsed_ms, which times the gradient check itself
                long a0 = System.nanoTime();
                try {
                    AnomalyPass pass = stop.during("the anomaly pass", () -> AnomalyPass.run(lm));
                    passMs = (System.nanoTime() - a0) / 1e6;
                    results.addAll(pass.results());
                    facts.reportNotes = java.util.stream.Stream.concat(facts.reportNotes.stream(), pass.notes().stream())
                            .toList();
                    pass.first().ifPresent(a -> facts.anomalies.put(a.node(), a));
                    zeroGradients = pass.zeroGradients();
                    List<CheckResult> uncheckable = pass.first()
                            .map(a -> ModelChecks.uncheckable(lm, a, pass.loss())).orElse(null);
                    if (uncheckable != null) {
                        results.addAll(uncheckable);
                        return stopped(stop, facts, terminal, header, results, lm.seed(), 0);
                    }
                } catch (RunStop.Stopped e) {
                    return stopped(stop, facts, terminal, header, results, lm.seed(), 0);
                }
            }
            long t0 = System.nanoTime();
            List<CheckResult> checked = Collections.synchronizedList(new ArrayList<>());
            Set<String> known = zeroGradients;
            AtomicReference<Set<String>> zero = new AtomicReference<>();
            List<List<String>> groups = ModelChecks.groups(lm, options);
            try (ProgressBar bar = progressBar(lm, options, terminal, passMs)) {
                stop.bar(bar);
                stop.during("the gradient check", () -> {
                    zero.set(known != null ? known
                            : ZeroGradients.of(lm.model().gradients(lm.values(), lm.wrt())));
                    for (List<String> group : groups) {
                        if (stop.stopRequested()) {
                            break;
                        }
                        checked.addAll(ModelChecks.some(lm, group, options));
                    }
                    if (forward && !stop.stopRequested()) {
                        checked.addAll(ModelChecks.forward(lm, options));
                    }
                    return null;
                });
            } catch (RunStop.Stopped e) {
                // abandoned: the tensors finished before are kept
            } finally {
                stop.bar(null);
            }
            List<CheckResult> done;
            synchronized (checked) {
                done = new ArrayList<>(checked);
            }
            results.addAll(done);
            if (zero.get() != null) {
                ZeroGradients.note(zero.get(), done, facts);
            }
            return stopped(stop, facts, terminal, header, results, lm.seed(), (System.nanoTime() - t0) / 1e6,
                    options.mode() == Mode.FAST ? RunFacts.Cut.PROJECTIONS : "entries");
        }
    }

    /** The report of the results so far; when the run was stopped, marked incomplete and the rest listed as not checked. */
    private int stopped(RunStop stop, RunFacts facts, Terminal terminal, String header, List<CheckResult> results,
            long seed, double elapsedMs) {
        return stopped(stop, facts, terminal, header, results, seed, elapsedMs, "entries");
    }

    private int stopped(RunStop stop, RunFacts facts, Terminal terminal, String header, List<CheckResult> results,
            long seed, double elapsedMs, String unit) {
        stop.phase("writing the report");
        List<CheckResult> all = new ArrayList<>(results);
        if (stop.reason() != null) {
            facts.reason = stop.reason();
            facts.phase = stop.cutPhase();
            java.util.Set<String> reported = new java.util.HashSet<>();
            int whole = 0;
            String cut = "";
            for (CheckResult r : results) {
                reported.add(r.name());
                if (facts.wrt == null || !facts.wrt.contains(r.name()) || stoppedBeforeStart(r)) {
                    continue;
                }
                long[] p = stop.progressOf(r.name());
                if (p != null && p[0] < p[1]) {
                    RunFacts.Cut c = new RunFacts.Cut(p[0], p[1], unit,
                            unit.equals(RunFacts.Cut.PROJECTIONS) ? r.entriesChecked() : p[1]);
                    facts.partial.put(r.name(), c);
                    cut += "; " + r.name() + " stopped after " + c.fraction();
                } else {
                    whole++;
                }
            }
            List<String> wrt = facts.wrt == null ? List.of() : facts.wrt;
            for (String n : wrt) {
                if (!reported.contains(n)) {
                    all.add(CheckResult.builder(n).status(Status.SKIPPED).seed(seed)
                            .error("not checked: " + facts.reason + " during " + facts.phase, null).build());
                }
            }
            facts.summary = facts.reason + " during " + facts.phase + (wrt.isEmpty() || facts.partial.isEmpty()
                    && whole == 0 ? "; nothing was checked" : ": " + whole + " of " + wrt.size()
                    + " tensors checked in full" + cut + (whole == wrt.size() ? "" : "; the rest were not checked"));
        }
        facts.nothingChecked = nothingJudged(all);
        CheckReport report = new CheckReport("check", seed, elapsedMs, all).withNotes(facts.reportNotes);
        return Reports.emit(spec, output, terminal, header, report, facts);
    }

    /**
     * Why a run judged no entry (every check skipped before its first: a tensor with no entries,
     * or integer values), or null when it judged some: a check of nothing is no pass.
     */
    static String nothingJudged(List<CheckResult> results) {
        if (results.isEmpty() || !results.stream().allMatch(CheckCommand::stoppedBeforeStart)) {
            return null;
        }
        List<String> names = results.stream().map(CheckResult::name).toList();
        return "no entry of " + String.join(", ", names) + " could be judged";
    }

    /**
     * A tensor the stop reached before its first entry (or projection): skipped with nothing
     * examined. A tensor cut later may be skipped too (its entries so far too noisy to judge), and
     * is partial, not unchecked.
     */
    private static boolean stoppedBeforeStart(CheckResult r) {
        return r.status() == Status.SKIPPED && r.entriesChecked() == 0 && r.entriesSkipped() == 0 && r.probes() == 0;
    }

    private String header(LoadedModel lm, CheckOptions options) {
        long entries = lm.wrt().stream().mapToLong(n -> lm.model().shape(n).size()).sum();
        return String.format(Locale.ROOT, "model '%s' (%s): d %s / d %s (%d entries), seed %d, %s mode, %s, %s",
                lm.model().name(), model.modelAsGiven(), lm.model().output(), String.join(", ", lm.wrt()), entries, lm.seed(),
                options.mode().name().toLowerCase(Locale.ROOT), options.scheme().name().toLowerCase(Locale.ROOT),
                options.tolerance());
    }

    /**
     * The line suggesting the other modes during a slow FULL check of {@code entries} entries over
     * {@code tensors} tensors, at {@code rate} entries a second, with their expected times: FAST
     * from the anomaly pass's time {@code passMs} (a forward and backward; NaN when it did not run),
     * SAMPLED from the rate.
     */
    static String modeHint(long entries, double rate, int tensors, int probes, int samples, double passMs) {
        return String.format(Locale.ROOT, "hint: a full check of %,d entries takes %s at %s; --mode fast (%d "
                + "projections per tensor%s) or --mode sampled (%d entries per tensor, %s) check the same tensors "
                + "in a fraction of it", entries, ProgressBar.about(entries / rate),
                ProgressBar.rate(rate).replace("/s", " entries/s"), probes, Double.isNaN(passMs) ? ""
                        : ", " + ProgressBar.about(passMs / 1000 * (1 + 2.0 * probes * tensors)),
                samples, ProgressBar.about((double) samples * tensors / rate));
    }

    /**
     * Progress per entry (per projection in FAST mode) over every checked tensor; after 5 s of a
     * FULL check of more than 100,000 entries, a line suggesting FAST or SAMPLED mode with their
     * expected time.
     */
    private ProgressBar progressBar(LoadedModel lm, CheckOptions options, Terminal terminal, double passMs) {
        ProgressBar bar = ModelChecks.progressBar(spec.commandLine().getErr(), progress.when(terminal), lm, options);
        long total = lm.wrt().stream().mapToLong(n -> lm.model().shape(n).size()).sum();
        if (options.mode() == Mode.FULL && total > SLOW_FULL_CHECK) {
            long entries = total;
            int tensors = lm.wrt().size();
            bar.hintAfter(5000, rate -> modeHint(entries, rate, tensors, options.probes(), options.samples(), passMs));
        }
        return bar;
    }
}

package dev.gradcheck.cli;

import dev.gradcheck.CheckReport;
import dev.gradcheck.CheckResult;
import dev.gradcheck.EntryResult;
import dev.gradcheck.Status;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.io.StoredTensor;
import dev.gradcheck.internal.Diagnoser;
import dev.gradcheck.internal.diagnosis.Diagnosis;
import dev.gradcheck.model.DataFiles;
import dev.gradcheck.model.FloatPrecision;
import dev.gradcheck.model.GradientComparison;
import dev.gradcheck.model.PrecisionTolerance;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code gradcheck compare}. */
@ExitsWith({ExitCodes.PASS, ExitCodes.CHECK_FAILED, ExitCodes.USAGE, ExitCodes.INVALID_FILE, ExitCodes.INTERNAL_ERROR})
@Command(name = "compare", mixinStandardHelpOptions = true,
        header = "Compare gradients from elsewhere (e.g. PyTorch) with the reference.",
        description = {"Compares gradients computed elsewhere (e.g. by PyTorch, saved with numpy.savez) with the reference gradients, per param: max abs/rel error and the worst entries."},
        footerHeading = "%nExamples:%n",
        footer = {
            "  gradcheck compare examples/tiny-mlp.json --grads torch-grads.npz",
            "  gradcheck compare model.json --values w.npz --grads g.npz --format json"
        })
public final class CompareCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ParentCommand
    Main main;

    @Mixin
    ModelMixin model;

    @Mixin
    EngineMixin engine;

    @Mixin
    OutputMixin output;

    /** Default tolerances of compare: both sides are analytic, so much tighter than a numeric check. */
    static final double DEFAULT_ATOL = 1e-10;
    static final double DEFAULT_RTOL = 1e-7;

    @Option(names = "--atol", paramLabel = "A", description = "Absolute tolerance of the comparison (default 1e-10, "
            + "widened for float32, float16 or bfloat16 gradients unless --atol or --rtol is given).")
    Double atol;

    @Option(names = "--rtol", paramLabel = "R", description = "Relative tolerance of the comparison (default 1e-7, "
            + "widened as --atol's).")
    Double rtol;

    @Option(names = "--grads", paramLabel = "G.npz", required = true,
            description = "Gradients computed elsewhere, one array per param named as in the model (.npz, .npy, "
                    + ".safetensors or a PyTorch .pt state dict; float32, float16 and bfloat16 are widened to float64).")
    Path gradsFile;

    /** Explains failing entries at kinks and ties (computed only when a tensor fails). */
    private OneSidedGradients kinks;

    /** The model and values compared. */
    private LoadedModel loaded;

    @Override
    public Integer call() {
        return CommandRunner.run(spec, output.debug(), () -> {
            output.ensureWritable();
            return compare();
        });
    }

    private int compare() {
        CheckMixin.requireFinite("--atol", this.atol);
        CheckMixin.requireFinite("--rtol", this.rtol);
        LoadedModel lm = LoadedModel.load(model, engine);
        loaded = lm;
        List<StoredTensor> read = DataFiles.read(gradsFile, model.limits().maxElementsPerTensor(),
                model.limits().dataBudget());
        GradientArrays.requireFloat(gradsFile, read);
        Map<String, Tensor> external = DataFiles.arrays(read);
        List<String> notes = new ArrayList<>(lm.notes());
        String widened = DataFiles.widenedNote(gradsFile, read);
        if (widened != null) {
            notes.add(widened);
        }
        long t0 = System.nanoTime();
        Map<String, Tensor> reference = lm.model().gradients(lm.values(), lm.wrt());
        GradientComparison.Result result = GradientComparison.compare(reference, external, 5);
        double atol = this.atol != null ? this.atol : DEFAULT_ATOL;
        double rtol = this.rtol != null ? this.rtol : DEFAULT_RTOL;
        FloatPrecision precision = this.atol != null || this.rtol != null ? FloatPrecision.FLOAT64
                : precisionOf(read).coarser(lm.model().constantsPrecision());
        PrecisionTolerance reduced = PrecisionTolerance.of(precision, reference.values());
        if (precision != FloatPrecision.FLOAT64) {
            notes.add(precisionNote(reduced, read, lm.model().constantsPrecision()));
            atol = reduced.atol(atol);
            rtol = reduced.rtol(rtol);
        }
        List<CheckResult> checks = new ArrayList<>();
        kinks = new OneSidedGradients(lm.model(), lm.values(), lm.wrt(), lm.seed());
        for (GradientComparison.Param p : result.params()) {
            checks.add(toResult(p, atol, rtol, lm.seed()));
        }
        for (String name : result.unexpected()) {
            checks.add(CheckResult.builder(name).status(Status.ERROR).seed(lm.seed())
                    .error(gradsFile + " has '" + name + "', which the model does not differentiate (wrt "
                            + String.join(", ", lm.wrt()) + ")", null).build());
        }
        if (model.values().isEmpty()) {
            // their gradients were taken at their values: without them the reference is taken elsewhere
            notes.add("no --values given: the reference gradients are taken at the model's own initial values (seed "
                    + lm.seed() + "); pass the values your gradients were computed at with --values V.npz (the inputs"
                    + " and params, e.g. saved with numpy.savez)");
        }
        checks = CompareHints.annotate(checks, lm, external.keySet(), gradsFile);
        CheckReport report = new CheckReport("compare", lm.seed(), (System.nanoTime() - t0) / 1e6, checks)
                .withNotes(notes).withColumns("theirs", "reference");
        return Reports.emit(spec, output, Main.terminal(main), null, report,
                RunFacts.of(model.modelAsGiven(), lm.model().output(), lm.wrt(), engine.threads()));
    }

    /** The coarsest float format the gradients file stored (float64 when it held nothing narrower). */
    private static FloatPrecision precisionOf(List<StoredTensor> read) {
        FloatPrecision p = FloatPrecision.FLOAT64;
        for (StoredTensor t : read) {
            FloatPrecision q = FloatPrecision.of(t.stored());
            if (q != null) {
                p = p.coarser(q);
            }
        }
        return p;
    }

    private String precisionNote(PrecisionTolerance tol, List<StoredTensor> read, FloatPrecision constants) {
        FloatPrecision p = tol.precision();
        String why = precisionOf(read) == p ? gradsFile + " holds " + p.label() + " gradients"
                : "the model's constants are " + constants.label() + " (computed and stored so by its exporter), so "
                        + "gradients of the module in float64 differ from this graph's by " + constants.label()
                        + " rounding";
        return "compared at " + p.label() + " precision: " + why + "; an entry passes when |theirs - reference| <= "
                + String.format(java.util.Locale.ROOT, "%.2g", p.tolerance()) + " x (|reference| + "
                + String.format(java.util.Locale.ROOT, "%.3g", tol.scale())
                + ", the largest |reference| of all compared tensors), "
                + Math.round(p.tolerance() / p.unitRoundoff()) + " " + p.label() + " rounding units; "
                + "--atol/--rtol compare at float64 tolerances instead";
    }

    /**
     * The largest |theirs − reference| / max(|theirs|, |reference|, atol): entries whose values
     * are both below the absolute tolerance (a true zero, rounding on both sides) do not read as
     * a 100% error, as the checker's relative error does not; rtol stays out of it, so a loose
     * rtol does not shrink the figure.
     */
    private static double maxRelError(GradientComparison.Param p, double atol) {
        double[] e = p.external().data();
        double[] r = p.reference().data();
        double max = 0;
        for (int i = 0; i < r.length; i++) {
            double d = Math.abs(e[i] - r[i]);
            if (Double.isNaN(d)) {
                return Double.NaN;
            }
            double scale = Math.max(Math.max(Math.abs(e[i]), Math.abs(r[i])), atol);
            if (d > 0) {
                max = Math.max(max, d / Math.max(scale, Double.MIN_NORMAL));
            }
        }
        return max;
    }

    /** Two diagnoses one after the other ("; "), either may be null. */
    private static Diagnosis join(Diagnosis first, Diagnosis then) {
        return first == null ? then : first.then("; ", then);
    }

    /**
     * One param's comparison as a report entry: "analytic" is the file's value, "numeric" the
     * reference (the text report names them theirs / reference), with the checker's diagnosis.
     */
    private CheckResult toResult(GradientComparison.Param p, double atol, double rtol, long seed) {
        CheckResult.Builder b = CheckResult.builder(p.name()).shape(p.shape().dims()).seed(seed)
                .entriesChecked(p.problem() == null ? p.shape().size() : 0)
                .maxAbsError(p.maxAbsError())
                .maxRelError(p.problem() == null ? maxRelError(p, atol) : p.maxRelError())
                .reproduce("gradcheck compare " + model.modelAsGiven() + model.valuesFlags()
                        + model.loss().reproduceFlags()
                        + " --grads " + gradsFile + " --seed " + seed);
        if (p.problem() != null) {
            return b.status(Status.ERROR).error(p.problem(), null).build();
        }
        boolean ok = p.passes(atol, rtol);
        double[] theirs = p.external().data();
        double[] reference = p.reference().data();
        KinkEntries kink = KinkEntries.of(ok ? new boolean[0]
                : kinks.explained(p.name(), theirs, reference, atol, rtol));
        if (!ok) {
            // entries whose reference is NaN fail for what they are; the rest is judged without them
            UndefinedEntries undefined = UndefinedEntries.of(theirs, reference);
            double[] t = undefined.without(theirs);
            double[] r = undefined.without(reference);
            Diagnosis rest;
            if (kink.explainsEveryFailure(t, r, atol, rtol)) {
                // every failing entry sits on a kink or a tie: both gradients are valid there, as check's kink
                ok = undefined.count() == 0;
                rest = Diagnosis.of("kink", kink.text(kinks.kinkOps()));
            } else {
                // entries on a kink that match no side, the diagnosis of the entries off the kinks, then the kinks
                java.util.List<double[]> sides = kinks.sides(p.name());
                KinkMisses missed = KinkMisses.of(sides, t, r, kink.explained(), atol, rtol);
                Diagnosis d = Diagnoser.compare(p.shape().dims(), missed.without(kink.withoutExplained(t)),
                        missed.without(kink.withoutExplained(r)), atol, rtol);
                if (d != null && kink.count() + missed.count() > 0) {
                    d = d.prefixed("off the kinks and ties, ");
                }
                Diagnosis m = missed.diagnosis(p.shape(), sides, t, r);
                Diagnosis k = kink.count() > 0 ? Diagnosis.of("kink", kink.text(kinks.kinkOps())) : null;
                rest = join(join(m, d), k);
            }
            Diagnosis all = join(rest, undefined.diagnosis(p.shape(), theirs));
            // whole rows of an embedding's table that theirs leaves at 0: padding_idx, not a wrong index
            Diagnosis padding = PaddingRows.of(loaded.model(), p.name(), p.shape().dims(), theirs, reference, atol, rtol);
            all = padding != null ? padding : all;
            if (all != null) {
                b.diagnosis(all.text()).findings(all.kinds());
            }
        }
        if (kink.count() > 0) {
            return b.status(ok ? Status.KINK : Status.FAIL)
                    .worst(kink.worst(p.shape(), theirs, reference, atol, rtol, 5)).build();
        }
        List<EntryResult> worst = new ArrayList<>();
        for (GradientComparison.Entry e : p.worst()) {
            boolean entryOk = GradientComparison.agrees(e.external(), e.reference(), atol, rtol);
            worst.add(new EntryResult(e.index(), e.external(), e.reference(), atol + rtol * Math.abs(e.reference()),
                    Double.NaN, entryOk ? Status.PASS : Status.FAIL));
        }
        return b.status(ok ? Status.PASS : Status.FAIL).worst(worst).build();
    }
}

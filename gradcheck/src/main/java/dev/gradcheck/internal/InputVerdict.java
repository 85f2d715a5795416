package dev.gradcheck.internal;

import dev.gradcheck.CheckOptions;
import dev.gradcheck.CheckResult;
import dev.gradcheck.EntryResult;
import dev.gradcheck.Mode;
import dev.gradcheck.Status;
import dev.gradcheck.internal.diagnosis.Diagnosis;
import dev.gradcheck.internal.diagnosis.Evidence;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One input's result at the checked point: an input that is not differentiated is skipped; errors
 * first (a gradient of the wrong size, a side pass that threw); a forward that is not deterministic
 * fails every input; then its entries compared by the mode (FAST's projections, or the
 * {@link EntrySweep}), tallied, combined with the side checks' findings, and explained in words. An
 * input none of whose entries could be judged is an error ({@link NoneJudged}), not a pass.
 */
final class InputVerdict {
    /**
     * The result, and the flat offsets the resample loop may move: entries at a kink, and entries
     * whose numeric estimate did not settle; {@code noneJudged} when the result is an error only
     * because no entry could be judged (moving the point may still help, unlike a failure).
     */
    record Outcome(CheckResult result, List<Integer> kinks, List<Integer> unconverged, Evidence evidence,
            boolean noneJudged) {
        static Outcome of(CheckResult result) {
            return new Outcome(result, new ArrayList<>(), new ArrayList<>(), null, false);
        }
    }

    private final CheckOptions o;
    private final CheckedInputs inputs;
    private final Point point;
    private final SideChecks sideChecks;
    /** The point's mutation finding ({@link SideChecks#mutation}), or null. */
    private final Diagnosis mutation;
    /** The forward's nondeterminism ({@link SideChecks#forwardNondeterminism}), or null. */
    private final Diagnosis forwardRepeat;
    private final EntrySweep sweep;
    /** Keep every input's evidence in its outcome (for a diagnosis over several points), not only a failing one's. */
    private final boolean keepEvidence;

    InputVerdict(CheckOptions o, CheckedInputs inputs, Point point, SideChecks sideChecks, Diagnosis mutation,
            Diagnosis forwardRepeat, EntrySweep sweep, boolean keepEvidence) {
        this.forwardRepeat = forwardRepeat;
        this.keepEvidence = keepEvidence;
        this.o = o;
        this.inputs = inputs;
        this.point = point;
        this.sideChecks = sideChecks;
        this.mutation = mutation;
        this.sweep = sweep;
    }

    /** Input i's outcome; {@code probed} is its FAST projections (null in the other modes). */
    Outcome of(int i, FastProbe.Outcome probed) {
        CheckResult.Builder b = inputs.result(i);
        String fixed = inputs.notDifferentiated(i);
        if (fixed != null) {
            return Outcome.of(b.status(Status.SKIPPED).error(fixed, null).build());
        }
        CheckResult early = errorOrSkip(i, b);
        if (early != null) {
            return Outcome.of(early);
        }
        if (forwardRepeat != null) {
            // no numeric derivative to compare with: the entries are not measured
            return Outcome.of(b.status(Status.FAIL).diagnosis(forwardRepeat.text()).findings(forwardRepeat.kinds())
                    .build());
        }
        // Side findings, most specific first; any of them fails the input.
        Diagnosis side = mutation != null ? mutation : sideChecks.nondeterminismOf(i);
        Diagnosis linearity = sideChecks.linearityOf(i);

        List<EntryResult> entries;
        double taylor = Double.NaN;
        int probes = 0;
        String fastNote = null;
        boolean fastKink = false;
        try {
            switch (o.mode()) {
                case FAST: {
                    if (probed.error() != null) {
                        throw probed.error();
                    }
                    FastProbe.Result r = probed.result();
                    entries = r.entries;
                    probes = r.probes;
                    fastNote = r.unlocalised;
                    fastKink = r.kink;
                    break;
                }
                case SAMPLED: {
                    EntrySweep.Swept s = sweep.sampled(i);
                    entries = s.entries();
                    taylor = s.taylorSlope();
                    break;
                }
                default: {
                    EntrySweep.Swept s = sweep.all(i);
                    entries = s.entries();
                    taylor = s.taylorSlope();
                }
            }
        } catch (UserCodeException e) {
            return Outcome.of(b.status(Status.ERROR).error(e.getMessage(), e.getCause()).build());
        }

        if (o.monitor().stopRequested() && (o.mode() == Mode.FAST ? probes == 0 : entries.isEmpty())) {
            return Outcome.of(b.status(Status.SKIPPED).error("not checked: the check was stopped before its first "
                    + (o.mode() == Mode.FAST ? "projection" : "entry"), null).build());
        }
        EntryTally tally = new EntryTally(entries, inputs.shape(i));
        Status status = tally.status();
        b.resolution(tally.relativeResolution(), tally.absoluteResolution()).entriesSkipped(tally.skipped());
        if (o.taylor()) {
            // the Taylor slope: measured beside the entries in FULL and SAMPLED mode, after them in FAST
            b.taylorSlope(o.mode() == Mode.FAST ? sweep.taylorSlope(i) : taylor);
        }
        if (fastNote != null) {
            status = Status.FAIL;
        }
        if (fastKink) {
            status = Status.worse(status, Status.KINK);
        }
        if (side != null || linearity != null) {
            status = Status.FAIL;
        }
        // mutation and nondeterminism explain wrong values; the linearity finding comes after the value pattern
        Diagnosis diagnosis = side;
        long skipped = tally.skipped();
        boolean noneJudged = false;
        Evidence evidence = keepEvidence && o.mode() != Mode.FAST ? evidence(i, entries) : null;
        if (diagnosis == null && status == Status.FAIL) {
            diagnosis = fastNote != null ? Diagnosis.of("unlocalised", fastNote)
                    : Diagnoser.diagnose(evidence != null ? evidence : evidence(i, entries));
            if (linearity != null) {
                diagnosis = diagnosis == null ? linearity : diagnosis.then("; also ", linearity);
            }
        } else if (diagnosis == null && skipped > 0 && status != Status.FAIL) {
            // nothing judged is not a pass (unless the check was stopped before it could judge)
            noneJudged = skipped == entries.size() && !o.monitor().stopRequested();
            b.error(noneJudged ? NoneJudged.message(entries.size(), skipped, tally.unresolved(), point.y(), o.precision())
                    : skipReason(skipped, tally.unresolved(), entries.size(), status), null);
            status = noneJudged ? Status.ERROR : Status.SKIPPED;
        } else if (diagnosis == null && status == Status.KINK) {
            // a note, not a cause: no finding
            diagnosis = new Diagnosis(kinkReason(tally.kinks().size(), fastKink), List.of());
        }
        // FAST compares only localised entries one by one; all entries were covered by the projections
        long checked = o.mode() == Mode.FAST ? point.x()[i].length : entries.size() - skipped;
        List<EntryResult> worst = withPoint(i, WorstEntries.first(entries, o.worst()));
        CheckResult result = b.status(status).entriesChecked(checked).maxAbsError(tally.maxAbsError())
                .maxRelError(tally.maxRelError()).worst(worst).diagnosis(diagnosis == null ? null : diagnosis.text())
                .findings(diagnosis == null ? List.of() : diagnosis.kinds()).probes(probes).build();
        return new Outcome(result, tally.kinks(), tally.unconverged(), evidence, noneJudged);
    }

    /** The input's result when it cannot be compared (an error, or no entries), else null. */
    private CheckResult errorOrSkip(int i, CheckResult.Builder b) {
        double[] gi = point.gradients()[i];
        String size = inputs.sizeProblem(i, gi, "backward");
        if (size != null) {
            String cause = inputs.unreducedBroadcast(i, gi, point.y().length);
            if (cause != null) {
                b.diagnosis(cause).findings(List.of(CheckedInputs.UNREDUCED_BROADCAST));
            }
            return b.status(Status.ERROR).error(size, null).build();
        }
        if (sideChecks.error() != null) {
            return b.status(Status.ERROR).error(sideChecks.error(), sideChecks.cause()).build();
        }
        String otherSize = sideChecks.sizeProblemOf(i);
        if (otherSize != null) {
            return b.status(Status.ERROR).error(otherSize, null).build();
        }
        if (point.x()[i].length == 0) {
            return b.status(Status.SKIPPED).error("'" + inputs.name(i) + "' has no entries: nothing to check", null).build();
        }
        return null;
    }

    private Evidence.Scope scope() {
        return o.mode() == Mode.FULL ? Evidence.Scope.FULL
                : o.mode() == Mode.FAST ? Evidence.Scope.LOCALISED : Evidence.Scope.SAMPLED;
    }

    /**
     * What is known about input i's compared entries: the point, the gradOutput and output, and the
     * forward with input i replaced (for the patterns that evaluate it elsewhere).
     */
    private Evidence evidence(int i, List<EntryResult> entries) {
        double[][] x = point.x();
        String[] names = new String[inputs.count()];
        int[][] shapes = new int[inputs.count()][];
        for (int k = 0; k < names.length; k++) {
            names[k] = inputs.name(k);
            shapes[k] = inputs.shape(k);
        }
        // a FULL sweep stopped early (CheckMonitor) saw some entries only: judged as a sample
        Evidence.Scope scope = o.mode() == Mode.FULL && entries.size() < x[i].length ? Evidence.Scope.SAMPLED
                : scope();
        return Evidence.of(inputs.shape(i), entries, scope).point(i, names, shapes, x)
                .output(point.phi().gradOutput(), point.y()).forward(values -> {
                    double[][] work = x.clone();
                    for (int k = 0; k < work.length; k++) {
                        work[k] = x[k].clone(); // the function may write to its arguments
                    }
                    work[i] = values.clone();
                    return point.phi().outputs(work);
                }).build();
    }

    /**
     * The worst entries with the point's values at each: input i's own, then every other input of
     * the same shape at the same index.
     */
    private List<EntryResult> withPoint(int i, List<EntryResult> worst) {
        double[][] x = point.x();
        List<EntryResult> out = new ArrayList<>(worst.size());
        for (EntryResult e : worst) {
            int j = Indexing.flat(e.index(), inputs.shape(i));
            Map<String, Double> at = new LinkedHashMap<>();
            at.put(inputs.name(i), x[i][j]);
            for (int k = 0; k < x.length; k++) {
                if (k != i && java.util.Arrays.equals(inputs.shape(k), inputs.shape(i))) {
                    at.put(inputs.name(k), x[k][j]);
                }
            }
            out.add(e.withAt(at));
        }
        return out;
    }

    /** Why {@code skipped} of {@code compared} entries were skipped ({@code unresolved} of them for low resolution). */
    static String skipReason(long skipped, long unresolved, int compared, Status othersStatus) {
        String why = skipped + " of " + compared + " entr" + (compared == 1 ? "y" : "ies") + " skipped: "
                + skipCauses(skipped, unresolved);
        if (skipped < compared) {
            why += "; the other entries " + (othersStatus == Status.KINK ? "pass or sit at kinks" : "pass");
        }
        return why;
    }

    /** Why {@code skipped} entries were skipped ({@code unresolved} of them for low resolution), in words. */
    static String skipCauses(long skipped, long unresolved) {
        long unconverged = skipped - unresolved;
        List<String> parts = new ArrayList<>();
        if (unconverged > 0) {
            parts.add(unconverged + (unresolved > 0 ? " because" : "") + " the numeric derivative did not converge (its"
                    + " error estimate stayed above " + FiniteDifference.SETTLED + " relative to the gradient's scale at"
                    + " every step tried, even at a re-drawn nearby point): the function is too ill-conditioned here to"
                    + " judge " + (unconverged == 1 ? "it" : "them"));
        }
        if (unresolved > 0) {
            parts.add(unresolved + (unconverged > 0 ? " for" : "") + " low resolution: the numeric derivative's error"
                    + " estimate is over " + Math.round(100 * EntryJudge.RESOLVES) + "% of the value, so an error of 10%"
                    + " there could pass unseen (the function's own rounding swamps "
                    + (unresolved == 1 ? "this entry's" : "these entries'") + " derivative)");
        }
        return String.join("; ", parts);
    }

    static String kinkReason(long k, boolean fastKink) {
        return k == 0 && fastKink
                ? "a random projection crosses a kink: its left and right differences disagree and the analytic "
                        + "value lies between them; every entry compared on its own passes"
                : k + " entr" + (k == 1 ? "y is" : "ies are")
                        + " at a kink: left and right differences disagree and the analytic value lies between them";
    }
}

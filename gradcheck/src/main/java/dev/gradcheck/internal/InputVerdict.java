package dev.gradcheck.internal;

import dev.gradcheck.CheckOptions;
import dev.gradcheck.CheckResult;
import dev.gradcheck.EntryResult;
import dev.gradcheck.Mode;
import dev.gradcheck.Status;
import java.util.ArrayList;
import java.util.List;

/**
 * One input's result at the checked point: errors first (a gradient of the wrong size, a side pass
 * that threw), then its entries compared by the mode (FAST's projections, or the {@link EntrySweep}),
 * tallied, combined with the side checks' findings, and explained in words.
 */
final class InputVerdict {
    /**
     * The result, and the flat offsets the resample loop may move: entries at a kink, and entries
     * whose numeric estimate did not settle.
     */
    record Outcome(CheckResult result, List<Integer> kinks, List<Integer> unconverged) {
        static Outcome of(CheckResult result) {
            return new Outcome(result, new ArrayList<>(), new ArrayList<>());
        }
    }

    private final CheckOptions o;
    private final CheckedInputs inputs;
    private final Point point;
    private final SideChecks sideChecks;
    /** The point's mutation finding ({@link SideChecks#mutation}), or null. */
    private final String mutation;
    private final EntrySweep sweep;

    InputVerdict(CheckOptions o, CheckedInputs inputs, Point point, SideChecks sideChecks, String mutation,
            EntrySweep sweep) {
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
        CheckResult early = errorOrSkip(i, b);
        if (early != null) {
            return Outcome.of(early);
        }
        // Side findings, most specific first; any of them fails the input.
        String side = mutation != null ? mutation : sideChecks.nondeterminismOf(i);
        String linearity = sideChecks.linearityOf(i);

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
        String diagnosis = side;
        long skipped = tally.skipped();
        if (diagnosis == null && status == Status.FAIL) {
            diagnosis = fastNote != null ? fastNote : Diagnoser.diagnose(inputs.shape(i), entries, scope());
            if (linearity != null) {
                diagnosis = diagnosis == null ? linearity : diagnosis + "; also " + linearity;
            }
        } else if (diagnosis == null && skipped > 0 && status != Status.FAIL) {
            b.error(unconvergedReason(skipped, entries.size(), status), null);
            status = Status.SKIPPED;
        } else if (diagnosis == null && status == Status.KINK) {
            diagnosis = kinkReason(tally.kinks().size(), fastKink);
        }
        // FAST compares only localised entries one by one; all entries were covered by the projections
        long checked = o.mode() == Mode.FAST ? point.x()[i].length : entries.size() - skipped;
        List<EntryResult> worst = WorstEntries.first(entries, o.worst());
        CheckResult result = b.status(status).entriesChecked(checked).maxAbsError(tally.maxAbsError())
                .maxRelError(tally.maxRelError()).worst(worst).diagnosis(diagnosis).probes(probes).build();
        return new Outcome(result, tally.kinks(), tally.unconverged());
    }

    /** The input's result when it cannot be compared (an error, or no entries), else null. */
    private CheckResult errorOrSkip(int i, CheckResult.Builder b) {
        String size = inputs.sizeProblem(i, point.gradients()[i], "backward");
        if (size != null) {
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
            return b.status(Status.SKIPPED).error("input '" + inputs.name(i) + "' has no entries", null).build();
        }
        return null;
    }

    private Diagnoser.Scope scope() {
        return o.mode() == Mode.FULL ? Diagnoser.Scope.FULL
                : o.mode() == Mode.FAST ? Diagnoser.Scope.LOCALISED : Diagnoser.Scope.SAMPLED;
    }

    private static String unconvergedReason(long skipped, int compared, Status othersStatus) {
        String why = skipped + " of " + compared + " entr" + (compared == 1 ? "y" : "ies")
                + " skipped: the numeric derivative did not converge (its error estimate stayed above "
                + FiniteDifference.SETTLED + " relative to the gradient's scale at every step tried, even at a"
                + " re-drawn nearby point): the function is too ill-conditioned here to judge "
                + (skipped == 1 ? "it" : "them");
        if (skipped < compared) {
            why += "; the other entries " + (othersStatus == Status.KINK ? "pass or sit at kinks" : "pass");
        }
        return why;
    }

    private static String kinkReason(long k, boolean fastKink) {
        return k == 0 && fastKink
                ? "a random projection crosses a kink: its left and right differences disagree and the analytic "
                        + "value lies between them; every entry compared on its own passes"
                : k + " entr" + (k == 1 ? "y is" : "ies are")
                        + " at a kink: left and right differences disagree and the analytic value lies between them";
    }
}

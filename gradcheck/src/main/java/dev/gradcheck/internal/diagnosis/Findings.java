package dev.gradcheck.internal.diagnosis;

import java.util.List;
import java.util.Set;

/**
 * The registry of findings, in the order they are tried; the first whose evidence test passes names
 * the cause. Non-finite values and a numeric or analytic side that is zero throughout come first;
 * then "analytic = gradOutput" (the derivative taken as 1), which a constant factor would also fit
 * where the true derivative is constant; then patterns that hold on every entry (a factor, a
 * product, a constant offset, a term proportional to the input, a complement, one block of the outputs' gradient, a term
 * shared by each slice, a transpose, a shift, a reversal, a kernel applied reversed, the Jacobian
 * untransposed, then a matrix of it reshaped where a transpose was meant (a square one read so is
 * the untransposed case), and last the slices of a dimension permuted, after those, which move
 * entries or slices in a more specific way); then those about the wrong entries only
 * (output for input), qualified by the region the wrong entries fill when there is one; then
 * another registered function's derivative, regions, smoothly varying factors, and the layout patterns (one entry, one slice, zeros);
 * last a shift invariance of the forward that the analytic gradient breaks, which says what property
 * the backward violates but not which term, so every more specific finding goes before it.
 */
public final class Findings {
    /** Patterns of the non-finite entries, or of every entry's numeric or analytic value alone. */
    private static final List<Finding> FIRST = List.of(new NonFiniteFinding(), new FloatForwardFinding(),
            new PiecewiseConstantFinding(),
            new NotConnectedFinding());
    /**
     * Analytic = gradOutput exactly: before the value patterns, because where the true derivative is
     * constant a factor fits too (c = 1/slope), and "the derivative was taken as 1" is the mechanism.
     */
    private static final Finding DERIVATIVE_ONE = new DerivativeOneFinding();
    /** Patterns true of every entry. */
    private static final List<Finding> GLOBAL = List.of(new FactorFinding(), new ProductFinding(), new OffsetFinding(),
            new LinearTermFinding(), new ComplementFinding(), new OneBlockFinding(),
            new SliceTermFinding(), new CentredTermFinding(), new StepDerivativeFinding(), new TransposedFinding(),
            new ShiftedFinding(), new ReversedFinding(), new FlippedKernelFinding(), new NotTransposedFinding(),
            new ReshapedFinding(), new PermutedFinding());
    /** Patterns of the wrong entries only: a region they fill is added. */
    private static final List<Finding> WRONG_ONLY = List.of(new OutputForInputFinding(), new InputForOutputFinding());
    /**
     * The rest, in order: one output's contribution standing for all (= for +=), which names why
     * where the layout findings after it would say only where; another function's derivative before
     * the region it leaves wrong (where the two derivatives differ), which says where and not why;
     * a backward in single precision before the regions, zeros and layouts its rounding leaves
     * (1 − y² of a float y is 0 at large |x|); a broken shift invariance last, where nothing more
     * specific fits (a softmax's or a norm's missing term is named by the term findings before it).
     */
    private static final List<Finding> LAST = List.of(new OverwrittenFinding(), new SiblingFinding(),
            new SinglePrecisionFinding(), new RegionFinding(), new UnmaskedFinding(), new NearMissFinding(),
            new SmoothFactorFinding(), new OneEntryFinding(), new SliceFinding(), new ZeroSomeFinding(),
            new ShiftInvarianceFinding());

    /** The kinds of the findings that say where, not why (one entry, some zeros, unlocalised, the next step). */
    public static final Set<String> WHERE_ONLY = Set.of("one_entry", "zero_some", "unlocalised", "next_step");
    /**
     * The kinds that say where and hint at why without naming it (a region or a block alone, a
     * factor varying with the input, a derivative that does not saturate at one magnitude, a shift
     * invariance broken with no term named): another draw's finding that names a cause is preferred.
     */
    public static final Set<String> VAGUE = Set.of(RegionFinding.KIND, SliceFinding.KIND, SmoothFactorFinding.KIND,
            PiecewiseConstantFinding.SATURATED, Findings.FLAT_POINT, ShiftInvarianceFinding.KIND);
    /**
     * The kind added to a value pattern found where the numeric derivative is zero on every entry:
     * there several causes give the same numbers, so the diagnosis is qualified and another point's
     * is preferred, even though its other kinds name a cause.
     */
    public static final String FLAT_POINT = "flat_point";
    /** The op-level kind of "only input 'x' is wrong; every other input passes at every draw". */
    public static final String ONLY_INPUT = "only_input";
    /**
     * The kind of a run of entries or a slice at one draw: often chance where the wrong entries are
     * those on one side of a threshold at every draw, so a region over the draws
     * ({@link #acrossPointsWithinDraws}) replaces it.
     */
    public static final String SLICE = SliceFinding.KIND;
    /** The kind of "the analytic gradient is zero on every entry" ({@link NotConnectedFinding}). */
    public static final String NOT_CONNECTED = NotConnectedFinding.KIND;
    /** The kind added to {@link #NOT_CONNECTED} when another draw's analytic gradient is not zero ({@link #zeroHereOnly}). */
    public static final String ZERO_HERE = "zero_here";
    /** The kind of "the forward is piecewise constant" (see {@link #saturated}). */
    public static final String PIECEWISE_CONSTANT = PiecewiseConstantFinding.KIND;

    private Findings() {
    }

    /**
     * Whether a diagnosis of these kinds gains from the evidence of more points ({@link #acrossPoints}):
     * it says only where (its kinds other than {@code ignored} are all {@link #WHERE_ONLY}), or names a region.
     */
    public static boolean gainsFromMorePoints(List<String> kinds, Set<String> ignored) {
        return kinds.contains(RegionFinding.KIND)
                || kinds.stream().allMatch(k -> WHERE_ONLY.contains(k) || ignored.contains(k));
    }

    /** The diagnosis of the evidence, or null when it has no wrong entry or no pattern fits. */
    public static Diagnosis diagnose(Evidence e) {
        if (e.wrongCount() == 0) {
            return null;
        }
        for (Finding f : FIRST) {
            Diagnosis d = f.test(e);
            if (d != null) {
                return d;
            }
        }
        Diagnosis value = valuePattern(e);
        if (value != null) {
            return e.numericZero() ? atFlatPoint(value) : value;
        }
        for (Finding f : LAST) {
            Diagnosis d = f.test(e);
            if (d != null) {
                return f instanceof RegionFinding ? wholeSliceFirst(e, d) : d;
            }
        }
        return null;
    }

    /** The first of derivative 1, the global patterns and the wrong-only ones that fits, or null. */
    private static Diagnosis valuePattern(Evidence e) {
        Diagnosis one = DERIVATIVE_ONE.test(e);
        if (one != null) {
            return withRegion(e, one);
        }
        for (Finding f : GLOBAL) {
            Diagnosis d = f.test(e);
            if (d != null) {
                return d;
            }
        }
        for (Finding f : WRONG_ONLY) {
            Diagnosis d = f.test(e);
            if (d != null) {
                return withRegion(e, d);
            }
        }
        return null;
    }

    /**
     * A value pattern where the numeric derivative is zero on every entry (a saturated point: a
     * one-hot softmax, a tanh at ±1): there analytic − numeric is the analytic value itself, and a
     * missing term that cancels the derivative here (softmax's −y·Σ g·y) gives the same numbers as
     * the pattern's cause. Said so, not claimed.
     */
    private static Diagnosis atFlatPoint(Diagnosis d) {
        return new Diagnosis("the numeric derivative is zero within rounding on every entry here (a saturated point,"
                + " e.g. a one-hot softmax or a tanh at ±1), where several causes give the same numbers; taken alone: "
                + d.text() + "; or a term that cancels the derivative here is missing (e.g. softmax's -y·Σ g·y at a"
                + " one-hot output): a point where the function varies tells them apart",
                java.util.stream.Stream.concat(d.kinds().stream(), java.util.stream.Stream.of(FLAT_POINT)).toList());
    }

    /**
     * A region whose wrong entries are also exactly one whole row (column, slice): the slice is
     * named first and the region after it, as both hold and neither is likely by chance alone.
     */
    private static Diagnosis wholeSliceFirst(Evidence e, Diagnosis region) {
        Diagnosis slice = SliceFinding.wholeSlice(e) ? new SliceFinding().test(e) : null;
        return slice == null ? region : withRegion(e, slice);
    }

    /**
     * The diagnosis of one input's evidence pooled over several points ({@link Evidence#pool}): only
     * the patterns that gain from more points, the regions (of the non-finite entries, else of the
     * wrong ones), or null.
     */
    public static Diagnosis acrossPoints(Evidence pooled) {
        if (pooled == null || pooled.wrongCount() == 0) {
            return null;
        }
        Diagnosis d = new NonFiniteFinding().test(pooled);
        if (d != null) {
            return d.kinds().contains(RegionFinding.KIND) ? d : null;
        }
        return new RegionFinding().test(pooled);
    }

    /**
     * {@link #acrossPoints} of one input's draws pooled, only when some draw has both wrong entries
     * and right ones that could show an error: where every draw is wholly wrong or wholly right, a
     * threshold between the pooled entries only tells the draws' magnitudes apart (a term that fades
     * where the function saturates at |x|~100), which is no branch. Null otherwise.
     */
    public static Diagnosis acrossPointsWithinDraws(List<Evidence> draws) {
        boolean mixed = false;
        for (Evidence e : draws) {
            boolean anyRight = false;
            for (int k = 0; k < e.size(); k++) {
                anyRight |= !e.wrong[k] && (e.significant(k) || Math.abs(e.a[k]) > e.t[k]);
            }
            mixed |= anyRight && e.wrongCount() > 0;
        }
        return mixed && draws.size() > 1 ? acrossPoints(Evidence.pool(draws)) : null;
    }

    /**
     * For an input whose analytic gradient is zero on every entry at one draw ({@link #NOT_CONNECTED}):
     * when at another of {@code draws} it stands out from zero (beyond the tolerance) on some entry,
     * the input is connected in backward, and the diagnosis says so instead; null otherwise.
     */
    public static Diagnosis zeroHereOnly(List<Evidence> draws) {
        int nonZero = 0;
        for (Evidence e : draws) {
            for (int k = 0; k < e.size(); k++) {
                nonZero += Math.abs(e.a[k]) > e.t[k] ? 1 : 0;
            }
        }
        return nonZero == 0 ? null : new Diagnosis("analytic gradient is zero on every entry where"
                + " numeric is not, at this point only: at another draw it is non-zero (on " + nonZero + " entries),"
                + " so the input is connected in backward; a term of its gradient that does not vanish here is"
                + " missing (the terms computed all vanish here, e.g. where a gate or activation saturates), or a"
                + " branch zeroes the gradient here", List.of(NOT_CONNECTED, ZERO_HERE));
    }

    /**
     * The diagnosis of one input's draws compared entry by entry, for a function of one output
     * value: a complement the same at every draw ({@link ComplementFinding#acrossDraws}), or null.
     */
    public static Diagnosis acrossDraws(List<Evidence> draws) {
        return ComplementFinding.acrossDraws(draws);
    }

    /**
     * The diagnosis of evidence whose numeric derivative is zero everywhere, at |x|~{@code here},
     * when the same function varies at the smaller |x|~{@code varies} (another point's evidence
     * showed it, {@link Evidence#varies()}): the forward is flat here, saturated, not piecewise
     * constant. Null when the evidence does not show a zero numeric derivative.
     */
    public static Diagnosis saturated(Evidence e, String here, String varies) {
        String zero = e == null ? null : PiecewiseConstantFinding.zeroEverywhere(e);
        return zero == null ? null : PiecewiseConstantFinding.saturated(zero, here, varies);
    }

    /** {@code d}, plus the region the wrong entries fill when one does. */
    private static Diagnosis withRegion(Evidence e, Diagnosis d) {
        int m = e.size();
        boolean[] right = new boolean[m];
        for (int k = 0; k < m; k++) {
            right[k] = !e.wrong[k] && (e.significant(k) || Math.abs(e.a[k]) > e.t[k]);
        }
        Region r = Region.find(e, e.wrong, right);
        if (r == null) {
            return d;
        }
        return d.then("; ", Diagnosis.of(RegionFinding.KIND, "the wrong entries are exactly those where " + r.where() + " ("
                + Wording.regionCounts(r, "wrong entries", "right ones") + ")"));
    }
}

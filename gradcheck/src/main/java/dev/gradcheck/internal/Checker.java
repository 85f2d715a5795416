package dev.gradcheck.internal;

import dev.gradcheck.CheckOptions;
import dev.gradcheck.CheckResult;
import dev.gradcheck.DifferentiableFunction;
import dev.gradcheck.EntryResult;
import dev.gradcheck.Precision;
import dev.gradcheck.internal.diagnosis.Evidence;
import java.util.Comparator;
import java.util.List;

/**
 * Checks a {@link DifferentiableFunction} at one point: one {@link CheckResult} per input.
 *
 * <p>The work is split by job: {@link ResampleLoop} moves the point off kinks and unsettled
 * entries and checks again; {@link PointCheck} checks at one point (forward, a seeded random
 * gradOutput u, backward, the {@link SideChecks}, FAST's {@link FastProbe projections}); per input,
 * {@link InputVerdict} compares the entries ({@link EntrySweep}, each judged by the
 * {@link EntryJudge}, kinks by the {@link KinkTest}), tallies them, picks the {@link WorstEntries}
 * and explains the result ({@link Diagnoser}). {@link MutationGuard} keeps the point safe from the
 * function; {@link Phi} evaluates φ = ⟨u, f⟩ near the point.
 */
public final class Checker {
    private Checker() {
    }

    /**
     * Checks {@code f} at {@code inputs} (flat row-major arrays of the given shapes), resampling
     * kinks when the options ask for it. The arrays are read, never written (a resample moves a
     * copy), and must not change during the check.
     */
    public static List<CheckResult> check(DifferentiableFunction f, double[][] inputs, int[][] shapes,
            String[] names, CheckOptions options) {
        return check(f, inputs, shapes, names, null, options, false).results();
    }

    /**
     * The results, and per input what the diagnoser knew about it (null in FAST mode, or for an
     * input that errored), for a diagnosis over several points ({@code CustomOpCheck}'s draws).
     */
    public record Checked(List<CheckResult> results, List<Evidence> evidence) {
    }

    /** As {@link #check(DifferentiableFunction, double[][], int[][], String[], CheckOptions)}, keeping every input's evidence. */
    public static Checked checkKeepingEvidence(DifferentiableFunction f, double[][] inputs, int[][] shapes,
            String[] names, CheckOptions options) {
        return check(f, inputs, shapes, names, null, options, true);
    }

    /**
     * As {@link #checkKeepingEvidence(DifferentiableFunction, double[][], int[][], String[], CheckOptions)},
     * with inputs that are passed to {@code f} but never perturbed nor compared: where
     * {@code notDifferentiated[i]} is not null (the reason, e.g. integer values), input i's result is
     * {@code skipped} with it, and its gradient is not read.
     */
    public static Checked checkKeepingEvidence(DifferentiableFunction f, double[][] inputs, int[][] shapes,
            String[] names, String[] notDifferentiated, CheckOptions options) {
        return check(f, inputs, shapes, names, notDifferentiated.clone(), options, true);
    }

    private static Checked check(DifferentiableFunction f, double[][] inputs, int[][] shapes, String[] names,
            String[] notDifferentiated, CheckOptions options, boolean keepEvidence) {
        PointCheck check = new PointCheck(f, new CheckedInputs(names, shapes, notDifferentiated, options), options,
                keepEvidence);
        // the point is only read until a resample moves it: until then, in double (where rounding
        // is the identity), the caller's own arrays
        double[][] x = inputs.clone();
        if (options.precision() != Precision.FLOAT64) {
            for (int i = 0; i < inputs.length; i++) {
                x[i] = new double[inputs[i].length];
                for (int j = 0; j < x[i].length; j++) {
                    x[i][j] = options.precision().round(inputs[i][j]);
                }
            }
        }
        return ResampleLoop.run(check, inputs, x, options);
    }

    /** The first {@code k} entries in the report's worst-first order ({@link WorstEntries#first}). */
    static List<EntryResult> worst(List<EntryResult> entries, int k) {
        return WorstEntries.first(entries, k);
    }

    /** The order of the report's worst entries (for tests). */
    static Comparator<EntryResult> worstFirst() {
        return WorstEntries.WORST_FIRST;
    }
}

package dev.gradcheck.cli;

import dev.gradcheck.EntryResult;
import dev.gradcheck.Status;
import dev.gradcheck.engine.Shape;
import dev.gradcheck.model.GradientComparison;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * The entries of one compared tensor that {@link OneSidedGradients} explains as a kink or a tie:
 * how compare reports them (status {@code kink} when they are all that fails, else the diagnosis
 * of the rest) and which rows it shows.
 *
 * @param explained a flag per entry, true where theirs matches a one-sided reference gradient
 * @param count how many entries are flagged
 */
record KinkEntries(boolean[] explained, int count) {
    static KinkEntries of(boolean[] explained) {
        int n = 0;
        for (boolean e : explained) {
            n += e ? 1 : 0;
        }
        return new KinkEntries(explained, n);
    }

    /**
     * {@code values} with the explained entries set to 0: applied to both sides, it leaves them
     * out of the diagnosis (0 = c·0 for any factor) while the rest keep their indices.
     */
    double[] withoutExplained(double[] values) {
        return EntryMasks.zeroed(values, explained, count);
    }

    /** True when every entry that fails compare's rule is explained (some entry being explained). */
    boolean explainsEveryFailure(double[] theirs, double[] reference, double atol, double rtol) {
        for (int i = 0; i < reference.length; i++) {
            if (!explained[i] && !GradientComparison.agrees(theirs[i], reference[i], atol, rtol)) {
                return false;
            }
        }
        return count > 0;
    }

    /** The report's words for the explained entries, naming the model's ops with kinks. */
    String text(Set<String> kinkOps) {
        return count + (count == 1 ? " entry differs" : " entries differ") + " only where the forward sits on a kink or"
                + " a tie (of " + String.join(", ", kinkOps) + " here): theirs is the reference gradient just to one side"
                + " (the values moved by up to 1e-9 x max(1, |value|) along a random direction), and there both one-sided"
                + " gradients are valid (PyTorch's hardtanh passes none at its bounds where clamp passes it; its max"
                + " gives a tie to one entry where amax splits it); pass --values off the kinks and ties to compare"
                + (count == 1 ? " this entry" : " these entries") + " too";
    }

    /**
     * The rows to show, at most {@code limit}: unexplained failures first, then the kink entries,
     * each by absolute error, largest first (index order on equal errors).
     */
    List<EntryResult> worst(Shape shape, double[] theirs, double[] reference, double atol, double rtol, int limit) {
        List<Integer> rows = new ArrayList<>();
        for (int i = 0; i < reference.length; i++) {
            if (!GradientComparison.agrees(theirs[i], reference[i], atol, rtol)) {
                rows.add(i);
            }
        }
        Comparator<Integer> order = Comparator.<Integer, Boolean>comparing(i -> explained[i])
                .thenComparing(i -> {
                    double d = Math.abs(theirs[i] - reference[i]);
                    return Double.isNaN(d) ? Double.NEGATIVE_INFINITY : -d;
                })
                .thenComparing(i -> i);
        rows.sort(order);
        List<EntryResult> out = new ArrayList<>();
        for (int i : rows.subList(0, Math.min(limit, rows.size()))) {
            out.add(new EntryResult(shape.unravel(i), theirs[i], reference[i], atol + rtol * Math.abs(reference[i]),
                    Double.NaN, explained[i] ? Status.KINK : Status.FAIL));
        }
        return out;
    }
}

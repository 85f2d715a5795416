package dev.gradcheck.cli;

import dev.gradcheck.engine.Shape;
import dev.gradcheck.internal.diagnosis.Diagnosis;
import java.util.Arrays;

/**
 * The entries of one compared tensor where the reference gradient is NaN: the chain rule through
 * the model as written has no value there (sqrt(x·x) at 0 gives ∞·0). PyTorch's backward gives NaN
 * there too, or a value of its own (a convention, or a guard in its formula). Such an entry still
 * fails, as a NaN gradient does in {@code grads}, but for what it is, not as a mismatch: the
 * diagnosis of the other entries is computed without them.
 *
 * @param at a flag per entry, true where the reference is NaN
 * @param count how many entries are flagged
 * @param nanInTheirs how many of them are NaN in theirs too
 */
record UndefinedEntries(boolean[] at, int count, int nanInTheirs) {
    static UndefinedEntries of(double[] theirs, double[] reference) {
        boolean[] at = new boolean[reference.length];
        int n = 0;
        int both = 0;
        for (int i = 0; i < at.length; i++) {
            at[i] = Double.isNaN(reference[i]);
            n += at[i] ? 1 : 0;
            both += at[i] && Double.isNaN(theirs[i]) ? 1 : 0;
        }
        return new UndefinedEntries(at, n, both);
    }

    /** {@code values} with the flagged entries set to 0, so that both sides agree there. */
    double[] without(double[] values) {
        return EntryMasks.zeroed(values, at, count);
    }

    /** The report's words for the flagged entries; null when there are none. */
    Diagnosis diagnosis(Shape shape, double[] theirs) {
        if (count == 0) {
            return null;
        }
        String cause = "the chain rule through the model as written is undefined there (∞·0 or ∞ − ∞, e.g."
                + " sqrt(x·x) or a power below 1 at 0)";
        String remedy = "guard the op (e.g. sqrt(x·x + ε)) or pass --values away from that point";
        if (nanInTheirs == count) {
            return Diagnosis.of("undefined", "theirs and the reference are both NaN at " + where(shape, at, count)
                    + ": the two backward passes agree, but " + cause + "; the gradient is unusable there: " + remedy);
        }
        boolean[] finite = new boolean[at.length];
        for (int i = 0; i < at.length; i++) {
            finite[i] = at[i] && !Double.isNaN(theirs[i]);
        }
        return Diagnosis.of("undefined", "the reference is NaN at " + where(shape, finite, count - nanInTheirs)
                + " where theirs is not" + (nanInTheirs == 0 ? "" : " (and NaN in both at " + nanInTheirs + " more)")
                + ": " + cause + ", and theirs takes a value of its own there (a convention such as a subgradient,"
                + " or a guard in their backward): " + remedy + " to compare it");
    }

    private static String where(Shape shape, boolean[] flags, int n) {
        int first = 0;
        while (!flags[first]) {
            first++;
        }
        return Arrays.toString(shape.unravel(first)) + (n == 1 ? "" : " and " + (n - 1) + " more entr"
                + (n == 2 ? "y" : "ies"));
    }
}

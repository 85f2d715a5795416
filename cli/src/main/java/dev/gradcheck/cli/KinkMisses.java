package dev.gradcheck.cli;

import dev.gradcheck.engine.Shape;
import dev.gradcheck.internal.diagnosis.Diagnosis;
import dev.gradcheck.model.GradientComparison;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;

/**
 * The failing entries that sit on a kink or a tie (the reference gradient just to one side differs
 * from the point's by a jump, not by the smooth change of the move) yet match neither side's: wrong whatever the convention there. A pattern of
 * the other entries says nothing about them (a tie's split share times a planted factor reads as
 * a factor of neither), so they are named on their own and left out of it.
 *
 * @param at a flag per entry, true for such an entry
 * @param count how many entries are flagged
 */
record KinkMisses(boolean[] at, int count) {
    /**
     * A side differs from the point's gradient by a jump only beyond this fraction of the tensor's
     * largest reference entry: moving the values by 1e-9 relative changes a smooth entry by about
     * 1e-9 of the gradient's scale, which is more than compare's tolerance on a small entry (5e-4
     * against 0.13: a smooth softplus MLP's entries read as sitting on a kink), while a kink or a
     * tie changes it by a share of an entry.
     */
    static final double JUMP = 1e-5;

    /**
     * @param sides the reference gradients at the moved points ({@link OneSidedGradients#sides})
     * @param explained the entries a side already explains (they are kinks, not misses)
     */
    static KinkMisses of(List<double[]> sides, double[] theirs, double[] reference, boolean[] explained,
            double atol, double rtol) {
        boolean[] at = new boolean[reference.length];
        double jump = JUMP * maxAbs(reference);
        int n = 0;
        for (int i = 0; i < reference.length; i++) {
            if (explained[i] || GradientComparison.agrees(theirs[i], reference[i], atol, rtol)) {
                continue;
            }
            for (double[] side : sides) {
                if (!GradientComparison.agrees(side[i], reference[i], atol, rtol)
                        && Math.abs(side[i] - reference[i]) > jump) {
                    at[i] = true;
                }
            }
            n += at[i] ? 1 : 0;
        }
        return new KinkMisses(at, n);
    }

    private static double maxAbs(double[] values) {
        double m = 0;
        for (double v : values) {
            m = Math.max(m, Double.isFinite(v) ? Math.abs(v) : 0);
        }
        return m;
    }

    /** {@code values} with the flagged entries set to 0, so that both sides agree there. */
    double[] without(double[] values) {
        return EntryMasks.zeroed(values, at, count);
    }

    /** The report's words for the flagged entries, quoting the first with the sides' values; null when none. */
    Diagnosis diagnosis(Shape shape, List<double[]> sides, double[] theirs, double[] reference) {
        if (count == 0) {
            return null;
        }
        int first = 0;
        while (!at[first]) {
            first++;
        }
        // the sides' values as quoted: directions that land on the same side read the same
        TreeMap<Double, String> oneSided = new TreeMap<>();
        for (double[] side : sides) {
            String shown = num(side[first]);
            if (!oneSided.containsValue(shown)) {
                oneSided.put(side[first], shown);
            }
        }
        String where = Arrays.toString(shape.unravel(first));
        return Diagnosis.of("kink_miss", (count == 1 ? "entry " + where + " sits" : count + " entries sit (first "
                + where + ")") + " on a kink or a tie and match" + (count == 1 ? "es" : "") + " neither side's"
                + " gradient: theirs " + num(theirs[first]) + ", the reference " + num(reference[first])
                + " at the point and " + String.join(" or ", oneSided.values())
                + " just to either side: wrong there, whatever the convention at the kink");
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.4g", v == 0 ? 0.0 : v); // no "-0.000"
    }
}

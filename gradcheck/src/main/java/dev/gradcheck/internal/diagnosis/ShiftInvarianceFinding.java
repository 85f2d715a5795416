package dev.gradcheck.internal.diagnosis;

import java.util.Arrays;

/**
 * A shift invariance of the forward that the backward breaks: the numeric gradient sums to 0 over
 * one dimension in every slice along it (or over the whole input), so the forward is unchanged, to
 * first order, when every entry of such a slice moves by the same amount (softmax's logits along
 * its dim, a layer norm's input along its normalised dims, the keys of attention, anything
 * centred), while the analytic gradient's sums are clearly not 0: a term that should cancel across
 * that dimension is missing or misapplied. Every entry compared (the slices whole), 3 or more
 * entries a slice, every value finite. Each slice's numeric sum within the sum of its entries'
 * tolerances; the slices non-trivial, Σ|numeric| at least 20 times that tolerance, on 2 or more
 * of them and at least half (one slice alone, as the whole input: 10,000 times, since one sum
 * near 0 is weaker evidence); some slice's analytic sum over 4 times its tolerance. Dims tried
 * from the first, then the whole input (rank 2 or more). Tried last: a more specific finding (a
 * softmax's or a norm's missing term, a factor, which keeps the sums 0) names the term itself.
 */
final class ShiftInvarianceFinding implements Finding {
    static final String KIND = "shift_invariance";
    /** Fewest entries a slice: two entries summing to 0 are one relation (x − y), not a cancelling sum. */
    private static final int MIN_PER_SLICE = 3;
    /** Σ|numeric| over a slice, against its summed tolerance, for its sum near 0 to be evidence. */
    private static final double NON_TRIVIAL = 20;
    /** The same for a grouping of one slice. */
    private static final double NON_TRIVIAL_ALONE = 1e4;
    /** An analytic sum over this many times its slice's tolerance is clearly not 0. */
    private static final double CLEAR = 4;

    /** Per slice: the sums of numeric, analytic, tolerance and |numeric|, and one entry's flat index in it. */
    private record Sums(double[] numeric, double[] analytic, double[] tolerance, double[] size, int[] at) {
    }

    @Override
    public Diagnosis test(Evidence e) {
        if (!e.full || e.wrongCount() == 0 || e.size() < MIN_PER_SLICE) {
            return null;
        }
        for (int k = 0; k < e.size(); k++) {
            if (!Double.isFinite(e.a[k]) || !Double.isFinite(e.n[k])) {
                return null;
            }
        }
        for (int d = 0; d < e.shape.length; d++) {
            if (e.shape[d] >= MIN_PER_SLICE) {
                Diagnosis found = broken(e, sums(e, SliceTermFinding.sliceOf(e, d), e.size() / e.shape[d]), d);
                if (found != null) {
                    return found;
                }
            }
        }
        return e.shape.length >= 2 ? broken(e, sums(e, new int[e.size()], 1), -1) : null;
    }

    private static Sums sums(Evidence e, int[] slice, int slices) {
        Sums s = new Sums(new double[slices], new double[slices], new double[slices], new double[slices], new int[slices]);
        for (int k = e.size() - 1; k >= 0; k--) {
            int i = slice[k];
            s.numeric[i] += e.n[k];
            s.analytic[i] += e.a[k];
            s.tolerance[i] += e.t[k];
            s.size[i] += Math.abs(e.n[k]);
            s.at[i] = e.flat[k];
        }
        return s;
    }

    /** The diagnosis when the numeric sums are 0 on every slice, non-trivially, and some analytic sum clearly is not. */
    private static Diagnosis broken(Evidence e, Sums s, int dim) {
        int slices = s.numeric.length;
        double enough = slices == 1 ? NON_TRIVIAL_ALONE : NON_TRIVIAL;
        int nonTrivial = 0;
        int broken = 0;
        int largest = -1;
        double numericSum = 0;
        for (int i = 0; i < slices; i++) {
            if (!(Math.abs(s.numeric[i]) <= s.tolerance[i])) {
                return null;
            }
            nonTrivial += s.size[i] > 0 && s.size[i] >= enough * s.tolerance[i] ? 1 : 0;
            numericSum = Math.max(numericSum, Math.abs(s.numeric[i]));
            if (Math.abs(s.analytic[i]) > CLEAR * s.tolerance[i]) {
                broken++;
                largest = largest < 0 || Math.abs(s.analytic[i]) > Math.abs(s.analytic[largest]) ? i : largest;
            }
        }
        boolean shown = slices == 1 ? nonTrivial == 1 : nonTrivial >= 2 && 2 * nonTrivial >= slices;
        if (!shown || broken == 0) {
            return null;
        }
        return Diagnosis.of(KIND, wording(e, dim, s, numericSum, broken, largest));
    }

    private static String wording(Evidence e, int dim, Sums s, double numericSum, int broken, int largest) {
        String input = (e.own() == null ? "the input" : e.own().name()) + " " + Arrays.toString(e.shape);
        int slices = s.numeric.length;
        String numbers = "within the entries' tolerances, the entries up to " + Wording.num(e.numericMax);
        String where;
        String moves;
        String sums;
        String across;
        if (dim < 0) {
            where = "over the whole of " + input + " (the sum " + Wording.num(s.numeric[0]) + ", " + numbers + ")";
            moves = "every entry moves by the same amount";
            sums = "the analytic gradient's sum is not 0 (" + Wording.num(s.analytic[0]) + ", beyond its tolerance)";
            across = "the whole input";
        } else {
            String lines = e.shape.length == 2 ? (dim == 0 ? "each column; " : "each row; ") : "";
            where = "over dim " + dim + " of " + input + " in each of its " + slices + " slices along that dim (" + lines
                    + "the sums at most " + Wording.num(numericSum) + ", " + numbers + ")";
            moves = "the entries of any one such slice all move by the same amount";
            sums = "the analytic gradient's sums over dim " + dim + " are not 0 (on " + broken + " of " + slices
                    + " slices, beyond their tolerance; the largest " + Wording.num(s.analytic[largest]) + " at "
                    + sliceIndex(e.shape, s.at[largest], dim) + ")";
            across = "dim " + dim;
        }
        return "the numeric gradient sums to 0 " + where + ": the forward is unchanged, to first order, when " + moves
                + " (a shift invariance, e.g. of softmax's or log_softmax's logits along its dim, a layer norm's input"
                + " along its normalised dims, or anything centred); " + sums + ": the backward breaks this invariance,"
                + " a term that should cancel across " + across + " is missing or misapplied (e.g. a product with an"
                + " operand left untransposed, such as attention's dK = dS·Q/√d for dSᵀ·Q/√d, or a -Σ term dropped or"
                + " summed over another dim, such as softmax's -y·Σ g·y or a layer norm's or a centring's mean term)";
    }

    /** "[:, 1]": the slice holding flat entry {@code flat}, ":" along {@code dim}. */
    private static String sliceIndex(int[] shape, int flat, int dim) {
        int[] strides = dev.gradcheck.internal.Indexing.strides(shape);
        StringBuilder b = new StringBuilder("[");
        for (int d = 0; d < shape.length; d++) {
            b.append(d == 0 ? "" : ", ").append(d == dim ? ":" : Integer.toString(flat / strides[d] % shape[d]));
        }
        return b.append("]").toString();
    }
}

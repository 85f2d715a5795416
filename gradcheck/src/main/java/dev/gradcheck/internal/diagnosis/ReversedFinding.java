package dev.gradcheck.internal.diagnosis;

import dev.gradcheck.internal.Indexing;
import java.util.ArrayList;
import java.util.List;

/**
 * A gradient written in reverse order, a flipped kernel's own gradient: analytic equals numeric
 * reversed along one dimension of 3 or more (analytic[i] = numeric[n−1−i]: a 1-D kernel's gradient
 * indexed backwards), or along trailing dimensions, two or more of them longer than 1, at once
 * (analytic[..., i, j] = numeric[..., kh−1−i, kw−1−j]: a 2-D kernel's gradient indexed backwards,
 * each output and input channel's kernel reversed on its own). Every entry compared, every one
 * matching, 2 or more telling the prediction from the numeric value (a kernel of 3 swaps two).
 * A kernel applied reversed in the backward of the input is {@link FlippedKernelFinding}'s.
 */
final class ReversedFinding implements Finding {
    static final String KIND = "reversed";
    private static final String LETTERS = "ijklmnpq";

    @Override
    public Diagnosis test(Evidence e) {
        if (!e.full || e.size() < 3) {
            return null;
        }
        int[] strides = Indexing.strides(e.shape);
        for (int d = e.shape.length - 1; d >= 0; d--) {
            if (e.shape[d] >= 3 && reversedNumeric(e, strides, List.of(d))) {
                String along = e.shape.length == 1 ? "" : " along dim " + d;
                int last = e.shape[d] - 1;
                return Diagnosis.of(KIND, "analytic equals numeric reversed" + along + " (analytic[i] = numeric[" + last
                        + " - i])" + e.every + ": the gradient is written in reverse order (e.g. a kernel's gradient"
                        + " indexed k where " + last + " - k was meant: a flipped kernel)");
            }
        }
        for (int from = e.shape.length - 2; from >= 0; from--) {
            List<Integer> dims = longerThanOne(e.shape, from);
            if (dims.size() >= 2 && dims.get(0) == from && reversedNumeric(e, strides, dims)) {
                return Diagnosis.of(KIND, "analytic equals numeric reversed along dims " + Wording.and(dims)
                        + " at once (analytic" + index(e.shape, from, false) + " = numeric" + index(e.shape, from, true)
                        + ")" + e.every + ": the gradient is written in reverse order (e.g. a kernel's gradient indexed"
                        + " " + index(e.shape, from, true) + " where " + index(e.shape, from, false) + " was meant: a flipped"
                        + " kernel)");
            }
        }
        return null;
    }

    /** The dimensions from {@code from} on that are longer than 1 (reversing the others changes nothing). */
    private static List<Integer> longerThanOne(int[] shape, int from) {
        List<Integer> dims = new ArrayList<>();
        for (int d = from; d < shape.length; d++) {
            if (shape[d] > 1) {
                dims.add(d);
            }
        }
        return dims;
    }

    /** analytic = numeric with every dimension in {@code dims} reversed. */
    private static boolean reversedNumeric(Evidence e, int[] strides, List<Integer> dims) {
        int m = e.size();
        double[] predicted = new double[m];
        double[] error = new double[m];
        for (int k = 0; k < m; k++) {
            int src = e.flat[k];
            for (int d : dims) {
                int idx = (e.flat[k] / strides[d]) % e.shape[d];
                src += (e.shape[d] - 1 - 2 * idx) * strides[d];
            }
            predicted[k] = e.n[src]; // every entry compared in flat order: entry src is at position src
            error[k] = e.t[src];
        }
        return Matching.everyEntryPredicted(e, predicted, error, 2);
    }

    /** "[..., i, j]", or reversed "[..., 2 - i, 2 - j]", over the dimensions from {@code from} on. */
    private static String index(int[] shape, int from, boolean reversed) {
        StringBuilder b = new StringBuilder(from > 0 ? "[..., " : "[");
        for (int d = from; d < shape.length; d++) {
            String letter = String.valueOf(LETTERS.charAt((d - from) % LETTERS.length()));
            b.append(d > from ? ", " : "").append(shape[d] == 1 ? "0" : reversed ? (shape[d] - 1) + " - " + letter
                    : letter);
        }
        return b.append(']').toString();
    }
}

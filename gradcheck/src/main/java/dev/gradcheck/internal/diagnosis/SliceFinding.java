package dev.gradcheck.internal.diagnosis;

import java.util.ArrayList;
import java.util.List;

/**
 * Every wrong entry in one row, column or slice (all entries compared, some right), or a run of
 * entries at the start or end of a vector. A loop bound or index error is suggested only when
 * analytic is 0 there (entries the loop missed); otherwise what the analytic value is on the block
 * is named by the patterns a region tries ({@link RegionFinding#inside}), or the block alone.
 */
final class SliceFinding implements Finding {
    static final String KIND = "slice";

    @Override
    public Diagnosis test(Evidence e) {
        int[] shape = e.shape;
        List<int[]> wrong = new ArrayList<>();
        boolean zeros = true;
        for (int k = 0; k < e.size(); k++) {
            if (e.wrong[k]) {
                wrong.add(e.entries.get(k).index());
                zeros &= e.a[k] == 0;
            }
        }
        if (!e.full || shape.length < 1 || wrong.isEmpty() || wrong.size() == e.size()) {
            return null;
        }
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] < 2) {
                continue;
            }
            int v = wrong.get(0)[d];
            final int dim = d;
            if (!wrong.stream().allMatch(ix -> ix[dim] == v)) {
                continue;
            }
            String what = shape.length == 2 ? (d == 0 ? "row " + v : "column " + v)
                    : shape.length == 1 ? "entry " + v : "slice " + v + " along dimension " + d;
            String edge = v == shape[d] - 1 ? " (the last)" : v == 0 ? " (the first)" : "";
            return zeros ? Diagnosis.of(KIND, "wrong only in " + what + edge + ", where analytic is 0: a loop bound or"
                    + " index error?") : named(e, "wrong only in " + what + edge, "it", "");
        }
        if (shape.length == 1) {
            int lo = wrong.get(0)[0];
            int hi = wrong.get(wrong.size() - 1)[0];
            if (hi - lo + 1 == wrong.size() && (lo == 0 || hi == shape[0] - 1)) {
                String run = "wrong only in entries " + lo + ".." + hi + (lo == 0 ? " (at the start" : " (at the end")
                        + ", the other " + (shape[0] - wrong.size()) + " right)";
                return zeros ? Diagnosis.of(KIND, run + ", where analytic is 0: a loop bound?")
                        : named(e, run, "that block", " (e.g. one layer's weights in a flat parameter vector, or a loop that "
                                + (lo == 0 ? "starts late" : "stops early") + " and leaves those entries part of their sum)");
            }
        }
        return null;
    }

    /**
     * True when the wrong entries are exactly one whole row, column or slice of a tensor of two or
     * more dimensions: a layout no region of the values explains better, so when a region fits too
     * (by chance, or because that slice's values stand apart) the slice is named first.
     */
    static boolean wholeSlice(Evidence e) {
        int[] shape = e.shape;
        if (!e.full || shape.length < 2) {
            return false;
        }
        int first = -1;
        int count = 0;
        for (int k = 0; k < e.size(); k++) {
            if (e.wrong[k]) {
                first = first < 0 ? k : first;
                count++;
            }
        }
        if (first < 0) {
            return false;
        }
        int[] at = e.entries.get(first).index();
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] < 2 || count != e.size() / shape[d]) {
                continue;
            }
            boolean all = true;
            for (int k = 0; k < e.size() && all; k++) {
                all = e.wrong[k] == (e.entries.get(k).index()[d] == at[d]);
            }
            if (all) {
                return true;
            }
        }
        return false;
    }

    /**
     * The block, and what the analytic value is there when a pattern fits its wrong entries; else
     * that the part computing {@code it} is wrong, with {@code example}.
     */
    private static Diagnosis named(Evidence e, String where, String it, String example) {
        Diagnosis block = Diagnosis.of(KIND, where);
        Diagnosis there = RegionFinding.inside(e, e.wrong.clone());
        return there != null ? block.then(": ", there)
                : block.then("", Diagnosis.of(KIND, ": the part of the backward that computes " + it + " is wrong"
                        + example));
    }
}

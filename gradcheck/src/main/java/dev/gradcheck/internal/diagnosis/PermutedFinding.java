package dev.gradcheck.internal.diagnosis;

import dev.gradcheck.internal.Indexing;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The slices along one dimension in the wrong order (rows swapped, channels permuted): every slice
 * holding a wrong entry has analytic equal, entry by entry within the numeric entry's tolerance, to
 * the numeric values of another such slice, one to one (a permutation of the moved slices, the
 * others right), and each moved slice differs clearly (beyond twice the tolerance, on some entry)
 * from the numeric slice it replaces, so slices that are alike cannot fake a move. Every entry
 * compared. Slices are matched by sorting the moved numeric slices on one entry (the one that
 * varies most among them) and comparing whole slices only within that entry's tolerance, skipping
 * those already taken, with a bounded number of comparisons: no quadratic search on large tensors.
 * Tried after the transpose, the shift and the reversal, which are permutations of a more specific
 * kind.
 */
final class PermutedFinding implements Finding {
    static final String KIND = "permuted";
    /** Above this many entries no dimension is tried. */
    static final int MAX_ENTRIES = 1 << 20;
    /** Slices whose mapping is spelt out; beyond this the rest are counted. */
    private static final int LISTED = 8;

    @Override
    public Diagnosis test(Evidence e) {
        int[] shape = e.shape;
        if (!e.full || shape.length < 1 || e.size() < 2 || e.size() > MAX_ENTRIES) {
            return null;
        }
        int[] strides = Indexing.strides(shape);
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] < 2) {
                continue;
            }
            Slices s = new Slices(e, shape[d], strides[d]);
            int[] to = s.permutation();
            if (to != null) {
                return Diagnosis.of(KIND, wording(e, d, to));
            }
        }
        return null;
    }

    /** The slices along one dimension: slice i's entry c is at flat offset {@link #at}. */
    private static final class Slices {
        private final Evidence e;
        private final int count;
        private final int stride;
        private final int size;

        Slices(Evidence e, int count, int stride) {
            this.e = e;
            this.count = count;
            this.stride = stride;
            this.size = e.size() / count;
        }

        int at(int slice, int c) {
            return (c / stride) * stride * count + slice * stride + c % stride;
        }

        /** to[i] = the numeric slice analytic slice i equals (i itself when right), or null when no permutation fits. */
        int[] permutation() {
            int[] moved = movedSlices();
            if (moved.length < 2) {
                return null;
            }
            int key = keyEntry(moved);
            double[] keys = new double[moved.length];
            Integer[] order = new Integer[moved.length];
            double halfWidth = 0;
            for (int j = 0; j < moved.length; j++) {
                int k = at(moved[j], key);
                keys[j] = e.n[k];
                order[j] = j;
                halfWidth = Math.max(halfWidth, e.t[k] + 1e-6 * Math.max(Math.abs(e.n[k]), Math.abs(e.a[k])));
            }
            Arrays.sort(order, (x, y) -> Double.compare(keys[x], keys[y]));
            double[] sorted = new double[moved.length];
            for (int j = 0; j < moved.length; j++) {
                sorted[j] = keys[order[j]];
            }
            int[] to = new int[count];
            for (int i = 0; i < count; i++) {
                to[i] = i;
            }
            // free[j]: the first position at or after j in sorted order whose slice is not yet taken
            // (path-compressed), so slices alike in the key are not scanned again and again
            int[] free = new int[moved.length + 1];
            for (int j = 0; j <= moved.length; j++) {
                free[j] = j;
            }
            int budget = 8 * moved.length + 32; // whole slices compared: beyond this, too alike to tell apart cheaply
            for (int i : moved) {
                double v = e.a[at(i, key)];
                int match = -1;
                for (int j = next(free, lowerBound(sorted, v - halfWidth)); j < sorted.length
                        && sorted[j] <= v + halfWidth; j = next(free, j + 1)) {
                    int cand = order[j];
                    if (moved[cand] == i) {
                        continue;
                    }
                    if (--budget < 0) {
                        return null;
                    }
                    if (equal(i, moved[cand])) {
                        match = j;
                        break;
                    }
                }
                if (match < 0) {
                    return null;
                }
                free[match] = match + 1;
                to[i] = moved[order[match]];
            }
            for (int i : moved) {
                if (!differs(i, to[i])) {
                    return null;
                }
            }
            return to;
        }

        /** The slices holding a wrong entry, in order. */
        private int[] movedSlices() {
            boolean[] wrong = new boolean[count];
            for (int k = 0; k < e.size(); k++) {
                if (e.wrong[k]) {
                    wrong[(k / stride) % count] = true;
                }
            }
            int c = 0;
            for (boolean w : wrong) {
                c += w ? 1 : 0;
            }
            int[] out = new int[c];
            for (int i = 0, j = 0; i < count; i++) {
                if (wrong[i]) {
                    out[j++] = i;
                }
            }
            return out;
        }

        /** The entry whose numeric values spread most over the moved slices: the best key to sort them by. */
        private int keyEntry(int[] moved) {
            int best = 0;
            double spread = -1;
            for (int c = 0; c < size; c++) {
                double lo = Double.POSITIVE_INFINITY;
                double hi = Double.NEGATIVE_INFINITY;
                for (int i : moved) {
                    double v = e.n[at(i, c)];
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
                if (hi - lo > spread) {
                    spread = hi - lo;
                    best = c;
                }
            }
            return best;
        }

        /** Analytic slice i equals numeric slice j on every entry, within the numeric entry's tolerance. */
        private boolean equal(int i, int j) {
            for (int c = 0; c < size; c++) {
                int ka = at(i, c);
                int kn = at(j, c);
                double tol = e.t[kn] + 1e-6 * Math.max(Math.abs(e.a[ka]), Math.abs(e.n[kn]));
                if (!(Math.abs(e.a[ka] - e.n[kn]) <= tol)) {
                    return false;
                }
            }
            return true;
        }

        /** Numeric slices i and j differ clearly (beyond twice the larger tolerance) on some entry. */
        private boolean differs(int i, int j) {
            for (int c = 0; c < size; c++) {
                int ki = at(i, c);
                int kj = at(j, c);
                double tol = Math.max(e.t[ki], e.t[kj]) + 1e-6 * Math.max(Math.abs(e.n[ki]), Math.abs(e.n[kj]));
                if (Math.abs(e.n[ki] - e.n[kj]) > 2 * tol) {
                    return true;
                }
            }
            return false;
        }

        /** The first free position at or after j (free[j] = j when j is free). */
        private static int next(int[] free, int j) {
            int root = j;
            while (free[root] != root) {
                root = free[root];
            }
            while (free[j] != root) {
                int up = free[j];
                free[j] = root;
                j = up;
            }
            return root;
        }

        private static int lowerBound(double[] sorted, double v) {
            int lo = 0;
            int hi = sorted.length;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (sorted[mid] < v) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            return lo;
        }
    }

    /** "rows 0 and 2 are swapped (analytic row 0 = numeric row 2 and row 2 = row 0)", and the likely cause. */
    private static String wording(Evidence e, int d, int[] to) {
        int rank = e.shape.length;
        String one = rank == 1 ? "entry" : rank == 2 ? (d == 0 ? "row" : "column") : "slice";
        String many = rank == 1 ? "entries" : rank == 2 ? (d == 0 ? "rows" : "columns") : "slices";
        String along = rank > 2 ? " along dim " + d : "";
        List<Integer> moved = new ArrayList<>();
        for (int i = 0; i < to.length; i++) {
            if (to[i] != i) {
                moved.add(i);
            }
        }
        StringBuilder map = new StringBuilder("analytic " + one + " " + moved.get(0) + " = numeric " + one + " "
                + to[moved.get(0)]);
        for (int j = 1; j < moved.size() && j < LISTED; j++) {
            int i = moved.get(j);
            map.append(moved.size() == 2 ? " and " : ", ").append(one).append(' ').append(i).append(" = ").append(one)
                    .append(' ').append(to[i]);
        }
        if (moved.size() > LISTED) {
            map.append(", … (").append(moved.size()).append(" in all)");
        }
        int others = to.length - moved.size();
        String rest = others == 0 ? "" : others == 1 ? "; the other " + one + " right" : "; the other " + others + " "
                + many + " right";
        String what;
        if (moved.size() == 2) {
            what = many + " " + moved.get(0) + " and " + moved.get(1) + along + " are swapped";
        } else {
            what = many + " " + list(moved) + along + " are permuted" + (oneCycle(to, moved) ? " in one cycle" : "");
        }
        return what + " (" + map + rest + "): an index mixed up in the backward (e.g. " + many
                + " written in the wrong order, a permute or reshape with the dimensions in the wrong order, or a"
                + " gather/scatter with the wrong index map)";
    }

    private static boolean oneCycle(int[] to, List<Integer> moved) {
        int length = 1;
        for (int i = to[moved.get(0)]; i != moved.get(0); i = to[i]) {
            length++;
        }
        return length == moved.size();
    }

    /** "0, 1 and 3"; past {@link #LISTED} numbers, the first ones and how many in all. */
    private static String list(List<Integer> v) {
        if (v.size() > LISTED) {
            return v.subList(0, LISTED).toString().replaceAll("[\\[\\]]", "") + ", … (" + v.size() + " of them)";
        }
        StringBuilder b = new StringBuilder();
        for (int j = 0; j < v.size(); j++) {
            b.append(j == 0 ? "" : j == v.size() - 1 ? " and " : ", ").append(v.get(j));
        }
        return b.toString();
    }
}

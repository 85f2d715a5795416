package dev.gradcheck.model;

import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.Tensor;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Compares gradients computed elsewhere (e.g. PyTorch) with the reference ({@code compare}).
 * Per param: the largest absolute error {@code |external − reference|}, the largest relative
 * error {@code |external − reference| / max(|external|, |reference|)} (0 where both are 0), and
 * the worst entries by absolute error.
 */
public final class GradientComparison {
    private GradientComparison() {
    }

    /** One entry of a gradient: its index and both values. */
    public record Entry(int[] index, double reference, double external, double absError, double relError) {
    }

    /**
     * The comparison of one param's gradient.
     *
     * @param name the param (or input) name
     * @param shape the reference gradient's shape
     * @param maxAbsError largest absolute error (NaN when a value is NaN; infinite when missing)
     * @param maxRelError largest relative error
     * @param worst the worst entries, by absolute error, largest first
     * @param problem why the param could not be compared (missing, wrong shape), or null
     * @param reference the reference gradient
     * @param external the external gradient, or null when missing
     */
    public record Param(String name, Shape shape, double maxAbsError, double maxRelError, List<Entry> worst,
            String problem, Tensor reference, Tensor external) {
        /**
         * True when every entry satisfies {@code |external − reference| <= atol + rtol·|reference|}
         * and nothing is missing or NaN.
         */
        public boolean passes(double atol, double rtol) {
            if (problem != null) {
                return false;
            }
            double[] r = reference.data();
            double[] e = external.data();
            for (int i = 0; i < r.length; i++) {
                if (!agrees(e[i], r[i], atol, rtol)) {
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * The result: one {@link Param} per reference gradient, in order, plus the names of external
     * gradients the model has no param for.
     */
    public record Result(List<Param> params, List<String> unexpected) {
        /** True when every param passes {@link Param#passes} and no external name is unexpected. */
        public boolean passes(double atol, double rtol) {
            return unexpected.isEmpty() && params.stream().allMatch(p -> p.passes(atol, rtol));
        }
    }

    /**
     * compare's rule for one entry: {@code |theirs − reference| <= atol + rtol·|reference|}, or
     * both the same value (two infinities of one sign).
     */
    public static boolean agrees(double theirs, double reference, double atol, double rtol) {
        return Math.abs(theirs - reference) <= atol + rtol * Math.abs(reference) || theirs == reference;
    }

    /**
     * Compares {@code external} with {@code reference} by name.
     *
     * @param worst how many worst entries to keep per param
     */
    public static Result compare(Map<String, Tensor> reference, Map<String, Tensor> external, int worst) {
        List<Param> out = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : reference.entrySet()) {
            out.add(one(e.getKey(), e.getValue(), external.get(e.getKey()), worst));
        }
        List<String> unexpected = new ArrayList<>();
        for (String n : external.keySet()) {
            if (!reference.containsKey(n)) {
                unexpected.add(n);
            }
        }
        return new Result(List.copyOf(out), List.copyOf(unexpected));
    }

    private static Param one(String name, Tensor ref, Tensor ext, int worst) {
        if (ext == null) {
            return new Param(name, ref.shape(), Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, List.of(),
                    "no gradient for '" + name + "' in the file", ref, null);
        }
        if (!ext.shape().equals(ref.shape())) {
            return new Param(name, ref.shape(), Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, List.of(),
                    "gradient of '" + name + "' has shape " + ext.shape() + ", expected " + ref.shape(), ref, ext);
        }
        double[] r = ref.data();
        double[] x = ext.data();
        double maxAbs = 0;
        double maxRel = 0;
        Comparator<Entry> byAbs = Comparator.comparingDouble(en -> Double.isNaN(en.absError()) ? Double.MAX_VALUE
                : en.absError());
        // least bad first: smaller error, then (on equal errors) the later index, so rows read in index order
        Comparator<Entry> badness = byAbs.thenComparing(Entry::index, (a, b) -> java.util.Arrays.compare(b, a));
        PriorityQueue<Entry> heap = new PriorityQueue<>(badness);
        for (int i = 0; i < r.length; i++) {
            double abs = r[i] == x[i] ? 0 : Math.abs(x[i] - r[i]);
            double den = Math.max(Math.abs(r[i]), Math.abs(x[i]));
            double rel = abs == 0 ? 0 : abs / den;
            if (Double.isNaN(abs) || abs > maxAbs) {
                maxAbs = Double.isNaN(maxAbs) ? maxAbs : abs;
            }
            if (Double.isNaN(rel) || rel > maxRel) {
                maxRel = Double.isNaN(maxRel) ? maxRel : rel;
            }
            if (worst > 0 && (heap.size() < worst || byAbs.compare(new Entry(null, 0, 0, abs, rel), heap.peek()) > 0)) {
                heap.add(new Entry(ref.shape().unravel(i), r[i], x[i], abs, rel));
                if (heap.size() > worst) {
                    heap.poll();
                }
            }
        }
        List<Entry> w = new ArrayList<>(heap);
        w.sort(badness.reversed());
        return new Param(name, ref.shape(), maxAbs, maxRel, List.copyOf(w), null, ref, ext);
    }
}

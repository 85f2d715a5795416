package dev.gradcheck.cli;

import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * An exported gradient that holds NaN or infinity: how many of its entries, and the first one.
 * Where the NaN was born is the anomaly pass's job ({@link AnomalyPass}); this only says which
 * arrays {@code grads} would have written are not a reference.
 *
 * @param name the tensor the gradient is taken with respect to
 * @param shape its shape
 * @param nonFinite how many entries are NaN or infinite
 * @param nan how many of those are NaN
 * @param first the flat index of the first one
 * @param firstValue its value
 */
record NonFiniteGradient(String name, Shape shape, long nonFinite, long nan, int first, double firstValue) {
    /** The gradients of {@code grads} (in its order) with a NaN or infinite entry; empty when all are finite. */
    static List<NonFiniteGradient> in(Map<String, Tensor> grads) {
        List<NonFiniteGradient> out = new ArrayList<>();
        grads.forEach((name, g) -> {
            if (g != null) {
                of(name, g).ifPresent(out::add);
            }
        });
        return out;
    }

    private static java.util.Optional<NonFiniteGradient> of(String name, Tensor g) {
        double[] d = g.data();
        long bad = 0;
        long nan = 0;
        int first = -1;
        for (int k = 0; k < d.length; k++) {
            if (!Double.isFinite(d[k])) {
                bad++;
                nan += Double.isNaN(d[k]) ? 1 : 0;
                first = first < 0 ? k : first;
            }
        }
        return bad == 0 ? java.util.Optional.empty()
                : java.util.Optional.of(new NonFiniteGradient(name, g.shape(), bad, nan, first, d[first]));
    }

    /** The multi-index of the first non-finite entry. */
    int[] firstIndex() {
        return shape.unravel(first);
    }

    /** {@code 64 of 64 entries not finite (64 NaN), first at [0, 0] = NaN}. */
    String describe() {
        long inf = nonFinite - nan;
        String kinds = nan > 0 && inf > 0 ? nan + " NaN, " + inf + " infinite" : nan > 0 ? "NaN" : "infinite";
        return nonFinite + " of " + shape.size() + " entries " + (nan > 0 && inf > 0 ? "not finite (" + kinds + ")"
                : kinds) + ", first at " + Arrays.toString(firstIndex()) + " = " + firstValue;
    }
}

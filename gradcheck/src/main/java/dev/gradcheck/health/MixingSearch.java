package dev.gradcheck.health;

import dev.gradcheck.engine.Tensor;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Finds the first of many tensors (in forward order) whose samples mix, as testing each in turn
 * with {@link BatchProbe#mixing} would, without a backward pass per tensor: such a pass walks the
 * graph back to the batch's sources, so testing every node of a chain of n nodes took n passes over
 * up to n nodes, time quadratic in n. Instead {@link BatchProbe#mayMix} screens a whole run of
 * tensors in one pass per followed sample; only the tensors it flags are tested one at a time,
 * each found by a galloping then binary search over the runs that follow the last one tested.
 * A model whose samples stay apart costs one screen; the first mixing node costs a number of
 * screens logarithmic in its position. The verdict, the node named and its {@link BatchProbe.Mixing}
 * are those of the one-at-a-time test, which still decides every flagged tensor.
 */
final class MixingSearch {
    /**
     * The first mixing tensor.
     *
     * @param index its position in the list
     * @param mixing what its one-at-a-time test found
     */
    record Found(int index, BatchProbe.Mixing mixing) {
    }

    private final BatchProbe probe;
    private final int dim;
    private final List<Tensor> tensors;

    /**
     * @param probe the probe to screen with
     * @param dim the preferred batch dimension of the tensors
     * @param tensors the tensors to test, in forward order
     */
    MixingSearch(BatchProbe probe, int dim, List<Tensor> tensors) {
        this.probe = probe;
        this.dim = dim;
        this.tensors = List.copyOf(tensors);
    }

    /**
     * The first tensor whose one-at-a-time {@code test} (given its position) finds a mixing, or null
     * when none does. {@code test} runs only on the tensors the screen flags, in order.
     */
    Found first(IntFunction<BatchProbe.Mixing> test) {
        int from = 0;
        while (from < tensors.size()) {
            int flagged = firstFlagged(from);
            if (flagged == tensors.size()) {
                return null;
            }
            BatchProbe.Mixing m = test.apply(flagged);
            if (m != null) {
                return new Found(flagged, m);
            }
            from = flagged + 1; // flagged for a NaN, or it keeps samples apart under another layout
        }
        return null;
    }

    /** The position of the first tensor from {@code from} on that the screen flags, or the list's size. */
    private int firstFlagged(int from) {
        int n = tensors.size();
        if (!flags(from, n)) {
            return n;
        }
        // gallop: tensors [from, from + clean) pass the screen, [from, from + flagged) do not
        int clean = 0;
        int flagged = 1;
        while (from + flagged < n && !flags(from, from + flagged)) {
            clean = flagged;
            flagged = Math.min(2 * flagged, n - from);
        }
        while (flagged - clean > 1) {
            int mid = (clean + flagged) >>> 1;
            if (flags(from, from + mid)) {
                flagged = mid;
            } else {
                clean = mid;
            }
        }
        return from + flagged - 1;
    }

    private boolean flags(int from, int to) {
        return probe.mayMix(tensors.subList(from, to), dim);
    }
}

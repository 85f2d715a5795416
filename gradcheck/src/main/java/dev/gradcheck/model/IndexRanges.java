package dev.gradcheck.model;

import dev.gradcheck.engine.DType;
import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.op.IndexRange;
import dev.gradcheck.engine.op.InputSpec;
import dev.gradcheck.engine.op.OpDef;
import java.util.Arrays;
import java.util.Map;

/**
 * Which int64 inputs of a node index into a range known from shapes alone, as the op's
 * {@link InputSpec#range() input specs} declare: class targets of {@code cross_entropy} /
 * {@code nll_loss} (in [0, C), or {@code ignore_index}), indices of {@code embedding} (in
 * [0, num_embeddings)).
 */
final class IndexRanges {
    private IndexRanges() {
    }

    /** One range check: tensor {@code indexName} must hold integers in [0, limit) (or {@code ignore}). */
    record Check(String indexName, long limit, Long ignore, String what) {
        /** A problem with the values of {@code t}, or null. */
        String check(Tensor t) {
            double[] d = t.data();
            for (int i = 0; i < d.length; i++) {
                double v = d[i];
                boolean ok = (v >= 0 && v < limit) || (ignore != null && v == ignore);
                if (!ok) {
                    return what + " '" + indexName + "' holds " + (long) v + " at index "
                            + Arrays.toString(t.shape().unravel(i)) + ", outside [0, " + limit + ")";
                }
            }
            return null;
        }
    }

    /** The check for {@code node}'s first index input with a declared range, or null when it has none. */
    static Check of(NodeSpec node, Map<String, Shape> shapes) {
        OpDef op = node.op();
        int n = node.inputs().size();
        for (int i = 0; i < n; i++) {
            IndexRange range = op.input(i).range();
            if (range == null) {
                continue;
            }
            Shape[] in = new Shape[n];
            for (int k = 0; k < n; k++) {
                in[k] = shapes.get(node.inputs().get(k));
            }
            int limit = range.limitFor(in);
            if (limit < 0) {
                return null;
            }
            Object ignore = range.ignoreAttr() == null ? null : node.attrs().get(range.ignoreAttr());
            return new Check(node.inputs().get(i), limit, ignore instanceof Integer v ? Long.valueOf(v) : null,
                    range.what());
        }
        return null;
    }

    /** The checks of every node of {@code model} whose index tensor is int64. */
    static java.util.List<Check> all(Model model) {
        java.util.List<Check> out = new java.util.ArrayList<>();
        for (NodeSpec n : model.nodes()) {
            Check c = of(n, model.shapes());
            if (c != null && model.dtype(c.indexName()) == DType.INT64) {
                out.add(c);
            }
        }
        return out;
    }
}

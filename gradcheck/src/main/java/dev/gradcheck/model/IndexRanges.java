package dev.gradcheck.model;

import dev.gradcheck.engine.DType;
import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.internal.TensorAccess;
import java.util.Arrays;
import java.util.Map;

/**
 * Which int64 inputs of a node index into a range known from shapes alone: class targets of
 * {@code cross_entropy} / {@code nll_loss} (in [0, C), or {@code ignore_index}) and indices of
 * {@code embedding} (in [0, num_embeddings)).
 */
final class IndexRanges {
    private IndexRanges() {
    }

    /** One range check: tensor {@code indexName} must hold integers in [0, limit) (or {@code ignore}). */
    record Check(String indexName, long limit, Long ignore, String what) {
        /** A problem with the values of {@code t}, or null. */
        String check(Tensor t) {
            double[] d = TensorAccess.data(t);
            for (int i = 0; i < d.length; i++) {
                double v = d[i];
                boolean ok = (v >= 0 && v < limit) || (ignore != null && v == ignore);
                if (!ok) {
                    return what + " '" + indexName + "' holds " + (long) v + " at index "
                            + Arrays.toString(unravel(i, t.shape())) + ", outside [0, " + limit + ")";
                }
            }
            return null;
        }
    }

    /** The check for {@code node}, or null when it has none (or the index is not int64). */
    static Check of(NodeSpec node, Map<String, Shape> shapes) {
        String op = node.op().name();
        if (node.inputs().size() < 2) {
            return null;
        }
        if (op.equals("cross_entropy") || op.equals("nll_loss")) {
            Shape in = shapes.get(node.inputs().get(0));
            if (node.dtype() == null || in.rank() == 0) {
                return null;
            }
            long classes = in.rank() == 1 ? in.dim(0) : in.dim(1);
            Long ignore = null;
            if (node.attrs().has("ignore_index") && node.attrs().get("ignore_index") instanceof Integer) {
                ignore = (long) (Integer) node.attrs().get("ignore_index");
            }
            return new Check(node.inputs().get(1), classes, ignore, "class target");
        }
        if (op.equals("embedding")) {
            Shape w = shapes.get(node.inputs().get(1));
            return w.rank() == 0 ? null : new Check(node.inputs().get(0), w.dim(0), null, "embedding index");
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

    static int[] unravel(int flat, Shape shape) {
        int[] idx = new int[shape.rank()];
        for (int k = shape.rank() - 1; k >= 0; k--) {
            idx[k] = flat % shape.dim(k);
            flat /= shape.dim(k);
        }
        return idx;
    }
}

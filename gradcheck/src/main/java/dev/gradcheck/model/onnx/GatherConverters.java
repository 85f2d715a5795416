package dev.gradcheck.model.onnx;

import static dev.gradcheck.model.onnx.OnnxOp.of;

import dev.gradcheck.engine.Attrs;
import dev.gradcheck.engine.op.OpRegistry;
import dev.gradcheck.model.onnx.Value.Const;
import java.util.List;

/**
 * Gather, GatherElements and Where. Gather along any axis is the engine's {@code embedding} (which picks rows of
 * a 2-d table by int64 indices, and scatters the gradient back): the data is permuted so the
 * gathered axis comes first and flattened to a table, and the result reshaped and permuted back.
 * That is exactly ONNX's Gather (and torch.index_select); an embedding layer is the case that
 * needs none of the permuting. GatherElements is the engine's {@code gather} (torch.gather).
 */
final class GatherConverters {
    private GatherConverters() {
    }

    static List<OnnxOp> all() {
        return List.of(
                of("Gather", "embedding", "axis", "embedding(indices, data) for 2-d data and axis 0; other axes and "
                        + "ranks permute and reshape around it (constant negative indices count from the end)",
                        GatherConverters::gather),
                of("GatherElements", "gather", "axis", "gather (torch.gather: the entry of data at each index along "
                        + "axis; constant negative indices count from the end)", GatherConverters::gatherElements),
                of("Where", "", "", "all inputs constant: folded; else the engine op where(condition, X, Y), the "
                        + "condition a constant mask", 
                        GatherConverters::where));
    }

    private static void gather(NodeContext n) {
        Value data = n.in(0);
        Value idx = n.in(1);
        if (data.shape().rank() == 0) {
            throw n.fail("cannot gather from a scalar");
        }
        int axis = n.axis(n.attrInt("axis", 0), data.shape().rank(), "axis");
        if (!idx.type().isInt()) {
            throw n.fail("indices must be integers, got " + idx.type().label());
        }
        n.out(take(n, data, axis, idx));
    }

    private static void gatherElements(NodeContext n) {
        Value data = n.in(0);
        Value idx = n.in(1);
        if (!idx.type().isInt()) {
            throw n.fail("indices must be integers, got " + idx.type().label());
        }
        if (idx.shape().rank() != data.shape().rank()) {
            throw n.fail("indices " + idx.shape() + " must have the rank of data " + data.shape());
        }
        int axis = n.axis(n.attrInt("axis", 0), data.shape().rank(), "axis");
        int d = data.shape().dim(axis);
        if (idx instanceof Const c) {
            long[] v = c.ints().clone();
            for (int i = 0; i < v.length; i++) {
                v[i] = v[i] < 0 ? v[i] + d : v[i];
                if (v[i] < 0 || v[i] >= d) {
                    throw n.fail("index " + c.ints()[i] + " is out of range for dimension " + axis + " of size " + d);
                }
            }
            idx = Const.ofInts(OnnxType.INT64, c.shape(), v);
        } else {
            n.indexRange(idx, d);
        }
        n.out(n.emit("gather", Attrs.of("dim", axis), data, idx));
    }

    /** The entries of {@code x} at {@code idx} along {@code axis}: ONNX Gather. */
    static Value take(NodeContext n, Value x, int axis, Value idx) {
        int d = x.shape().dim(axis);
        if (idx instanceof Const c) {
            long[] v = c.ints().clone();
            for (int i = 0; i < v.length; i++) {
                long k = v[i] < 0 ? v[i] + d : v[i];
                if (k < 0 || k >= d) {
                    throw n.fail("index " + v[i] + " is out of range for dimension " + axis + " of size " + d);
                }
                v[i] = k;
            }
            idx = Const.ofInts(OnnxType.INT64, c.shape(), v);
        } else {
            n.indexRange(idx, d);
        }
        int rank = x.shape().rank();
        int[] dims = x.shape().dims();
        if (rank == 2 && axis == 0) {
            return n.emit("embedding", idx, x);
        }
        // move axis to the front, flatten the rest into one column block
        int[] perm = new int[rank];
        perm[0] = axis;
        for (int i = 0, j = 1; i < rank; i++) {
            if (i != axis) {
                perm[j++] = i;
            }
        }
        Value table = x;
        if (axis != 0) {
            table = n.emit("permute", Attrs.of("dims", perm), table);
        }
        int rest = 1;
        for (int i = 1; i < rank; i++) {
            rest *= dims[perm[i]];
        }
        table = Emit.reshape(n, table, d, rest);
        Value rows = n.emit("embedding", idx, table);
        int q = idx.shape().rank();
        int[] picked = new int[q + rank - 1];
        System.arraycopy(idx.shape().dims(), 0, picked, 0, q);
        for (int i = 1; i < rank; i++) {
            picked[q + i - 1] = dims[perm[i]];
        }
        Value y = Emit.reshape(n, rows, picked);
        if (axis == 0) {
            return y;
        }
        // now (idx..., dims before axis..., dims after axis...); ONNX wants (before..., idx..., after...)
        int[] back = new int[picked.length];
        int k = 0;
        for (int i = 0; i < axis; i++) {
            back[k++] = q + i;
        }
        for (int i = 0; i < q; i++) {
            back[k++] = i;
        }
        for (int i = q + axis; i < picked.length; i++) {
            back[k++] = i;
        }
        return n.emit("permute", Attrs.of("dims", back), y);
    }

    private static void where(NodeContext n) {
        Value c = n.in(0);
        Value x = n.in(1);
        Value y = n.in(2);
        if (c instanceof Const cond && x instanceof Const cx && y instanceof Const cy) {
            n.out(foldWhere(n, cond, cx, cy));
            return;
        }
        if (!(c instanceof Const cond)) {
            throw n.fail("its condition depends on the graph's inputs; only a constant condition (a mask) is "
                    + "supported");
        }
        if (!OpRegistry.contains("where")) {
            throw n.fail("needs the engine op 'where', which this build of gradcheck does not have");
        }
        // the condition as the registry says where takes it: int64 0/1 indices, or float64 0/1 values
        boolean asIndex = OpRegistry.get("where").input(0).accepts(dev.gradcheck.engine.DType.INT64);
        Const mask = asIndex ? Const.ofInts(OnnxType.INT64, cond.shape(), cond.ints())
                : Const.ofFloats(OnnxType.DOUBLE, cond.shape(), cond.doubles());
        n.out(n.emit("where", mask, x, y));
    }

    private static Const foldWhere(NodeContext n, Const c, Const x, Const y) {
        dev.gradcheck.engine.Shape out;
        try {
            out = dev.gradcheck.engine.Shape.broadcast("Where", dev.gradcheck.engine.Shape.broadcast("Where",
                    c.shape(), x.shape()), y.shape());
        } catch (RuntimeException e) {
            throw n.fail(e.getMessage());
        }
        int[] ic = FoldingConverters.broadcastIndex(c.shape(), out);
        int[] ix = FoldingConverters.broadcastIndex(x.shape(), out);
        int[] iy = FoldingConverters.broadcastIndex(y.shape(), out);
        if (x.ints() != null && y.ints() != null) {
            long[] v = new long[out.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = c.doubleAt(ic[i]) != 0 ? x.ints()[ix[i]] : y.ints()[iy[i]];
            }
            return Const.ofInts(x.type(), out, v);
        }
        double[] v = new double[out.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = c.doubleAt(ic[i]) != 0 ? x.doubleAt(ix[i]) : y.doubleAt(iy[i]);
        }
        return Const.ofFloats(x.type().isFloat() ? x.type() : y.type(), out, v);
    }
}

package dev.gradcheck.model.onnx;

import static dev.gradcheck.model.onnx.OnnxOp.of;

import dev.gradcheck.engine.Attrs;
import dev.gradcheck.engine.Shape;
import dev.gradcheck.model.onnx.Value.Const;
import java.util.Arrays;
import java.util.List;

/**
 * Ops that move data without arithmetic: reshapes (Flatten, Reshape, Squeeze, Unsqueeze),
 * Transpose, Concat, Split, Slice, Expand, Identity and Dropout (when it is the identity). Shape
 * arguments (target shapes, axes, split sizes, slice bounds) must be constants, which folding
 * makes of the shape sub-graphs exporters write.
 */
final class ShapeConverters {
    private ShapeConverters() {
    }

    static List<OnnxOp> all() {
        return List.of(
                of("Flatten", "reshape", "axis", "reshape to (product before axis, product from axis)",
                        ShapeConverters::flatten),
                of("Reshape", "reshape", "allowzero", "reshape (0 copies a dimension unless allowzero, -1 is "
                        + "inferred)", ShapeConverters::reshape).constants(1),
                of("Squeeze", "reshape", "", "reshape without the given (or all) dimensions of size 1",
                        ShapeConverters::squeeze).constants(1),
                of("Unsqueeze", "reshape", "", "reshape with dimensions of size 1 inserted",
                        ShapeConverters::unsqueeze).constants(1),
                of("Transpose", "permute", "perm", "permute (perm → dims; reversed by default)",
                        ShapeConverters::transpose),
                of("Concat", "cat", "axis", "cat (axis → dim)", ShapeConverters::concat),
                of("Split", "narrow", "axis num_outputs", "narrow per output (split sizes a constant input, else "
                        + "equal parts)", ShapeConverters::split).constants(1),
                of("Slice", "narrow slice", "", "narrow for step 1, slice (aten::slice) for a larger step; a negative "
                        + "step picks its entries as Gather does", ShapeConverters::slice).constants(1, 2, 3, 4),
                of("Expand", "expand", "", "expand to the shape broadcast from the input's and the given one",
                        ShapeConverters::expand).constants(1),
                of("Identity", "", "", "nothing (the output is the input)", n -> n.out(n.in(0))),
                of("Dropout", "", "seed", "nothing, when the ratio is 0 or training_mode is false (a random mask "
                        + "could not match the framework's); no mask output", ShapeConverters::dropout).constants(1, 2));
    }

    private static void flatten(NodeContext n) {
        Value x = n.in(0);
        int rank = x.shape().rank();
        long a = n.attrInt("axis", 1);
        int axis = a == rank ? rank : n.axis(a, rank, "axis");
        int[] d = x.shape().dims();
        n.out(Emit.reshape(n, x, Emit.product(d, 0, axis), Emit.product(d, axis, rank)));
    }

    private static void reshape(NodeContext n) {
        Value x = n.in(0);
        long[] target = n.ints(1, "shape");
        boolean allowZero = n.attrInt("allowzero", 0) != 0;
        int[] in = x.shape().dims();
        int[] out = new int[target.length];
        int infer = -1;
        long known = 1;
        for (int i = 0; i < target.length; i++) {
            long t = target[i];
            if (t == 0 && !allowZero) {
                if (i >= in.length) {
                    throw n.fail("shape " + Arrays.toString(target) + ": 0 at position " + i + " copies a dimension "
                            + "the input " + x.shape() + " does not have");
                }
                t = in[i];
            }
            if (t == -1) {
                if (infer >= 0) {
                    throw n.fail("shape " + Arrays.toString(target) + " has more than one -1");
                }
                infer = i;
                continue;
            }
            if (t < 0 || t > n.maxElements()) {
                throw n.fail("shape " + Arrays.toString(target) + " has an invalid dimension " + t);
            }
            out[i] = (int) t;
            known *= t;
        }
        if (infer >= 0) {
            if (known == 0 || x.shape().size() % known != 0) {
                throw n.fail("cannot reshape " + x.shape() + " (" + x.shape().size() + " elements) to "
                        + Arrays.toString(target));
            }
            out[infer] = (int) (x.shape().size() / known);
        }
        n.out(reshaped(n, x, out));
    }

    private static Value reshaped(NodeContext n, Value x, int[] dims) {
        long size = 1;
        for (int d : dims) {
            size *= d;
        }
        if (size != x.shape().size()) {
            throw n.fail("cannot reshape " + x.shape() + " (" + x.shape().size() + " elements) to "
                    + Arrays.toString(dims) + " (" + size + " elements)");
        }
        return Emit.reshape(n, x, dims);
    }

    private static void squeeze(NodeContext n) {
        Value x = n.in(0);
        int[] d = x.shape().dims();
        boolean[] drop = new boolean[d.length];
        if (n.has(1)) {
            for (int a : Emit.axes(n, n.ints(1, "axes"), d.length, "axes")) {
                if (d[a] != 1) {
                    throw n.fail("axis " + a + " of " + x.shape() + " has size " + d[a] + ", not 1");
                }
                drop[a] = true;
            }
        } else {
            for (int i = 0; i < d.length; i++) {
                drop[i] = d[i] == 1;
            }
        }
        int[] out = new int[d.length];
        int k = 0;
        for (int i = 0; i < d.length; i++) {
            if (!drop[i]) {
                out[k++] = d[i];
            }
        }
        n.out(Emit.reshape(n, x, Arrays.copyOf(out, k)));
    }

    private static void unsqueeze(NodeContext n) {
        Value x = n.in(0);
        long[] axes = n.ints(1, "axes");
        int rank = x.shape().rank() + axes.length;
        boolean[] inserted = new boolean[rank];
        for (int a : Emit.axes(n, axes, rank, "axes")) {
            inserted[a] = true;
        }
        int[] out = new int[rank];
        int[] d = x.shape().dims();
        for (int i = 0, j = 0; i < rank; i++) {
            out[i] = inserted[i] ? 1 : d[j++];
        }
        n.out(Emit.reshape(n, x, out));
    }

    private static void transpose(NodeContext n) {
        Value x = n.in(0);
        int rank = x.shape().rank();
        long[] perm = n.attrInts("perm");
        int[] dims = new int[rank];
        for (int i = 0; i < rank; i++) {
            dims[i] = perm == null ? rank - 1 - i : -1;
        }
        if (perm != null) {
            if (perm.length != rank) {
                throw n.fail("perm " + Arrays.toString(perm) + " does not fit an input of rank " + rank);
            }
            boolean[] seen = new boolean[rank];
            for (int i = 0; i < rank; i++) {
                dims[i] = n.axis(perm[i], rank, "perm entry");
                if (seen[dims[i]]) {
                    throw n.fail("perm " + Arrays.toString(perm) + " is not a permutation");
                }
                seen[dims[i]] = true;
            }
        }
        boolean identity = true;
        for (int i = 0; i < rank; i++) {
            identity &= dims[i] == i;
        }
        n.out(identity ? x : n.emit("permute", Attrs.of("dims", dims), x));
    }

    private static void concat(NodeContext n) {
        if (n.inputCount() == 0) {
            throw n.fail("has no inputs");
        }
        Value[] in = new Value[n.inputCount()];
        for (int i = 0; i < in.length; i++) {
            in[i] = n.in(i);
        }
        if (in.length == 1) {
            n.out(in[0]);
            return;
        }
        int axis = n.axis(n.attrInt("axis", 0), in[0].shape().rank(), "axis");
        n.out(n.emit("cat", Attrs.of("dim", axis), in));
    }

    private static void split(NodeContext n) {
        Value x = n.in(0);
        int axis = n.axis(n.attrInt("axis", 0), x.shape().rank(), "axis");
        int size = x.shape().dim(axis);
        int parts = n.outputCount();
        long[] sizes;
        if (n.has(1)) {
            sizes = n.ints(1, "split");
        } else {
            long num = n.hasAttr("num_outputs") ? n.attrInt("num_outputs", parts) : parts;
            if (num != parts || num < 1) {
                throw n.fail("num_outputs " + num + " does not match its " + parts + " outputs");
            }
            long chunk = n.opset() >= 18 ? (size + num - 1) / num : size / num;
            if (n.opset() < 18 && size % num != 0) {
                throw n.fail("cannot split dimension " + axis + " of " + x.shape() + " into " + num + " equal parts");
            }
            sizes = new long[parts];
            for (int i = 0; i < parts; i++) {
                sizes[i] = Math.max(0, Math.min(chunk, size - i * chunk));
            }
        }
        if (sizes.length != parts || Arrays.stream(sizes).sum() != size || Arrays.stream(sizes).anyMatch(s -> s < 0)) {
            throw n.fail("split sizes " + Arrays.toString(sizes) + " do not divide dimension " + axis + " of "
                    + x.shape() + " into its " + parts + " outputs");
        }
        int start = 0;
        for (int i = 0; i < parts; i++) {
            int len = (int) sizes[i];
            n.out(i, n.emit("narrow", Attrs.of("dim", axis, "start", start, "length", len), x));
            start += len;
        }
    }

    private static void slice(NodeContext n) {
        Value x = n.in(0);
        long[] starts = n.ints(1, "starts");
        long[] ends = n.ints(2, "ends");
        int rank = x.shape().rank();
        long[] axes = n.has(3) ? n.ints(3, "axes") : null;
        long[] steps = n.has(4) ? n.ints(4, "steps") : null;
        if (ends.length != starts.length || (axes != null && axes.length != starts.length)
                || (steps != null && steps.length != starts.length)) {
            throw n.fail("starts, ends, axes and steps must have the same length, got " + starts.length + ", "
                    + ends.length + (axes != null ? ", " + axes.length : "") + (steps != null ? ", " + steps.length : ""));
        }
        boolean[] seen = new boolean[rank];
        Value y = x;
        for (int i = 0; i < starts.length; i++) {
            int axis = n.axis(axes != null ? axes[i] : i, rank, "axis");
            if (seen[axis]) {
                throw n.fail("slices axis " + axis + " twice");
            }
            seen[axis] = true;
            long step = steps != null ? steps[i] : 1;
            if (step == 0) {
                throw n.fail("a step of 0");
            }
            y = sliceAxis(n, y, axis, starts[i], ends[i], step);
        }
        n.out(y);
    }

    /** One axis of Slice, with ONNX's clamping of start and end. */
    private static Value sliceAxis(NodeContext n, Value x, int axis, long start, long end, long step) {
        long dim = x.shape().dim(axis);
        long s = start < 0 ? start + dim : start;
        long e = end < 0 ? end + dim : end;
        if (step > 0) {
            s = Math.max(0, Math.min(dim, s));
            e = Math.max(0, Math.min(dim, e));
        } else {
            s = Math.max(0, Math.min(dim - 1, s));
            e = Math.max(-1, Math.min(dim - 1, e));
        }
        if (step == 1) {
            if (s == 0 && e == dim) {
                return x;
            }
            return n.emit("narrow", Attrs.of("dim", axis, "start", (int) s, "length", (int) Math.max(0, e - s)), x);
        }
        if (step > 0) {
            return n.emit("slice", Attrs.of("dim", axis, "start", (int) s, "end", (int) Math.max(s, e),
                    "step", n.toInt(step, "step")), x);
        }
        long count = Math.max(0, (s - e + (-step) - 1) / (-step));
        long[] idx = new long[(int) count];
        for (int k = 0; k < count; k++) {
            idx[k] = s + k * step;
        }
        return GatherConverters.take(n, x, axis, Const.ofLongs(idx));
    }

    private static void expand(NodeContext n) {
        Value x = n.in(0);
        long[] target = n.ints(1, "shape");
        Shape given = TensorData.shape(target, n.source(), n.node().pointer(), n.name(), n.label() + "'s shape");
        Shape out;
        try {
            out = Shape.broadcast("Expand", x.shape(), given);
        } catch (RuntimeException e) {
            throw n.fail(e.getMessage());
        }
        n.out(out.equals(x.shape()) ? x : n.emit("expand", Attrs.of("size", out.dims()), x));
    }

    private static void dropout(NodeContext n) {
        double ratio = n.has(1) ? n.scalar(1, "ratio") : 0.5;
        boolean training = n.has(2) && n.scalar(2, "training_mode") != 0;
        if (training && ratio != 0) {
            throw n.fail("Dropout with ratio " + ratio + " in training mode draws a random mask, which could not match "
                    + "the framework's; export with p = 0 (or the module in eval mode)");
        }
        n.unavailable(1, "the mask output of Dropout is not computed");
        n.out(n.in(0));
    }
}

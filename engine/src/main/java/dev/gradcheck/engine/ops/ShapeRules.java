package dev.gradcheck.engine.ops;

import dev.gradcheck.engine.Attrs;
import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.ShapeException;
import dev.gradcheck.engine.op.ShapeRule;
import java.util.Arrays;

/** Shape rules shared by several ops. */
public final class ShapeRules {
    private ShapeRules() {
    }

    /** The output has the first input's shape (elementwise unary ops). */
    public static final ShapeRule SAME = (op, in, a) -> in[0];

    /** The inputs broadcast together (elementwise binary ops). */
    public static final ShapeRule BROADCAST = (op, in, a) -> {
        Shape s = in[0];
        for (int i = 1; i < in.length; i++) {
            s = Shape.broadcast(op, s, in[i]);
        }
        return s;
    };

    /** A reduction over attribute {@code dim} (none or empty: every dimension) with {@code keepdim}. */
    public static final ShapeRule REDUCE = (op, in, a) -> reducedShape(op, in[0], a.getInts("dim"), a.getBool("keepdim"));

    /**
     * Which dimensions of {@code s} a reduction over {@code dims} covers (null or empty: all).
     *
     * @throws ShapeException on a dimension out of range or given twice
     */
    public static boolean[] reducedDims(String op, Shape s, int[] dims) {
        boolean[] mask = new boolean[s.rank()];
        if (dims == null || dims.length == 0) {
            Arrays.fill(mask, true);
            return mask;
        }
        for (int d : dims) {
            int k = s.normalizeDim(d, op);
            if (s.rank() == 0) {
                continue;
            }
            if (mask[k]) {
                throw new ShapeException(op + ": dimension " + d + " appears more than once in dim "
                        + Arrays.toString(dims) + " for shape " + s);
            }
            mask[k] = true;
        }
        return mask;
    }

    /** The shape after reducing {@code s} over {@code dims}. */
    public static Shape reducedShape(String op, Shape s, int[] dims, boolean keepdim) {
        boolean[] mask = reducedDims(op, s, dims);
        int[] out = new int[s.rank()];
        int n = 0;
        for (int d = 0; d < s.rank(); d++) {
            if (!mask[d]) {
                out[n++] = s.dim(d);
            } else if (keepdim) {
                out[n++] = 1;
            }
        }
        return Shape.of(Arrays.copyOf(out, n));
    }

    /** The keepdim form of a reduction's output shape (reduced dimensions kept as 1). */
    public static Shape keepdimShape(String op, Shape s, Attrs a) {
        return reducedShape(op, s, a.getInts("dim"), true);
    }
}

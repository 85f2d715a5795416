package dev.gradcheck.model.onnx;

import static dev.gradcheck.model.onnx.OnnxOp.of;

import dev.gradcheck.engine.Shape;
import dev.gradcheck.model.onnx.Value.Const;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

/**
 * Ops exporters emit only on load-time constants, for shape arithmetic: {@code x.view(x.size(0),
 * -1)}, {@code var}'s element count ({@code ReduceProd} of gathered dims), clamped slice bounds
 * ({@code Min}/{@code Max}), {@code Mod}, rounding, {@code Tile}. They are computed here, exactly
 * on integers (as ONNX computes int64) and in float64 on floats, and a node whose input depends
 * on the graph's inputs or params is refused, naming the input; except Max and Min, which on
 * data are the engine's maximum and minimum (torch.maximum, torch.minimum).
 */
final class ConstantArithmetic {
    private ConstantArithmetic() {
    }

    private static final String FOLDED = " (on constants only: shape arithmetic, folded)";

    static List<OnnxOp> all() {
        List<OnnxOp> ops = new ArrayList<>();
        ops.add(reduce("ReduceProd", "product", 1, (a, b) -> a * b));
        ops.add(reduce("ReduceMin", "minimum", Double.POSITIVE_INFINITY, Math::min));
        ops.add(variadic("Min", "elementwise minimum", "minimum", Math::min));
        ops.add(variadic("Max", "elementwise maximum", "maximum", Math::max));
        ops.add(of("Mod", "", "fmod", "remainder: the divisor's sign (fmod 0, as Python's %) or the dividend's "
                + "(fmod 1, as C's fmod)" + FOLDED, ConstantArithmetic::mod));
        ops.add(unary("Floor", "floor", Math::floor));
        ops.add(unary("Ceil", "ceil", Math::ceil));
        ops.add(unary("Sign", "sign", Math::signum));
        ops.add(unary("Round", "round half to even", Math::rint));
        ops.add(of("Xor", "", "", "logical xor" + FOLDED, n -> n.out(FoldingConverters.zip(n, n.constant(0, "input 0"),
                n.constant(1, "input 1"), (a, b) -> (a != 0) != (b != 0) ? 1 : 0, OnnxType.BOOL))).noGradient());
        ops.add(of("Tile", "", "", "repeats the input along each axis" + FOLDED, ConstantArithmetic::tile)
                .constants(0, 1));
        return ops;
    }

    // ------------------------------------------------------------------ rows

    private static OnnxOp unary(String type, String what, DoubleUnaryOperator f) {
        return of(type, "", "", what + FOLDED, n -> {
            Const c = n.constant(0, "input");
            n.out(c.ints() != null ? c : Const.ofFloats(c.type(), c.shape(), map(c.floats(), f)));
        }).constants(0);
    }

    /**
     * Max or Min: folded exactly on constants (shape arithmetic); on data the engine's {@code
     * engineOp} (torch.maximum, torch.minimum: tied entries share the gradient equally), from the
     * first input pairwise.
     */
    private static OnnxOp variadic(String type, String what, String engineOp, DoubleBinaryOperator f) {
        return of(type, engineOp, "", what + " of any number of inputs, broadcast: on constants folded (shape "
                + "arithmetic); else " + engineOp + " (tied entries share the gradient equally, as torch." + engineOp
                + "), pairwise from the first", n -> {
                    if (n.inputCount() == 0) {
                        throw n.fail("takes at least one input");
                    }
                    boolean constants = true;
                    for (int i = 0; i < n.inputCount(); i++) {
                        constants &= n.in(i) instanceof Const;
                    }
                    if (!constants) {
                        Value acc = n.in(0);
                        for (int i = 1; i < n.inputCount(); i++) {
                            acc = n.emit(engineOp, acc, n.in(i));
                        }
                        n.out(acc);
                        return;
                    }
                    Const acc = n.constant(0, "input 0");
                    for (int i = 1; i < n.inputCount(); i++) {
                        acc = zip(n, acc, n.constant(i, "input " + i), f);
                    }
                    n.out(acc);
                });
    }

    private static OnnxOp reduce(String type, String what, double identity, DoubleBinaryOperator f) {
        return of(type, "", "axes keepdims noop_with_empty_axes", what + " over the axes (all when none are given)"
                + FOLDED, n -> reduce(n, identity, f)).constants(0, 1);
    }

    // ------------------------------------------------------------------ converters

    private static void mod(NodeContext n) {
        Const a = n.constant(0, "dividend");
        Const b = n.constant(1, "divisor");
        boolean fmod = n.attrInt("fmod", 0) != 0;
        if (!fmod && (a.ints() == null || b.ints() == null)) {
            throw n.fail("fmod 0 is defined for integers only; floats need fmod 1");
        }
        if (b.ints() != null) {
            for (long d : b.ints()) {
                if (d == 0) {
                    throw n.fail("divides by zero");
                }
            }
        }
        n.out(zip(n, a, b, fmod ? (x, y) -> x % y : (x, y) -> x - y * Math.floor(x / y)));
    }

    private static void reduce(NodeContext n, double identity, DoubleBinaryOperator f) {
        Const x = n.constant(0, "input");
        int rank = x.shape().rank();
        long[] axes = ReduceConverters.axes(n, rank, 18);
        boolean keep = n.attrInt("keepdims", 1) != 0;
        if (axes == null) {
            n.out(x);
            return;
        }
        boolean[] reduced = new boolean[rank];
        for (int a : Emit.axes(n, axes, rank, "axes")) {
            reduced[a] = true;
        }
        List<Integer> outDims = new ArrayList<>();
        for (int d = 0; d < rank; d++) {
            if (!reduced[d]) {
                outDims.add(x.shape().dim(d));
            } else if (keep) {
                outDims.add(1);
            }
        }
        Shape out = Shape.of(outDims.stream().mapToInt(Integer::intValue).toArray());
        double[] acc = new double[out.size()];
        java.util.Arrays.fill(acc, identity);
        int[] idx = new int[rank];
        for (int i = 0; i < x.size(); i++) {
            int o = 0;
            for (int d = 0, k = 0; d < rank; d++) {
                if (!reduced[d]) {
                    o = o * x.shape().dim(d) + idx[d];
                    k++;
                }
            }
            acc[o] = f.applyAsDouble(acc[o], x.doubleAt(i));
            next(idx, x.shape());
        }
        n.out(typed(x, out, acc));
    }

    private static void tile(NodeContext n) {
        Const x = n.constant(0, "input");
        long[] repeats = n.ints(1, "repeats");
        int rank = x.shape().rank();
        if (repeats.length != rank) {
            throw n.fail("repeats has " + repeats.length + " entries for an input of rank " + rank);
        }
        int[] dims = new int[rank];
        long size = 1;
        for (int d = 0; d < rank; d++) {
            if (repeats[d] < 0) {
                throw n.fail("repeats " + java.util.Arrays.toString(repeats) + " has a negative entry");
            }
            size *= x.shape().dim(d) * repeats[d];
            if (size > n.maxElements()) {
                throw n.fail("would make more than the limit of " + n.maxElements() + " elements");
            }
            dims[d] = (int) (x.shape().dim(d) * repeats[d]);
        }
        Shape out = Shape.of(dims);
        double[] v = new double[out.size()];
        int[] idx = new int[rank];
        int[] strides = x.shape().strides();
        for (int i = 0; i < v.length; i++) {
            int from = 0;
            for (int d = 0; d < rank; d++) {
                from += (idx[d] % x.shape().dim(d)) * strides[d];
            }
            v[i] = x.doubleAt(from);
            next(idx, out);
        }
        n.out(typed(x, out, v));
    }

    // ------------------------------------------------------------------ helpers

    /** {@code f} over {@code a} and {@code b} broadcast: integers when both are, else float64. */
    private static Const zip(NodeContext n, Const a, Const b, DoubleBinaryOperator f) {
        if (a.ints() != null && b.ints() != null) {
            return FoldingConverters.zip(n, a, b, f, a.type());
        }
        Shape out;
        try {
            out = Shape.broadcast(n.node().opType(), a.shape(), b.shape());
        } catch (RuntimeException e) {
            throw n.fail(e.getMessage());
        }
        int[] ia = FoldingConverters.broadcastIndex(a.shape(), out);
        int[] ib = FoldingConverters.broadcastIndex(b.shape(), out);
        double[] v = new double[out.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = f.applyAsDouble(a.doubleAt(ia[i]), b.doubleAt(ib[i]));
        }
        return Const.ofFloats(a.floats() != null ? a.type() : b.type(), out, v);
    }

    private static Const typed(Const like, Shape shape, double[] v) {
        if (like.floats() != null) {
            return Const.ofFloats(like.type(), shape, v);
        }
        long[] l = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            l[i] = (long) v[i];
        }
        return Const.ofInts(like.type(), shape, l);
    }

    private static double[] map(double[] v, DoubleUnaryOperator f) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = f.applyAsDouble(v[i]);
        }
        return out;
    }

    /** Advances a row-major index over {@code s}. */
    private static void next(int[] idx, Shape s) {
        for (int d = idx.length - 1; d >= 0; d--) {
            if (++idx[d] < s.dim(d)) {
                return;
            }
            idx[d] = 0;
        }
    }
}

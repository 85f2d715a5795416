package dev.gradcheck.model.onnx;

import static dev.gradcheck.model.onnx.OnnxOp.of;

import dev.gradcheck.engine.Shape;
import dev.gradcheck.model.onnx.OnnxProto.AttributeProto;
import dev.gradcheck.model.onnx.Value.Const;
import dev.gradcheck.model.onnx.Value.Ref;
import java.util.Arrays;
import java.util.List;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoublePredicate;

/**
 * Ops computed at load time, never part of the engine graph: constants, shapes (known statically
 * for every tensor) and the integer and boolean arithmetic exporters build shape sub-graphs from
 * ({@code Shape → Gather → Unsqueeze → Concat → Reshape}), so dynamic-looking graphs load as
 * static ones. Their inputs must be constants; Cast between float types is the identity on any
 * tensor, since everything is float64 here.
 */
final class FoldingConverters {
    private FoldingConverters() {
    }

    private interface Compare {
        boolean test(double a, double b);
    }

    static List<OnnxOp> all() {
        return List.of(
                of("Constant", "", "value value_float value_floats value_int value_ints", "a constant (folded)",
                        FoldingConverters::constant),
                of("Shape", "", "start end", "the input's static shape (folded)", FoldingConverters::shape)
                        .noGradient(),
                of("Size", "", "", "the input's static element count (folded)",
                        n -> n.out(Const.ofInts(OnnxType.INT64, Shape.SCALAR, new long[] {n.in(0).shape().size()})))
                        .noGradient(),
                of("ConstantOfShape", "", "value", "a constant tensor (folded)", FoldingConverters::constantOfShape)
                        .constants(0),
                of("Cast", "", "to saturate", "float to float: the identity (all float64); other casts of constants "
                        + "folded", n -> cast(n, (int) n.attrInt("to", 0))).gradientWhen(FoldingConverters::toFloat),
                of("CastLike", "", "saturate", "as Cast, to the type of the second input",
                        n -> cast(n, n.in(1).type().code())).since(15),
                of("Range", "", "", "start, limit, delta constants (folded)", FoldingConverters::range)
                        .constants(0, 1, 2),
                compare("Equal", (a, b) -> a == b),
                compare("Less", (a, b) -> a < b),
                compare("LessOrEqual", (a, b) -> a <= b),
                compare("Greater", (a, b) -> a > b),
                compare("GreaterOrEqual", (a, b) -> a >= b),
                logic("And", (a, b) -> a != 0 && b != 0 ? 1 : 0),
                logic("Or", (a, b) -> a != 0 || b != 0 ? 1 : 0),
                of("Not", "", "", "logical not of constants (folded)",
                        n -> n.out(map(n, bool(n, 0), v -> v == 0))).noGradient());
    }

    /** True for a Cast to a float type: only then does a gradient pass it, as in PyTorch. */
    private static boolean toFloat(OnnxProto.NodeProto node) {
        for (OnnxProto.AttributeProto a : node.attributes()) {
            if (a.name().equals("to") && a.i() != null) {
                OnnxType t = OnnxType.of(a.i());
                return t == null || t.isFloat();
            }
        }
        return true;
    }

    private static OnnxOp compare(String type, Compare c) {
        return of(type, "", "", "comparison of constants (folded)",
                n -> n.out(zip(n, mask(n, 0), mask(n, 1), (a, b) -> c.test(a, b) ? 1 : 0, OnnxType.BOOL))).noGradient();
    }

    private static OnnxOp logic(String type, DoubleBinaryOperator op) {
        return of(type, "", "", "logic of constants (folded)",
                n -> n.out(zip(n, bool(n, 0), bool(n, 1), op, OnnxType.BOOL))).noGradient();
    }

    private static Const constant(NodeContext n, int i) {
        return n.constant(i, "input " + i);
    }

    /** A comparison's input: comparisons of data (masks such as {@code torch.where(x > 0, …)}) are not computed. */
    private static Const mask(NodeContext n, int i) {
        Value v = n.in(i);
        if (v instanceof Const c) {
            return c;
        }
        String compared = "compares '" + OnnxSource.abbreviate(n.node().inputs().get(i)) + "', which depends on the ";
        if (v.type().isInt()) {
            throw n.fail(compared + "graph's integer inputs: a mask computed from them (as key_padding_mask=(tokens "
                    + "== 0) exports) is not supported; comparisons are folded on load-time constants only (give the "
                    + "mask as a float input of its own, 0 where kept and -inf where masked, which attention adds to "
                    + "its scores: key_padding_mask and attn_mask take one)");
        }
        throw n.fail(compared + "graph's inputs or params: a data-dependent mask (as torch.where(x > 0, x, a * x) "
                + "exports) is not supported; comparisons are folded on load-time constants only (write the mask as "
                + "an activation, e.g. F.leaky_relu, or use relu/clamp)");
    }

    private static Const bool(NodeContext n, int i) {
        Const c = constant(n, i);
        if (c.type() != OnnxType.BOOL) {
            throw n.fail("input " + i + " must be bool, got " + c.type().label());
        }
        return c;
    }

    private static void constant(NodeContext n) {
        AttributeProto a = n.onlyAttr();
        if (a == null) {
            throw n.fail("gives no value (one of value, value_float, value_floats, value_int, value_ints)");
        }
        Const c = switch (a.name()) {
            case "value" -> n.tensorAttr(a);
            case "value_float" -> Const.ofFloats(OnnxType.FLOAT, Shape.SCALAR, new double[] {n.attrFloat(a.name(), 0)});
            case "value_floats" -> floats(n, a);
            case "value_int" -> Const.ofInts(OnnxType.INT64, Shape.SCALAR, new long[] {n.attrInt(a.name(), 0)});
            case "value_ints" -> {
                long[] v = n.attrInts(a.name());
                yield Const.ofInts(OnnxType.INT64, Shape.of(v.length), v);
            }
            default -> throw n.fail("attribute '" + OnnxSource.abbreviate(a.name()) + "' is not supported");
        };
        n.out(c);
    }

    private static Const floats(NodeContext n, AttributeProto a) {
        double[] v = new double[a.floats().length];
        for (int i = 0; i < v.length; i++) {
            v[i] = NodeContext.widen(a.floats()[i]);
        }
        n.notes().widenedAttribute();
        return Const.ofFloats(OnnxType.FLOAT, Shape.of(v.length), v);
    }

    private static void shape(NodeContext n) {
        int[] dims = n.in(0).shape().dims();
        int r = dims.length;
        long start = n.attrInt("start", 0);
        long end = n.attrInt("end", r);
        int s = (int) Math.max(0, Math.min(r, start < 0 ? start + r : start));
        int e = (int) Math.max(0, Math.min(r, end < 0 ? end + r : end));
        long[] out = new long[Math.max(0, e - s)];
        for (int i = 0; i < out.length; i++) {
            out[i] = dims[s + i];
        }
        n.out(Const.ofLongs(out));
    }

    private static void constantOfShape(NodeContext n) {
        long[] dims = n.ints(0, "shape");
        Shape s = TensorData.shape(dims, n.source(), n.node().pointer(), n.name(), n.label() + "'s output");
        Const fill = n.hasAttr("value") ? n.tensorAttr(n.attr("value"))
                : Const.ofFloats(OnnxType.FLOAT, Shape.of(1), new double[] {0});
        if (fill.size() != 1) {
            throw n.fail("value must hold one element, got shape " + fill.shape());
        }
        if (fill.ints() != null) {
            long[] v = new long[s.size()];
            Arrays.fill(v, fill.ints()[0]);
            n.out(Const.ofInts(fill.type(), s, v));
        } else {
            double[] v = new double[s.size()];
            Arrays.fill(v, fill.floats()[0]);
            n.out(Const.ofFloats(fill.type(), s, v));
        }
    }

    private static void cast(NodeContext n, int to) {
        OnnxType type = OnnxType.of(to);
        if (type == null || type.kind() == OnnxType.Kind.UNSUPPORTED) {
            throw n.fail("casts to " + OnnxType.label(to) + ", which gradcheck does not compute with");
        }
        Value x = n.in(0);
        if (x instanceof Ref r) {
            if (r.type().isFloat() && type.isFloat()) {
                n.out(x); // every float type is float64 here
                return;
            }
            if (r.type().isInt() && type.isInt() && type != OnnxType.BOOL) {
                n.out(x);
                return;
            }
            throw n.fail("casts a " + r.type().label() + " tensor that depends on the graph's inputs to "
                    + type.label() + "; only casts between float types (or between integer types) are supported "
                    + "there");
        }
        Const c = (Const) x;
        if (type.isFloat()) {
            n.out(Const.ofFloats(type, c.shape(), c.doubles().clone()));
            return;
        }
        long[] v = new long[c.size()];
        for (int i = 0; i < v.length; i++) {
            double d = c.doubleAt(i);
            if (type == OnnxType.BOOL) {
                v[i] = d != 0 ? 1 : 0;
            } else if (c.ints() != null) {
                v[i] = c.ints()[i];
            } else if (!Double.isFinite(d)) {
                throw n.fail("casts " + d + " to " + type.label());
            } else {
                v[i] = (long) d; // toward zero
            }
        }
        n.out(Const.ofInts(type, c.shape(), v));
    }

    private static void range(NodeContext n) {
        Const start = constant(n, 0);
        Const limit = constant(n, 1);
        Const delta = constant(n, 2);
        double s = start.doubleAt(0);
        double d = delta.doubleAt(0);
        if (start.size() != 1 || limit.size() != 1 || delta.size() != 1 || d == 0 || !Double.isFinite(s)) {
            throw n.fail("start, limit and delta must be scalars, delta non-zero");
        }
        double count = Math.max(Math.ceil((limit.doubleAt(0) - s) / d), 0);
        if (!(count <= n.maxElements())) {
            throw n.fail("would make " + count + " elements, over the limit of " + n.maxElements());
        }
        int c = (int) count;
        if (start.ints() != null) {
            long[] v = new long[c];
            for (int i = 0; i < c; i++) {
                v[i] = start.ints()[0] + i * delta.ints()[0];
            }
            n.out(Const.ofInts(start.type(), Shape.of(c), v));
        } else {
            double[] v = new double[c];
            for (int i = 0; i < c; i++) {
                v[i] = s + i * d;
            }
            n.out(Const.ofFloats(start.type(), Shape.of(c), v));
        }
    }

    /** {@code op} over {@code a} and {@code b} broadcast against each other, as integers of {@code type}. */
    static Const zip(NodeContext n, Const a, Const b, DoubleBinaryOperator op, OnnxType type) {
        Shape out;
        try {
            out = Shape.broadcast(n.node().opType(), a.shape(), b.shape());
        } catch (RuntimeException e) {
            throw n.fail(e.getMessage());
        }
        int[] ia = broadcastIndex(a.shape(), out);
        int[] ib = broadcastIndex(b.shape(), out);
        long[] v = new long[out.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (long) op.applyAsDouble(a.doubleAt(ia[i]), b.doubleAt(ib[i]));
        }
        return Const.ofInts(type, out, v);
    }

    private static Const map(NodeContext n, Const a, DoublePredicate p) {
        long[] v = new long[a.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = p.test(a.doubleAt(i)) ? 1 : 0;
        }
        return Const.ofInts(OnnxType.BOOL, a.shape(), v);
    }

    /** For each element of {@code to}, the index of the element of {@code from} broadcast onto it. */
    static int[] broadcastIndex(Shape from, Shape to) {
        int[] out = new int[to.size()];
        int rank = to.rank();
        int offset = rank - from.rank();
        int[] fromStrides = from.strides();
        int[] idx = new int[rank];
        for (int i = 0; i < out.length; i++) {
            int f = 0;
            for (int d = offset; d < rank; d++) {
                if (from.dim(d - offset) != 1) {
                    f += idx[d] * fromStrides[d - offset];
                }
            }
            out[i] = f;
            for (int d = rank - 1; d >= 0; d--) {
                if (++idx[d] < to.dim(d)) {
                    break;
                }
                idx[d] = 0;
            }
        }
        return out;
    }
}

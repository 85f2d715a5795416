package dev.gradcheck.model.onnx;

import dev.gradcheck.engine.Attrs;
import dev.gradcheck.engine.Shape;
import dev.gradcheck.model.ModelFileException;
import dev.gradcheck.model.onnx.OnnxProto.AttributeProto;
import dev.gradcheck.model.onnx.OnnxProto.NodeProto;
import dev.gradcheck.model.onnx.Value.Const;
import dev.gradcheck.model.onnx.Value.Ref;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One ONNX node as its converter sees it: its inputs (as {@link Value}s), attributes (typed, with
 * defaults), the opset it is read under, and the means to emit engine ops and bind its outputs.
 * Every error it makes names the file, the node's place ({@code /graph/node/3}), its name, op
 * type and opset.
 */
final class NodeContext {
    private final NodeProto node;
    private final int opset;
    private final EngineGraph graph;
    private final OnnxSource src;
    private final Map<String, AttributeProto> attrs = new LinkedHashMap<>();
    private final int firstNode;
    private final OnnxNotes notes;

    NodeContext(NodeProto node, int opset, EngineGraph graph, OnnxSource src, OnnxNotes notes) {
        this.node = node;
        this.opset = opset;
        this.graph = graph;
        this.src = src;
        this.notes = notes;
        this.firstNode = graph.nodeCount();
        for (AttributeProto a : node.attributes()) {
            if (attrs.putIfAbsent(a.name(), a) != null) {
                throw fail("attribute '" + OnnxSource.abbreviate(a.name()) + "' is given twice");
            }
        }
    }

    /** The ONNX node. */
    NodeProto node() {
        return node;
    }

    /** The opset of the {@code ai.onnx} domain the model imports (the node is read by that version). */
    int opset() {
        return opset;
    }

    /** The node as messages name it: {@code Gemm '/fc/Gemm' (opset 17)}. */
    String label() {
        return node.opType() + " '" + OnnxSource.abbreviate(name()) + "' (opset " + opset + ")";
    }

    /** The node's name, or its first output's name when it has none. */
    String name() {
        if (!node.name().isEmpty()) {
            return node.name();
        }
        return node.outputs().isEmpty() ? "#" + node.index() : node.outputs().get(0);
    }

    /** An invalid-file error at this node. */
    ModelFileException fail(String problem) {
        return src.fail(node.pointer(), name(), label() + ": " + problem);
    }

    // ------------------------------------------------------------------ inputs

    /** The number of inputs listed (optional ones left out at the end, or given as {@code ""}). */
    int inputCount() {
        return node.inputs().size();
    }

    /** True when input {@code i} is given (listed and not {@code ""}). */
    boolean has(int i) {
        return i < node.inputs().size() && !node.inputs().get(i).isEmpty();
    }

    /** Input {@code i}, which must be given. */
    Value in(int i) {
        if (!has(i)) {
            throw fail("input " + i + " is missing");
        }
        String n = node.inputs().get(i);
        Value v = graph.lookup(n);
        if (v == null && graph.unavailableReason(n) != null) {
            throw fail("input '" + OnnxSource.abbreviate(n) + "' is not available: " + graph.unavailableReason(n));
        }
        if (v == null) {
            throw fail("input '" + OnnxSource.abbreviate(n) + "' is not a graph input, an initializer or the output "
                    + "of an earlier node (ONNX graphs list nodes in topological order)");
        }
        return v;
    }

    /** Input {@code i}, or null when it is not given. */
    Value optional(int i) {
        return has(i) ? in(i) : null;
    }

    /** Input {@code i} as a constant known at load time; {@code what} names it in the error otherwise. */
    Const constant(int i, String what) {
        Value v = in(i);
        if (v instanceof Const c) {
            return c;
        }
        throw fail("its " + what + " ('" + OnnxSource.abbreviate(node.inputs().get(i)) + "') must be a constant "
                + "known at load time, but it depends on the values of the graph's inputs or params");
    }

    /** Input {@code i} as int64 values known at load time (shapes, axes, split sizes, pads). */
    long[] ints(int i, String what) {
        Const c = constant(i, what);
        if (c.ints() == null) {
            throw fail("its " + what + " must be integers, got " + c.type().label());
        }
        return c.ints();
    }

    /** Input {@code i} as one number known at load time (a ratio, a clip bound, a pad value). */
    double scalar(int i, String what) {
        Const c = constant(i, what);
        if (c.size() != 1) {
            throw fail("its " + what + " must hold one value, got shape " + c.shape());
        }
        return c.doubleAt(0);
    }

    // ------------------------------------------------------------------ attributes

    /** Refuses any attribute not in {@code known}: an attribute not understood must not be ignored. */
    void accept(java.util.Collection<String> known) {
        for (String a : attrs.keySet()) {
            if (!known.contains(a)) {
                throw fail("attribute '" + OnnxSource.abbreviate(a) + "' is not supported (" + node.opType()
                        + " takes " + (known.isEmpty() ? "none here" : String.join(", ", known)) + ")");
            }
        }
        for (AttributeProto a : attrs.values()) {
            if (a.refAttrName() != null) {
                throw fail("attribute '" + a.name() + "' refers to a function's attribute, which gradcheck does not "
                        + "read");
            }
        }
    }

    /** True when attribute {@code name} is given. */
    boolean hasAttr(String name) {
        return attrs.containsKey(name);
    }

    /** Integer attribute {@code name}, or {@code dflt}. */
    long attrInt(String name, long dflt) {
        AttributeProto a = attrs.get(name);
        if (a == null) {
            return dflt;
        }
        if (a.i() == null || (a.type() != 0 && a.type() != OnnxProto.INT)) {
            throw fail("attribute '" + name + "' must be an integer");
        }
        return a.i();
    }

    /**
     * Float attribute {@code name}, or {@code dflt}. ONNX float attributes are float32; they are
     * widened through their shortest decimal form, so the {@code 1e-5} a PyTorch module had
     * (exported as the float32 nearest to it) is read back as 1e-5.
     */
    double attrFloat(String name, double dflt) {
        AttributeProto a = attrs.get(name);
        if (a == null) {
            return dflt;
        }
        if (a.f() == null || (a.type() != 0 && a.type() != OnnxProto.FLOAT)) {
            throw fail("attribute '" + name + "' must be a float");
        }
        notes.widenedAttribute();
        return widen(a.f());
    }

    /** A float32 widened through its shortest decimal form. */
    static double widen(float f) {
        return Float.isFinite(f) ? Double.parseDouble(Float.toString(f)) : f;
    }

    /** Integer-list attribute {@code name}, or null when absent. */
    long[] attrInts(String name) {
        AttributeProto a = attrs.get(name);
        if (a == null) {
            return null;
        }
        if (a.type() != 0 && a.type() != OnnxProto.INTS) {
            throw fail("attribute '" + name + "' must be a list of integers");
        }
        return a.ints();
    }

    /** String attribute {@code name}, or {@code dflt}. */
    String attrString(String name, String dflt) {
        AttributeProto a = attrs.get(name);
        if (a == null) {
            return dflt;
        }
        if (a.s() == null || (a.type() != 0 && a.type() != OnnxProto.STRING)) {
            throw fail("attribute '" + name + "' must be a string");
        }
        return a.s().toStringUtf8();
    }

    /** The attribute {@code name} itself, or null. */
    AttributeProto attr(String name) {
        return attrs.get(name);
    }

    /** The only attribute given, or null when none is. */
    AttributeProto onlyAttr() {
        if (attrs.size() > 1) {
            throw fail("takes exactly one attribute, got " + String.join(", ", attrs.keySet()));
        }
        return attrs.isEmpty() ? null : attrs.values().iterator().next();
    }

    /** A tensor attribute's values, decoded (and widened). */
    Const tensorAttr(AttributeProto a) {
        if (a.t() == null) {
            throw fail("attribute '" + a.name() + "' must be a tensor");
        }
        Const c = TensorData.decode(a.t(), src, "attribute '" + a.name() + "' of " + label());
        notes.widened(c.type());
        notes.constant(c);
        return c;
    }

    // ------------------------------------------------------------------ axes and ints

    /** Axis {@code axis} of a tensor of rank {@code rank}, a negative one counting from the end. */
    int axis(long axis, int rank, String what) {
        if (axis < -rank || axis >= Math.max(rank, 1) || (rank == 0 && axis != 0 && axis != -1)) {
            throw fail(what + " " + axis + " is out of range for a tensor of rank " + rank);
        }
        return (int) (axis < 0 ? axis + rank : axis);
    }

    /** {@code v} as an int, refusing absurd values. */
    int toInt(long v, String what) {
        if (v > Integer.MAX_VALUE || v < Integer.MIN_VALUE) {
            throw fail(what + " " + v + " is out of range");
        }
        return (int) v;
    }

    /** Longs as ints, refusing absurd values. */
    int[] toInts(long[] v, String what) {
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = toInt(v[i], what);
        }
        return out;
    }

    // ------------------------------------------------------------------ emitting

    /** Applies engine op {@code op} (folded when every input is a constant). */
    Value emit(String op, Attrs a, Value... in) {
        return graph.apply(op, a, in, hint(), node.pointer(), name(), label());
    }

    /** Applies engine op {@code op} without attributes. */
    Value emit(String op, Value... in) {
        return emit(op, Attrs.EMPTY, in);
    }

    private String hint() {
        return node.outputs().isEmpty() || node.outputs().get(0).isEmpty() ? name() : node.outputs().get(0);
    }

    /** The number of outputs the node lists. */
    int outputCount() {
        return node.outputs().size();
    }

    /** True when output {@code k} is listed and named (so something may use it). */
    boolean wants(int k) {
        return k < node.outputs().size() && !node.outputs().get(k).isEmpty();
    }

    /** Binds output {@code k} to {@code v}; an engine node made here takes the output's name. */
    void out(int k, Value v) {
        if (!wants(k)) {
            return;
        }
        String name = node.outputs().get(k);
        Value bound = v instanceof Ref r ? graph.rename(r, name, firstNode) : v;
        graph.bind(name, bound, node.pointer(), name());
    }

    /** Marks output {@code k} as not computed, so a node that uses it is refused with {@code reason}. */
    void unavailable(int k, String reason) {
        if (wants(k)) {
            graph.unavailable(node.outputs().get(k), label() + ": " + reason);
        }
    }

    /** Binds output 0. */
    void out(Value v) {
        out(0, v);
    }

    /** Records the range an int64 index tensor must lie in (for inputs drawn at random). */
    void indexRange(Value v, long limit) {
        graph.indexRange(v, limit);
    }

    /** A 1-d int64 constant. */
    static Const longs(long... v) {
        return Const.ofLongs(v);
    }

    /** Shape {@code s}'s dims as longs. */
    static long[] dims(Shape s) {
        return Arrays.stream(s.dims()).asLongStream().toArray();
    }

    /** The file being read. */
    OnnxSource source() {
        return src;
    }

    /** The most elements one tensor may have. */
    long maxElements() {
        return src.limits().maxElementsPerTensor();
    }

    /** The notes this read collects. */
    OnnxNotes notes() {
        return notes;
    }
}

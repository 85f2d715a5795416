package dev.gradcheck.model.onnx;

import dev.gradcheck.engine.Attrs;
import dev.gradcheck.engine.DType;
import dev.gradcheck.engine.GradMode;
import dev.gradcheck.engine.Ops;
import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.op.InputSpec;
import dev.gradcheck.engine.op.OpDef;
import dev.gradcheck.engine.op.OpRegistry;
import dev.gradcheck.model.GraphBuilder;
import dev.gradcheck.model.InitSpec;
import dev.gradcheck.model.Model;
import dev.gradcheck.model.NodeDraft;
import dev.gradcheck.model.NodeSpec;
import dev.gradcheck.model.TensorSpec;
import dev.gradcheck.model.onnx.Value.Const;
import dev.gradcheck.model.onnx.Value.Ref;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The engine graph an ONNX graph becomes, built node by node: the model's inputs, params and
 * constants, the engine nodes (each op resolved in the {@link OpRegistry}, its attributes
 * resolved, its input dtypes checked and its output shape inferred as it is added), and what
 * each ONNX value name stands for. An op applied to constants only is computed at once (constant
 * folding, in float64 with the engine's own ops) instead of becoming a node. Element counts are
 * checked against the limits before anything is computed.
 */
final class EngineGraph {
    private final OnnxSource src;
    private final Set<String> onnxNames;
    private final Map<String, Value> values = new HashMap<>();
    private final Map<String, String> unavailable = new HashMap<>();
    private final Map<Const, String> constNames = new IdentityHashMap<>();
    private final Map<String, TensorSpec> inputs = new LinkedHashMap<>();
    private final Map<String, TensorSpec> params = new LinkedHashMap<>();
    private final Map<String, TensorSpec> constants = new LinkedHashMap<>();
    private final List<NodeSpec> nodes = new ArrayList<>();
    private final Set<String> engineNames = new HashSet<>();
    private final Map<String, Long> indexLimits = new HashMap<>();
    /** For an int64 node that only moves values (a reshaped target): the int64 tensors it moves, by name. */
    private final Map<String, List<String>> movedFrom = new HashMap<>();
    private long elements;
    private long foldedElements;

    /**
     * @param onnxNames every value name of the ONNX graph, so names made up for intermediate
     *        engine nodes never take one
     */
    EngineGraph(OnnxSource src, Set<String> onnxNames) {
        this.src = src;
        this.onnxNames = onnxNames;
    }

    // ------------------------------------------------------------------ ONNX names

    /** Binds ONNX value {@code name} to {@code v}; a name bound twice is an invalid graph. */
    void bind(String name, Value v, String pointer, String node) {
        if (values.putIfAbsent(name, v) != null) {
            throw src.fail(pointer, node, "value '" + OnnxSource.abbreviate(name) + "' is produced twice (an ONNX "
                    + "graph assigns each value once)");
        }
        if (v instanceof Const c) {
            constNames.putIfAbsent(c, name);
        }
    }

    /** Marks ONNX value {@code name} as produced but not computed (an output the reader does not support). */
    void unavailable(String name, String reason) {
        unavailable.put(name, reason);
    }

    /** Why ONNX value {@code name} is not available, or null. */
    String unavailableReason(String name) {
        return unavailable.get(name);
    }

    /** What ONNX value {@code name} stands for, or null when nothing produced it yet. */
    Value lookup(String name) {
        return values.get(name);
    }

    // ------------------------------------------------------------------ leaves

    /** Adds a graph input. */
    Ref addInput(String name, Shape shape, OnnxType type, InitSpec init, String pointer) {
        return leaf(inputs, name, false, shape, type, init, pointer);
    }

    /** Adds a param (a float initializer), its values widened to float64. */
    Ref addParam(String name, Const data, String pointer) {
        return leaf(params, name, true, data.shape(), data.type(), new InitSpec.Value(data.doubles()), pointer);
    }

    /** Adds a constant tensor of the model (a buffer such as a running mean, or a folded constant an op needs). */
    Ref addConstant(String name, Const data, String pointer) {
        long[] ints = data.ints();
        for (int i = 0; ints != null && i < ints.length; i++) {
            // the engine holds int64 values as doubles, exact up to 2^53 (as Tensor.ofLongs requires)
            if (Math.abs(ints[i]) > (1L << 53)) {
                throw src.fail(pointer, name, "the int64 constant '" + OnnxSource.abbreviate(name) + "' "
                        + data.shape() + " holds " + ints[i] + " at index " + Arrays.toString(data.shape().unravel(i))
                        + ", beyond 2^53: the engine's tensors hold values as float64, exact only up to 2^53");
            }
        }
        return leaf(constants, name, false, data.shape(), data.type(), new InitSpec.Value(data.doubles()), pointer);
    }

    private Ref leaf(Map<String, TensorSpec> into, String name, boolean param, Shape shape, OnnxType type, InitSpec init,
            String pointer) {
        claim(name, pointer);
        count(shape, name, pointer);
        into.put(name, new TensorSpec(name, param, shape, type.dtype(), init, pointer));
        return new Ref(name, shape, type);
    }

    /** The tensor of the engine graph holding {@code v}: {@code v} itself, or a constant made for it. */
    Ref ref(Value v, String hint, String pointer) {
        if (v instanceof Ref r) {
            return r;
        }
        Const c = (Const) v;
        String name = constNames.get(c);
        if (name != null && engineNames.contains(name) && constants.containsKey(name)) {
            return new Ref(name, c.shape(), c.type());
        }
        Ref r = addConstant(name != null && !engineNames.contains(name) ? name : fresh(hint), c, pointer);
        constNames.put(c, r.name());
        return r;
    }

    // ------------------------------------------------------------------ nodes

    /**
     * Applies engine op {@code opName}: folded to a constant when every input is one, else added
     * as a node named after {@code hint}.
     *
     * @param label the ONNX node as messages name it ({@code Gemm '/fc/Gemm' (opset 17)})
     */
    Value apply(String opName, Attrs attrs, Value[] in, String hint, String pointer, String node, String label) {
        if (!OpRegistry.contains(opName)) {
            throw src.fail(pointer, node, label + " needs the engine op '" + opName + "', which this build of "
                    + "gradcheck does not have");
        }
        OpDef op = OpRegistry.get(opName);
        boolean allConst = true;
        for (Value v : in) {
            allConst &= v instanceof Const;
        }
        Attrs resolved;
        Shape[] shapes = new Shape[in.length];
        try {
            op.checkArity(in.length);
            resolved = op.resolve(attrs);
            for (int k = 0; k < in.length; k++) {
                InputSpec spec = op.input(k);
                // integer constants (shape arithmetic) fold through the float ops, exactly below 2^53
                boolean intFold = allConst && !spec.accepts(DType.INT64);
                if (!spec.accepts(in[k].dtype()) && !intFold) {
                    throw new IllegalArgumentException(opName + ": input '" + spec.name() + "' must be "
                            + spec.dtypes() + ", got " + in[k].type().label() + (in[k] instanceof Ref r ? " '"
                            + OnnxSource.abbreviate(r.name()) + "'" : "") + " of shape " + in[k].shape()
                            + (spec.accepts(DType.INT64) ? "" : " (integer tensors that depend on graph inputs are "
                            + "not computed with, except by ops that only move them: reshapes, slices, Concat, "
                            + "Transpose, Gather)"));
                }
                shapes[k] = in[k].shape();
            }
        } catch (IllegalArgumentException e) {
            throw src.fail(pointer, node, label + ": " + e.getMessage(), e);
        }
        Shape out;
        DType outType;
        try {
            out = op.inferShape(shapes, resolved);
            outType = op.outputType(java.util.Arrays.stream(in).map(Value::dtype).toArray(DType[]::new));
        } catch (RuntimeException e) {
            throw src.fail(pointer, node, label + ": " + e.getMessage(), e);
        }
        for (int k = 0; k < in.length; k++) {
            // an input of two forms (class indices or probabilities) has the dtype its shape implies
            String problem = op.input(k).dtypeProblem(in[k].dtype(), shapes[k], shapes[0]);
            if (problem != null && !(allConst && !op.input(k).accepts(DType.INT64))) {
                throw src.fail(pointer, node, label + ": " + opName + ": " + problem);
            }
        }
        if (out.size() > src.limits().maxElementsPerTensor()) {
            throw src.fail(pointer, node, label + ": " + opName + " would make a tensor of shape " + out + " ("
                    + out.size() + " elements), over the limit of " + src.limits().maxElementsPerTensor());
        }
        if (allConst) {
            return fold(op, resolved, in, out, outType, pointer, node, label);
        }
        List<String> names = new ArrayList<>();
        for (int k = 0; k < in.length; k++) {
            names.add(ref(in[k], hint + ":const", pointer).name());
        }
        String name = fresh(hint + ":" + opName);
        claim(name, pointer);
        count(out, name, pointer);
        nodes.add(new NodeSpec(name, op, names, resolved, out, outType, pointer));
        if (outType == DType.INT64 && op.movesAnyDtype()) {
            List<String> from = new ArrayList<>();
            for (int k = 0; k < in.length; k++) {
                if (op.input(k).kind() == InputSpec.Kind.ANY) {
                    from.add(names.get(k));
                }
            }
            movedFrom.put(name, from);
        }
        OnnxType type = outType == DType.INT64 ? OnnxType.INT64 : floatType(in);
        return new Ref(name, out, type);
    }

    @SuppressWarnings("try")
    private Const fold(OpDef op, Attrs resolved, Value[] in, Shape out, DType outType, String pointer, String node,
            String label) {
        foldedElements += out.size();
        if (foldedElements > src.limits().maxElementsPerModel()) {
            throw src.fail(pointer, node, label + ": constants folded at load time hold more than the limit of "
                    + src.limits().maxElementsPerModel() + " elements");
        }
        Tensor[] t = new Tensor[in.length];
        OnnxType intResult = null;
        boolean floatSeen = false;
        for (int k = 0; k < in.length; k++) {
            Const c = (Const) in[k];
            // integer constants fold through the float ops, and through the ops that move values, as float64
            boolean real = !op.input(k).accepts(DType.INT64) || op.input(k).kind() == InputSpec.Kind.ANY;
            if (real && c.ints() != null) {
                t[k] = Tensor.of(c.doubles(), c.shape());
                intResult = intResult == null ? c.type() : intResult;
            } else {
                t[k] = c.tensor();
                floatSeen |= real;
            }
        }
        OnnxType type = outType == DType.INT64 ? intType(in)
                : intResult != null && !floatSeen ? intResult : floatType(in);
        try (GradMode.Scope s = GradMode.disabled()) {
            return Const.of(Ops.apply(op, resolved, t), type);
        } catch (RuntimeException e) {
            throw src.fail(pointer, node, label + ": folding " + op.name() + " over constants failed: "
                    + e.getMessage(), e);
        }
    }

    /** The integer type of an op's result on integer values it only moves (int64 unless they share another). */
    private static OnnxType intType(Value[] in) {
        OnnxType type = null;
        for (Value v : in) {
            if (v.type().isInt()) {
                type = type == null || type == v.type() ? v.type() : OnnxType.INT64;
            }
        }
        return type == null ? OnnxType.INT64 : type;
    }

    private static OnnxType floatType(Value[] in) {
        for (Value v : in) {
            if (v.type().isFloat()) {
                return v.type();
            }
        }
        return OnnxType.DOUBLE;
    }

    /**
     * Gives the node behind {@code r} the name {@code name} (an ONNX output name), when it was
     * made by the current ONNX node and nothing uses it yet; otherwise returns {@code r}.
     */
    Ref rename(Ref r, String name, int firstNodeOfCurrent) {
        if (engineNames.contains(name) || r.name().equals(name)) {
            return r;
        }
        int at = -1;
        for (int i = nodes.size() - 1; i >= firstNodeOfCurrent; i--) {
            if (nodes.get(i).name().equals(r.name())) {
                at = i;
                break;
            }
        }
        if (at < 0) {
            return r;
        }
        for (int i = at + 1; i < nodes.size(); i++) {
            if (nodes.get(i).inputs().contains(r.name())) {
                return r;
            }
        }
        NodeSpec n = nodes.get(at);
        nodes.set(at, new NodeSpec(name, n.op(), n.inputs(), n.attrs(), n.shape(), n.dtype(), n.pointer()));
        List<String> moved = movedFrom.remove(r.name());
        if (moved != null) {
            movedFrom.put(name, moved);
        }
        engineNames.remove(r.name());
        engineNames.add(name);
        return new Ref(name, r.shape(), r.type());
    }

    /** The number of engine nodes so far. */
    int nodeCount() {
        return nodes.size();
    }

    // ------------------------------------------------------------------ index ranges

    /**
     * Records that the int64 tensor {@code v} indexes into [0, {@code limit}) (class targets, gather
     * indices), so a graph input drawn at random stays in range.
     */
    void indexRange(Value v, long limit) {
        if (v instanceof Ref r) {
            indexRange(r.name(), limit);
        }
    }

    /** The range of tensor {@code name}, and of the tensors it moves values from (a target before its reshape). */
    private void indexRange(String name, long limit) {
        indexLimits.merge(name, limit, Math::min);
        for (String from : movedFrom.getOrDefault(name, List.of())) {
            indexRange(from, limit);
        }
    }

    /** The range recorded for input {@code name}, or null. */
    Long indexLimit(String name) {
        return indexLimits.get(name);
    }

    // ------------------------------------------------------------------ results

    Map<String, TensorSpec> inputs() {
        return inputs;
    }

    /**
     * The model, assembled by the {@link GraphBuilder} every reader shares (which checks again
     * what was checked here as the nodes were added: names, limits, each node's op, dtypes and
     * shape).
     */
    Model model(String name, String output, List<String> notes) {
        GraphBuilder b = new GraphBuilder(src::fail, src.limits());
        for (Map<String, TensorSpec> group : List.of(inputs, params, constants)) {
            for (TensorSpec spec : group.values()) {
                b.declare(spec.name(), spec.pointer());
                b.addLeaf(spec);
            }
        }
        List<NodeDraft> drafts = new ArrayList<>();
        for (NodeSpec n : nodes) {
            Map<String, Object> attrs = new LinkedHashMap<>();
            for (String a : n.attrs().names()) {
                attrs.put(a, n.attrs().get(a));
            }
            drafts.add(NodeDraft.at(n.pointer(), n.name(), n.op().name(), n.inputs(), attrs));
        }
        List<NodeSpec> checked = b.addNodes(drafts);
        return b.model(name, 0, src.file(), inputs, params, constants, checked, output, "/graph/output/0", false,
                notes);
    }

    /** Replaces input {@code name}'s spec (its init, once the ranges its consumers accept are known). */
    void replaceInput(TensorSpec spec) {
        inputs.put(spec.name(), spec);
    }

    // ------------------------------------------------------------------ names and limits

    private void claim(String name, String pointer) {
        if (!engineNames.add(name)) {
            throw src.fail(pointer, name, "name '" + OnnxSource.abbreviate(name) + "' is used twice");
        }
    }

    /** A name for an intermediate tensor, from {@code hint}, taken by no engine tensor or ONNX value. */
    private String fresh(String hint) {
        String name = hint;
        for (int k = 2; engineNames.contains(name) || onnxNames.contains(name); k++) {
            name = hint + "#" + k;
        }
        return name;
    }

    private void count(Shape shape, String name, String pointer) {
        elements += shape.size();
        if (elements > src.limits().maxElementsPerModel()) {
            throw src.fail(pointer, name, "the model holds more than the limit of " + src.limits().maxElementsPerModel()
                    + " elements (inputs, params, constants and node outputs together), reached at '"
                    + OnnxSource.abbreviate(name) + "' " + shape);
        }
    }

}

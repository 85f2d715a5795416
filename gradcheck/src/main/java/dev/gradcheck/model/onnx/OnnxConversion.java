package dev.gradcheck.model.onnx;

import dev.gradcheck.engine.Attrs;
import dev.gradcheck.engine.DType;
import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.op.OpDef;
import dev.gradcheck.engine.op.OpRegistry;
import dev.gradcheck.model.FoldedConstants;
import dev.gradcheck.model.InitSpec;
import dev.gradcheck.model.Limits;
import dev.gradcheck.model.LoadOptions;
import dev.gradcheck.model.Model;
import dev.gradcheck.model.ModelFileException;
import dev.gradcheck.model.ModelUsageException;
import dev.gradcheck.model.TensorSpec;
import dev.gradcheck.model.onnx.OnnxProto.GraphProto;
import dev.gradcheck.model.onnx.OnnxProto.ModelProto;
import dev.gradcheck.model.onnx.OnnxProto.NodeProto;
import dev.gradcheck.model.onnx.OnnxProto.OpsetId;
import dev.gradcheck.model.onnx.OnnxProto.TensorProto;
import dev.gradcheck.model.onnx.OnnxProto.ValueInfo;
import dev.gradcheck.model.onnx.Value.Const;
import dev.gradcheck.model.onnx.Value.Ref;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One read of an ONNX file into a {@link Model} (what {@link OnnxReader} does): decoding, the
 * initializers as params, buffers or constants, the inputs with their symbolic dimensions bound,
 * every node through the {@link OnnxOpTable}, the output and the loss, then the model assembled by
 * the {@link dev.gradcheck.model.GraphBuilder} every reader shares.
 */
final class OnnxConversion {
    private static final int DEFAULT_DIM = 2;

    private final OnnxSource src;
    private final LoadOptions options;
    private final OnnxNotes notes = new OnnxNotes();
    /** The dimensions given the default size ("symbolic dimension 'h'"), to the input that has them. */
    private final Map<String, String> defaulted = new java.util.LinkedHashMap<>();
    private final LoadTimeValues loadTime;

    private OnnxConversion(OnnxSource src, LoadOptions options) {
        this.src = src;
        this.options = options;
        this.loadTime = new LoadTimeValues(src, options, notes);
    }

    /**
     * Reads a model from its bytes.
     *
     * @param file named in messages
     * @param dir the folder external data is read from
     */
    static Model read(byte[] bytes, Path file, Path dir, Limits limits, LoadOptions options) {
        return new OnnxConversion(new OnnxSource(file, dir, limits), options).build(bytes);
    }

    private Model build(byte[] bytes) {
        if (bytes.length == 0) {
            throw src.fail(null, null, "the file is empty");
        }
        ModelProto m = OnnxDecoder.decode(bytes, src.file(), src.limits());
        GraphProto g = m.graph();
        if (g == null) {
            throw src.fail(null, null, "not an ONNX model: it has no graph");
        }
        int opset = opset(m);
        if (g.sparseInitializers() > 0) {
            throw src.fail("/graph/sparse_initializer/0", null, "sparse initializers are not supported");
        }
        EngineGraph graph = new EngineGraph(src, names(g));
        Set<String> initializerNames = initializers(g, graph);
        List<Ref> inputs = inputs(g, graph, initializerNames);
        for (NodeProto node : g.nodes()) {
            convert(node, opset, graph, m.hasFunctions());
        }
        String output = output(g, graph);
        drawInputs(inputs, graph);
        return graph.model(stem(src.file()), output, notes.lines()).withConstantsPrecision(notes.constantsPrecision())
                .withLoadTimeConstants(loadTime.values());
    }

    // ------------------------------------------------------------------ opsets

    private int opset(ModelProto m) {
        Long version = null;
        for (int i = 0; i < m.opsets().size(); i++) {
            OpsetId o = m.opsets().get(i);
            if (o.domain().isEmpty() || o.domain().equals("ai.onnx")) {
                version = o.version();
            }
        }
        if (version == null) {
            throw src.fail("/opset_import", null, "the model imports no opset of the ai.onnx domain");
        }
        if (version < OnnxReader.MIN_OPSET || version > OnnxReader.MAX_OPSET) {
            throw src.fail("/opset_import", null, "opset " + version + " of ai.onnx is not supported: gradcheck reads "
                    + "opsets " + OnnxReader.MIN_OPSET + " to " + OnnxReader.MAX_OPSET + " (export with opset_version=17, say)");
        }
        return version.intValue();
    }

    /** Every value name the graph uses, so intermediate engine tensors are named apart from them. */
    private static Set<String> names(GraphProto g) {
        Set<String> names = new HashSet<>();
        for (TensorProto t : g.initializers()) {
            names.add(t.name());
        }
        for (ValueInfo v : g.inputs()) {
            names.add(v.name());
        }
        for (NodeProto n : g.nodes()) {
            names.addAll(n.outputs());
        }
        return names;
    }

    // ------------------------------------------------------------------ initializers

    /**
     * Adds the initializers (params, buffers or constants, as {@link InitializerRoles} tells);
     * returns their names. A constant's value is read at load time: from {@code --values} when it
     * holds the name (a PyTorch buffer in a state dict), else from the file.
     */
    private Set<String> initializers(GraphProto g, EngineGraph graph) {
        Map<String, InitializerRoles.Role> roles = InitializerRoles.of(g);
        Set<String> names = new HashSet<>();
        List<String> notParams = new ArrayList<>();
        for (TensorProto t : g.initializers()) {
            if (t.name().isEmpty()) {
                throw src.fail(t.pointer(), null, "an initializer has no name");
            }
            String what = "initializer '" + OnnxSource.abbreviate(t.name()) + "'";
            Const c = TensorData.decode(t, src, what);
            notes.widened(c.type());
            names.add(t.name());
            Value v = switch (roles.get(t.name())) {
                case PARAM -> graph.addParam(t.name(), c, t.pointer());
                case BUFFER -> graph.addConstant(t.name(), c, t.pointer());
                case CONSTANT -> {
                    Const read = loadTime.read(t, c);
                    notes.constant(read);
                    if (c.type().isFloat() && !FoldedConstants.isFolded(t.name())) {
                        notParams.add(t.name());
                    }
                    yield read;
                }
            };
            graph.bind(t.name(), v, t.pointer(), t.name());
        }
        if (!notParams.isEmpty()) {
            notes.add("read as constants, not params (no gradient, as PyTorch's buffers): " + FoldedConstants.list(notParams)
                    + ", float initializers that reach the output only through inputs without a gradient (a "
                    + "comparison, a Cast to integers, a loss's class weights, a shape)");
        }
        return names;
    }

    // ------------------------------------------------------------------ inputs

    private List<Ref> inputs(GraphProto g, EngineGraph graph, Set<String> initializerNames) {
        List<ValueInfo> real = new ArrayList<>();
        for (ValueInfo v : g.inputs()) {
            if (!initializerNames.contains(v.name())) {
                real.add(v);
            }
        }
        Map<String, Integer> bound = bindSymbols(real);
        List<Ref> out = new ArrayList<>();
        for (ValueInfo v : real) {
            if (v.name().isEmpty()) {
                throw src.fail(v.pointer(), null, "a graph input has no name");
            }
            if (!v.tensor()) {
                throw src.fail(v.pointer(), v.name(), "input '" + OnnxSource.abbreviate(v.name()) + "' is not a tensor "
                        + "(sequences, maps and optionals are not supported)");
            }
            OnnxType type = OnnxType.of(v.elemType());
            if (type == null || type.kind() == OnnxType.Kind.UNSUPPORTED) {
                throw src.fail(v.pointer(), v.name(), "input '" + OnnxSource.abbreviate(v.name()) + "' has element type "
                        + OnnxType.label(v.elemType()) + ", which gradcheck does not read (it reads "
                        + OnnxType.readable() + ")");
            }
            Shape shape = inputShape(v, bound);
            Ref r = graph.addInput(v.name(), shape, type, new InitSpec.Zeros(), v.pointer());
            graph.bind(v.name(), r, v.pointer(), v.name());
            out.add(r);
        }
        return out;
    }

    /** Symbolic dimensions bound by the shapes of the tensors {@code --values} gives for inputs. */
    private Map<String, Integer> bindSymbols(List<ValueInfo> inputs) {
        Map<String, Integer> bound = new HashMap<>();
        Map<String, String> boundBy = new HashMap<>();
        for (ValueInfo v : inputs) {
            Tensor given = options.values().get(v.name());
            if (given == null || v.dims() == null) {
                continue;
            }
            if (given.shape().rank() != v.dims().size()) {
                throw valuesMismatch(v, given);
            }
            for (int i = 0; i < v.dims().size(); i++) {
                OnnxProto.Dim d = v.dims().get(i);
                int size = given.shape().dim(i);
                if (d.value() != null && d.value() != size) {
                    throw valuesMismatch(v, given);
                }
                if (d.value() == null && d.param() != null && !d.param().isEmpty()) {
                    Integer before = bound.putIfAbsent(d.param(), size);
                    if (before != null && before != size) {
                        throw new ModelFileException(options.valuesFile(), null, -1, -1, v.name(), "symbolic dimension '"
                                + OnnxSource.abbreviate(d.param()) + "' of " + src.file() + " is " + before + " in '"
                                + boundBy.get(d.param()) + "' but " + size + " in '" + v.name() + "'");
                    }
                    boundBy.putIfAbsent(d.param(), v.name());
                }
            }
        }
        return bound;
    }

    private ModelFileException valuesMismatch(ValueInfo v, Tensor given) {
        return new ModelFileException(options.valuesFile(), null, -1, -1, v.name(), "'" + v.name() + "' has shape "
                + given.shape() + ", but the ONNX graph " + src.file() + " declares " + v.dims());
    }

    private Shape inputShape(ValueInfo v, Map<String, Integer> bound) {
        Tensor given = options.values().get(v.name());
        if (v.dims() == null) {
            if (given == null) {
                throw src.fail(v.pointer(), v.name(), "input '" + OnnxSource.abbreviate(v.name()) + "' declares no "
                        + "shape; give it in --values");
            }
            return given.shape();
        }
        long[] dims = new long[v.dims().size()];
        for (int i = 0; i < dims.length; i++) {
            OnnxProto.Dim d = v.dims().get(i);
            if (d.value() != null) {
                dims[i] = d.value();
            } else if (given != null) {
                dims[i] = given.shape().dim(i);
            } else if (d.param() != null && bound.containsKey(d.param())) {
                dims[i] = bound.get(d.param());
            } else {
                dims[i] = DEFAULT_DIM;
                String which = d.param() != null && !d.param().isEmpty() ? "symbolic dimension '"
                        + OnnxSource.abbreviate(d.param()) + "'" : "dimension " + i + " of input '" + v.name() + "'";
                notes.add(which + " is " + DEFAULT_DIM + " (the default; give '" + v.name()
                        + "' in --values to set it)");
                defaulted.put(which, v.name());
                if (d.param() != null && !d.param().isEmpty()) {
                    bound.put(d.param(), DEFAULT_DIM);
                }
            }
        }
        return TensorData.shape(dims, src, v.pointer(), v.name(), "input '" + OnnxSource.abbreviate(v.name()) + "'");
    }

    /** Inputs missing from --values are drawn from the seed: floats N(0, 1), indices in the range their consumer accepts. */
    private void drawInputs(List<Ref> inputs, EngineGraph graph) {
        for (Ref r : inputs) {
            TensorSpec s = graph.inputs().get(r.name());
            InitSpec init;
            if (s.dtype() == DType.FLOAT64) {
                init = new InitSpec.Normal(0, 1);
            } else {
                Long limit = graph.indexLimit(r.name());
                if (limit != null && limit > 0) {
                    init = new InitSpec.RandInt(0, limit);
                } else {
                    init = new InitSpec.Zeros();
                    if (!options.values().containsKey(r.name())) {
                        notes.add("input '" + r.name() + "' (" + r.type().label() + ") is zeros when not in --values: "
                                + "no op bounds its range");
                    }
                }
            }
            graph.replaceInput(new TensorSpec(s.name(), false, s.shape(), s.dtype(), init, s.pointer()));
        }
    }

    // ------------------------------------------------------------------ nodes

    private void convert(NodeProto node, int opset, EngineGraph graph, boolean modelHasFunctions) {
        String domain = node.domain();
        OnnxOp row = domain.isEmpty() || domain.equals("ai.onnx") ? OnnxOpTable.get(node.opType()) : null;
        String label = (node.name().isEmpty() ? "node" : "node '" + OnnxSource.abbreviate(node.name()) + "'")
                + " (op " + OnnxSource.abbreviate((domain.isEmpty() ? "" : domain + ".") + node.opType()) + ", opset "
                + opset + ")";
        String nodeName = node.name().isEmpty() ? null : node.name();
        if (row == null) {
            throw src.fail(node.pointer(), nodeName, label + ": op " + OnnxSource.abbreviate(node.opType())
                    + (domain.isEmpty() || domain.equals("ai.onnx") ? "" : " of domain '"
                    + OnnxSource.abbreviate(domain) + "'") + " is not supported"
                    + (modelHasFunctions ? " (the model defines functions, which gradcheck does not expand: export "
                    + "without them)" : "") + "; supported ops: " + String.join(", ", OnnxOpTable.supported()));
        }
        if (!row.missingEngineOps().isEmpty()) {
            throw src.fail(node.pointer(), nodeName, label + ": op " + node.opType() + " needs the engine op"
                    + (row.missingEngineOps().size() > 1 ? "s " : " ") + String.join(", ", row.missingEngineOps())
                    + ", which this build of gradcheck does not have; supported ops: "
                    + String.join(", ", OnnxOpTable.supported()));
        }
        if (opset < row.since()) {
            throw src.fail(node.pointer(), nodeName, label + ": op " + node.opType() + " exists from opset "
                    + row.since() + " on, but the model imports opset " + opset);
        }
        NodeContext ctx = new NodeContext(node, opset, graph, src, notes);
        ctx.accept(row.attributes());
        try {
            row.converter().convert(ctx);
        } catch (ModelFileException e) {
            throw withDefaultedDims(e);
        }
    }

    /**
     * {@code e} with the symbolic dimensions that took the default size said, when there are
     * any: a shape that fails at a node may only be too small for it (a pooling kernel).
     */
    private ModelFileException withDefaultedDims(ModelFileException e) {
        if (defaulted.isEmpty()) {
            return e;
        }
        String inputs = String.join(", ", defaulted.values().stream().distinct().map(n -> "'" + n + "'").toList());
        String symbolic = "symbolic dimension ";
        String dims = defaulted.keySet().stream().allMatch(k -> k.startsWith(symbolic))
                ? symbolic.trim() + (defaulted.size() == 1 ? " " : "s ") + String.join(", ", defaulted.keySet().stream()
                        .map(k -> k.substring(symbolic.length())).toList())
                : String.join(", ", defaulted.keySet());
        return new ModelFileException(e.file(), e.pointer(), e.line(), e.column(), e.node(), e.problem() + "; "
                + dims + (defaulted.size() == 1 ? " was " : " were ") + DEFAULT_DIM
                + " (the default size of a symbolic dimension): give " + inputs + " in --values with the shape the "
                + "model is meant for", e.getCause());
    }

    // ------------------------------------------------------------------ output and loss

    private String output(GraphProto g, EngineGraph graph) {
        if (g.outputs().isEmpty()) {
            throw src.fail("/graph", null, "the graph has no outputs");
        }
        ValueInfo o = g.outputs().get(0);
        Value v = graph.lookup(o.name());
        if (v == null) {
            String why = graph.unavailableReason(o.name());
            throw src.fail(o.pointer(), o.name(), "output '" + OnnxSource.abbreviate(o.name()) + "' is "
                    + (why != null ? "not available: " + why : "produced by no node"));
        }
        if (g.outputs().size() > 1) {
            notes.add("the graph has " + g.outputs().size() + " outputs; the first, '" + o.name() + "', is checked");
        }
        if (v instanceof Const) {
            throw src.fail(o.pointer(), o.name(), "output '" + OnnxSource.abbreviate(o.name()) + "' is a constant: it "
                    + "depends on no input or param, so there is nothing to differentiate");
        }
        Ref out = (Ref) v;
        if (out.dtype() != DType.FLOAT64) {
            throw src.fail(o.pointer(), o.name(), "output '" + OnnxSource.abbreviate(o.name()) + "' is "
                    + out.type().label() + "; gradients need a float output");
        }
        if (out.shape().size() == 1) {
            if (options.asksForLoss()) {
                throw new ModelUsageException("--loss/--target: the output '" + o.name() + "' of " + src.file()
                        + " is already a scalar " + out.shape() + " (the loss); they apply to a graph that ends in "
                        + "logits");
            }
            return out.name();
        }
        return withLoss(out, o, graph);
    }

    /** The scalar {@code --loss} makes of the graph's non-scalar output and {@code --target}. */
    private String withLoss(Ref out, ValueInfo o, EngineGraph graph) {
        String lossOps = String.join(", ", lossOps());
        if (options.loss() == null || options.target() == null) {
            // say which half is missing when one was given: the user asked for a loss
            String given = options.target() != null ? "--target " + options.target() + " was given without --loss: "
                    + "give the loss op too, e.g. --loss cross_entropy --target " + options.target()
                    : options.loss() != null ? "--loss " + options.loss() + " was given without --target: give the "
                    + "target too, a tensor in --values, e.g. --loss " + options.loss() + " --target y"
                    : "give --loss OP and --target NAME (a tensor in --values), e.g. --loss cross_entropy --target y";
            throw new ModelUsageException("the output '" + o.name() + "' of " + src.file() + " has shape "
                    + out.shape() + ", not a scalar loss: " + given + " (loss ops: " + lossOps + ")");
        }
        OpDef op = OpRegistry.contains(options.loss()) ? OpRegistry.get(options.loss()) : null;
        if (op == null || !op.isLoss()) {
            throw new ModelUsageException("--loss " + options.loss() + ": not a loss op (loss ops: " + lossOps + ")");
        }
        Tensor target = options.values().get(options.target());
        if (target == null) {
            throw new ModelUsageException("--target " + options.target() + ": "
                    + (options.valuesFile() == null ? "give --values with a tensor of that name"
                    : options.valuesFile() + " has no tensor '" + options.target() + "' (it has "
                    + String.join(", ", options.values().keySet()) + ")"));
        }
        if (graph.lookup(options.target()) != null) {
            throw new ModelUsageException("--target " + options.target() + ": the graph already has a value of that "
                    + "name; the target must be a tensor of its own");
        }
        if (!op.input(1).accepts(target.dtype())) {
            throw new ModelUsageException(target.dtype() == DType.INT64
                    ? "--loss " + op.name() + " compares the output '" + o.name() + "' " + out.shape() + " with a float64 "
                            + "target of its shape, but --target " + options.target() + " is int64 " + target.shape()
                            + ": for class indices use a loss that takes them (" + lossOpsTaking(DType.INT64) + ")"
                    : "--loss " + op.name() + " takes an int64 target (class indices), but --target " + options.target() + " is "
                            + "float64 " + target.shape() + ": for class probabilities of the output's shape "
                            + out.shape() + " use a loss that takes a float64 target (" + lossOpsTaking(DType.FLOAT64)
                            + ")");
        }
        OnnxType type = target.dtype() == DType.INT64 ? OnnxType.INT64 : OnnxType.DOUBLE;
        String valuesName = options.valuesFile() == null ? "--values" : options.valuesFile().toString();
        Ref t = graph.addInput(options.target(), target.shape(), type, new InitSpec.File(valuesName, options.target(),
                target), "--target");
        Attrs a = options.reduction() == null ? Attrs.EMPTY : Attrs.of("reduction", options.reduction());
        Value loss;
        int first = graph.nodeCount();
        try {
            loss = graph.apply(op.name(), a, new Value[] {out, t}, "loss", "--loss", "loss", "--loss " + op.name());
        } catch (ModelFileException e) {
            throw new ModelUsageException(e.problem() + " (output '" + o.name() + "' " + out.shape() + ", target '"
                    + options.target() + "' " + target.dtype().label() + " " + target.shape() + ")");
        }
        if (loss.shape().size() != 1) {
            throw new ModelUsageException("--loss " + op.name() + " with reduction " + options.reduction()
                    + " gives shape " + loss.shape() + ", not a scalar; use --reduction mean or sum");
        }
        loss = graph.rename((Ref) loss, "loss", first);
        notes.add("the loss is " + op.name() + "(" + o.name() + ", " + options.target() + ")"
                + (options.reduction() == null ? "" : " with reduction " + options.reduction()));
        return ((Ref) loss).name();
    }

    /** The losses {@code --loss} can name whose target may be {@code dtype} (int64: class indices). */
    private static String lossOpsTaking(DType dtype) {
        return lossOps().stream().filter(n -> OpRegistry.get(n).input(1).accepts(dtype))
                .collect(java.util.stream.Collectors.joining(", "));
    }

    /** The registered losses ({@link OpDef#isLoss}): what {@code --loss} can name. */
    static List<String> lossOps() {
        return OpRegistry.publicOps().stream().filter(OpDef::isLoss).map(OpDef::name).toList();
    }

    private static String stem(Path file) {
        String f = file == null ? "model" : file.getFileName().toString();
        return f.endsWith(".onnx") ? f.substring(0, f.length() - 5) : f;
    }
}

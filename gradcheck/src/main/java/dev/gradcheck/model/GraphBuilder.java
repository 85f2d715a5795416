package dev.gradcheck.model;

import static dev.gradcheck.model.JsonSource.ptr;

import dev.gradcheck.engine.Attrs;
import dev.gradcheck.engine.DType;
import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.op.InputSpec;
import dev.gradcheck.engine.op.OpDef;
import dev.gradcheck.engine.op.OpRegistry;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds and validates a model's graph, whichever reader found its parts: names declared once,
 * element counts within the {@link Limits}, and per node its op resolved in the
 * {@link OpRegistry}, its inputs defined before it (an input defined later is explained: used
 * before its definition, or a cycle), its arity, its attributes resolved, its inputs' dtypes, its
 * output shape inferred statically, and index inputs whose init already tells they are out of
 * range. Every problem is reported through the reader's {@link ProblemSite}, at the part's
 * pointer, naming the node.
 *
 * <p>A reader declares and adds the inputs, params (and constants) first ({@link #declare}, {@link #addLeaf}),
 * then the nodes in order ({@link #addNodes}), then asks for the {@link #model}.
 */
public final class GraphBuilder {
    private static final Pattern ATTR_NAME = Pattern.compile("attribute '([^']+)'");

    private final ProblemSite site;
    private final Limits limits;
    private final Map<String, String> declared = new LinkedHashMap<>();
    private final Map<String, Shape> shapes = new HashMap<>();
    private final Map<String, DType> dtypes = new HashMap<>();
    private final Map<String, TensorSpec> specs = new HashMap<>();
    private long totalElements;

    public GraphBuilder(ProblemSite site, Limits limits) {
        this.site = site;
        this.limits = limits;
    }

    // ------------------------------------------------------------------ names and leaves

    /** Declares {@code name}, defined at {@code pointer}: non-empty, within the length limit, not declared before. */
    public void declare(String name, String pointer) {
        if (name.isEmpty()) {
            throw site.fail(pointer, null, "names must not be empty");
        }
        if (name.length() > limits.maxNameLength()) {
            throw site.fail(pointer, null, "a name of " + name.length() + " characters is over the limit of "
                    + limits.maxNameLength() + " (starts \"" + name.substring(0, 20) + "…\")");
        }
        String before = declared.putIfAbsent(name, pointer);
        if (before != null) {
            throw site.fail(pointer, name, "duplicate name '" + name + "': already defined at " + before);
        }
    }

    /** Adds an input, param or constant, {@link #declare declared} before, counting its elements against the limits. */
    public void addLeaf(TensorSpec spec) {
        count(spec.shape(), spec.pointer(), spec.name());
        shapes.put(spec.name(), spec.shape());
        dtypes.put(spec.name(), spec.dtype());
        specs.put(spec.name(), spec);
    }

    /** True when {@code name} is declared (an input, a param or a node added so far). */
    public boolean isDeclared(String name) {
        return declared.containsKey(name);
    }

    /** The input or param named {@code name}, or null. */
    public TensorSpec leaf(String name) {
        return specs.get(name);
    }

    /** {@code "; did you mean W1, W2?"} with the declared names nearest to {@code name}, or {@code ""}. */
    public String didYouMean(String name) {
        return NameSuggestions.suggest(name, new ArrayList<>(declared.keySet()));
    }

    /** The shapes known so far, in declaration order (for a report of a model that failed to load). */
    public Map<String, Shape> shapesSoFar() {
        Map<String, Shape> soFar = new LinkedHashMap<>();
        for (String n : declared.keySet()) {
            if (shapes.containsKey(n)) {
                soFar.put(n, shapes.get(n));
            }
        }
        return Collections.unmodifiableMap(soFar);
    }

    private void count(Shape shape, String p, String name) {
        if (shape.size() > limits.maxElementsPerTensor()) {
            throw site.fail(p, name, "'" + name + "' of shape " + shape + " has " + shape.size()
                    + " elements, over the limit of " + limits.maxElementsPerTensor() + " per tensor");
        }
        totalElements += shape.size();
        if (totalElements > limits.maxElementsPerModel()) {
            throw site.fail(p, name, "the model holds more than the limit of " + limits.maxElementsPerModel()
                    + " elements (inputs, params and node outputs together), reached at '" + name + "' " + shape);
        }
    }

    // ------------------------------------------------------------------ nodes

    /** Validates and adds the nodes in order; a node may use only names declared before it. */
    public List<NodeSpec> addNodes(List<NodeDraft> drafts) {
        Map<String, NodeDraft> byName = new HashMap<>();
        for (NodeDraft d : drafts) {
            byName.putIfAbsent(d.name(), d);
        }
        List<NodeSpec> out = new ArrayList<>();
        for (NodeDraft d : drafts) {
            out.add(add(d, byName));
        }
        return out;
    }

    private NodeSpec add(NodeDraft d, Map<String, NodeDraft> byName) {
        OpDef op;
        try {
            op = OpRegistry.get(d.op());
        } catch (IllegalArgumentException e) {
            throw site.fail(d.opPointer(), d.name(), "node '" + d.name() + "': " + e.getMessage());
        }
        for (int k = 0; k < d.inputs().size(); k++) {
            String in = d.inputs().get(k);
            if (!declared.containsKey(in)) {
                throw site.fail(inputPointer(d, k), d.name(), undefined(in, d, byName));
            }
        }
        declare(d.name(), d.pointer());
        try {
            op.checkArity(d.inputs().size());
        } catch (IllegalArgumentException e) {
            throw site.fail(d.inputsPointer(), d.name(), label(op, d) + ": " + stripOp(e.getMessage(), op));
        }
        Attrs attrs = attrs(d, op);
        Shape[] in = new Shape[d.inputs().size()];
        for (int k = 0; k < in.length; k++) {
            String inName = d.inputs().get(k);
            InputSpec spec = op.input(k);
            if (!spec.accepts(dtypes.get(inName))) {
                throw site.fail(inputPointer(d, k), d.name(), label(op, d) + ": input '" + spec.name() + "' must be "
                        + spec.dtypes() + ", but '" + inName + "' is " + dtypes.get(inName).label() + " of shape "
                        + shapes.get(inName) + (spec.accepts(DType.INT64) ? " (declare it with \"dtype\": \"int64\")"
                                : ""));
            }
            in[k] = shapes.get(inName);
        }
        Shape shape;
        try {
            shape = op.inferShape(in, attrs);
        } catch (IllegalArgumentException e) {
            throw site.fail(d.pointer(), d.name(), label(op, d) + ": " + stripOp(e.getMessage(), op), e);
        } catch (RuntimeException e) {
            // a shape rule that trips over unusual input is still the file's problem to report, not a crash
            throw site.fail(d.pointer(), d.name(), label(op, d) + ": cannot infer the output shape from inputs "
                    + Arrays.toString(in) + " and attributes " + attrs + " (" + e + ")", e);
        }
        for (int k = 0; k < in.length; k++) {
            // an input of two forms (class indices or probabilities) has the dtype its shape implies
            String inName = d.inputs().get(k);
            InputSpec spec = op.input(k);
            DType want = spec.dtypeAt(in[k], in[0]);
            if (want != null && dtypes.get(inName) != want) {
                throw site.fail(inputPointer(d, k), d.name(), label(op, d) + ": input '" + spec.name() + "' must be "
                        + want.label() + ", but '" + inName + "' is " + dtypes.get(inName).label() + " of shape " + in[k]
                        + spec.formRule(in[k], in[0]) + (specs.containsKey(inName) ? " (declare it with \"dtype\": \""
                        + want.label() + "\")" : ""));
            }
        }
        DType outType;
        try {
            outType = op.outputType(d.inputs().stream().map(dtypes::get).toArray(DType[]::new));
        } catch (IllegalArgumentException e) {
            throw site.fail(d.pointer(), d.name(), label(op, d) + ": " + stripOp(e.getMessage(), op), e);
        }
        count(shape, d.pointer(), d.name());
        shapes.put(d.name(), shape);
        dtypes.put(d.name(), outType);
        NodeSpec node = new NodeSpec(d.name(), op, d.inputs(), attrs, shape, outType, d.pointer());
        checkIndexRanges(node);
        return node;
    }

    /** Where input k of a node is reported: below its input list, or at the node when it has none of its own. */
    private static String inputPointer(NodeDraft d, int k) {
        return d.inputsPointer().equals(d.pointer()) ? d.pointer() : ptr(d.inputsPointer(), k);
    }

    private String undefined(String in, NodeDraft d, Map<String, NodeDraft> byName) {
        if (in.equals(d.name())) {
            return "node '" + d.name() + "' takes its own output as input: a cycle";
        }
        NodeDraft later = byName.get(in);
        if (later != null) {
            List<String> cycle = cycle(in, d.name(), byName);
            if (cycle != null) {
                return "cycle: " + String.join(" -> ", cycle) + " (node '" + d.name() + "' uses '" + in
                        + "', which depends on it)";
            }
            return "node '" + d.name() + "' uses '" + in + "' before its definition at " + later.pointer()
                    + " (nodes run in order: define '" + in + "' first)";
        }
        return "node '" + d.name() + "': undefined name '" + in + "'" + didYouMean(in);
    }

    /** A path from {@code from} back to {@code target} through not-yet-defined nodes, or null. */
    private List<String> cycle(String from, String target, Map<String, NodeDraft> byName) {
        Map<String, String> parent = new HashMap<>();
        ArrayDeque<String> queue = new ArrayDeque<>();
        queue.add(from);
        parent.put(from, null);
        while (!queue.isEmpty()) {
            String cur = queue.poll();
            NodeDraft cd = byName.get(cur);
            if (cd == null) {
                continue;
            }
            for (String nxt : cd.inputs()) {
                if (nxt.equals(target)) {
                    List<String> path = new ArrayList<>();
                    path.add(target);
                    for (String x = cur; x != null; x = parent.get(x)) {
                        path.add(x);
                    }
                    Collections.reverse(path);
                    path.add(0, target);
                    return path;
                }
                if (!parent.containsKey(nxt) && byName.containsKey(nxt) && !declared.containsKey(nxt)) {
                    parent.put(nxt, cur);
                    queue.add(nxt);
                }
            }
        }
        return null;
    }

    private Attrs attrs(NodeDraft d, OpDef op) {
        Map<String, Object> given = d.attrs().values(op);
        try {
            return op.resolve(Attrs.fromMap(given));
        } catch (IllegalArgumentException | ClassCastException | ArithmeticException e) {
            String p = d.attrsPointer();
            Matcher m = ATTR_NAME.matcher(e.getMessage());
            if (m.find() && given.containsKey(m.group(1))) {
                p = ptr(p, m.group(1));
            }
            throw site.fail(p, d.name(), label(op, d) + ": " + stripOp(e.getMessage(), op));
        }
    }

    /** Class targets and embedding indices that the init already tells are out of range. */
    private void checkIndexRanges(NodeSpec node) {
        IndexRanges.Check c = IndexRanges.of(node, shapes);
        if (c == null || dtypes.get(c.indexName()) != DType.INT64) {
            return;
        }
        TensorSpec spec = specs.get(c.indexName());
        if (spec == null) {
            return;
        }
        String problem = null;
        if (spec.init() instanceof InitSpec.RandInt r) {
            if (r.low() < 0 || r.high() > c.limit()) {
                problem = c.what() + " '" + spec.name() + "' has init randint [" + r.low() + ", " + r.high()
                        + "), but must lie in [0, " + c.limit() + ")";
            }
        } else if (spec.init() instanceof InitSpec.Value || spec.init() instanceof InitSpec.File) {
            problem = c.check(new Initializer(0).make(spec));
        }
        if (problem != null) {
            // values read from a data file: name the file that holds them, not only the model
            String from = spec.init() instanceof InitSpec.File f ? " (read from " + f.file()
                    + (f.key().equals(spec.name()) ? "" : ", array '" + f.key() + "'") + ")" : "";
            throw site.fail(spec.init() instanceof InitSpec.File ? spec.pointer() : ptr(spec.pointer(), "init"), node.name(),
                    node.op().name() + " '" + node.name() + "': " + problem + from);
        }
    }

    /** {@code matmul 'z1'} (the node's label in messages). */
    private static String label(OpDef op, NodeDraft d) {
        return op.name() + " '" + d.name() + "'";
    }

    /** The engine's message without its leading {@code "op: "}, which {@link #label} replaces. */
    private static String stripOp(String msg, OpDef op) {
        return msg.startsWith(op.name() + ": ") ? msg.substring(op.name().length() + 2) : msg;
    }

    // ------------------------------------------------------------------ the model

    /**
     * The model, once its output is checked: declared, a scalar, float64.
     *
     * @param outputPointer where the output is named in the file
     * @param fromLayers true when the model came from a shorthand such as {@code layers}
     */
    public Model model(String name, long seed, Path file, Map<String, TensorSpec> inputs,
            Map<String, TensorSpec> params, List<NodeSpec> nodes, String output, String outputPointer,
            boolean fromLayers) {
        return model(name, seed, file, inputs, params, Map.of(), nodes, output, outputPointer, fromLayers, List.of());
    }

    /**
     * As {@link #model(String, long, Path, Map, Map, List, String, String, boolean)}, for a reader
     * whose models also hold constants and notes (the ONNX reader).
     *
     * @param constants tensors that are neither inputs nor params and get no gradient (buffers,
     *        constants of the graph), {@link #addLeaf added} like them
     * @param notes what a report should say about how the model was read
     */
    public Model model(String name, long seed, Path file, Map<String, TensorSpec> inputs,
            Map<String, TensorSpec> params, Map<String, TensorSpec> constants, List<NodeSpec> nodes, String output,
            String outputPointer, boolean fromLayers, List<String> notes) {
        if (!declared.containsKey(output)) {
            throw site.fail(outputPointer, output, "output '" + output + "' is not defined" + didYouMean(output));
        }
        Shape outShape = shapes.get(output);
        if (outShape.size() != 1) {
            throw site.fail(outputPointer, output, "output '" + output + "' has shape " + outShape
                    + "; gradients are taken of a scalar (reduce it with sum or mean, or use reduction \"mean\")");
        }
        if (dtypes.get(output) != DType.FLOAT64) {
            throw site.fail(outputPointer, output, "output '" + output + "' is int64; gradients need a float64 output");
        }
        return new Model(name, seed, file, inputs, params, constants, nodes, output, shapes, dtypes, fromLayers,
                notes);
    }
}

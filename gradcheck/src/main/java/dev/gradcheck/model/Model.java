package dev.gradcheck.model;

import dev.gradcheck.engine.DType;
import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.Tensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A validated {@code gradcheck-model/1} model: named inputs and params, nodes applied in order,
 * and the scalar {@code output}. Immutable; load one with {@link ModelLoader}.
 *
 * <pre>{@code
 * Model m = ModelLoader.load(Path.of("examples/tiny-mlp.json"));
 * Map<String, Tensor> values = m.initialValues();                  // from the seed
 * values = m.withValues(values, Path.of("values.npz"));            // --values
 * Map<String, Tensor> grads = m.gradients(values, m.paramNames()); // reference gradients
 * }</pre>
 */
public final class Model {
    private final String name;
    private final long seed;
    private final Path file;
    private final Map<String, TensorSpec> inputs;
    private final Map<String, TensorSpec> params;
    private final Map<String, TensorSpec> constants;
    private final List<NodeSpec> nodes;
    private final String output;
    private final Map<String, Shape> shapes;
    private final Map<String, DType> dtypes;
    private final boolean fromLayers;
    private final List<String> notes;
    private final FloatPrecision constantsPrecision;
    private final Map<String, Tensor> loadTimeConstants;

    Model(String name, long seed, Path file, Map<String, TensorSpec> inputs, Map<String, TensorSpec> params,
            Map<String, TensorSpec> constants, List<NodeSpec> nodes, String output, Map<String, Shape> shapes,
            Map<String, DType> dtypes, boolean fromLayers, List<String> notes) {
        this.name = name;
        this.seed = seed;
        this.file = file;
        this.inputs = Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
        this.params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
        this.constants = Collections.unmodifiableMap(new LinkedHashMap<>(constants));
        this.nodes = List.copyOf(nodes);
        this.output = output;
        this.shapes = Collections.unmodifiableMap(new LinkedHashMap<>(shapes));
        this.dtypes = Collections.unmodifiableMap(new LinkedHashMap<>(dtypes));
        this.fromLayers = fromLayers;
        this.notes = List.copyOf(notes);
        this.constantsPrecision = FloatPrecision.FLOAT64;
        this.loadTimeConstants = Map.of();
    }

    private Model(Model m, FloatPrecision constantsPrecision, Map<String, Tensor> loadTimeConstants) {
        this.name = m.name;
        this.seed = m.seed;
        this.file = m.file;
        this.inputs = m.inputs;
        this.params = m.params;
        this.constants = m.constants;
        this.nodes = m.nodes;
        this.output = m.output;
        this.shapes = m.shapes;
        this.dtypes = m.dtypes;
        this.fromLayers = m.fromLayers;
        this.notes = m.notes;
        this.constantsPrecision = constantsPrecision;
        this.loadTimeConstants = Collections.unmodifiableMap(new LinkedHashMap<>(loadTimeConstants));
    }

    /**
     * The coarsest format the model's file stored its float constants in (float32 for the
     * constants of an ONNX graph exported from a float32 module, which the exporter computed in
     * float32); float64 for a JSON model. Its gradients are defined to that precision only.
     */
    public FloatPrecision constantsPrecision() {
        return constantsPrecision;
    }

    /** This model with {@link #constantsPrecision()} {@code p} (for readers of formats that store narrower floats). */
    public Model withConstantsPrecision(FloatPrecision p) {
        return new Model(this, java.util.Objects.requireNonNull(p), loadTimeConstants);
    }

    /**
     * The tensors of the model's file that were read at load time and computed with as constants
     * (an ONNX graph's integer initializers, and float ones that reach the output through no
     * differentiable path: PyTorch buffers used as indices or masks), by name, with the values
     * used. A values file may name them (a state dict holds them) only with these values: they
     * are fixed once the model is loaded. Empty for JSON models.
     */
    public Map<String, Tensor> loadTimeConstants() {
        return loadTimeConstants;
    }

    /** This model with {@link #loadTimeConstants()} {@code c} (for readers that fold tensors of the file). */
    public Model withLoadTimeConstants(Map<String, Tensor> c) {
        return new Model(this, constantsPrecision, c);
    }

    /** The model's {@code name} (the file name without {@code .json} when absent). */
    public String name() {
        return name;
    }

    /** The {@code seed} random inits draw from (0 when absent). */
    public long seed() {
        return seed;
    }

    /** The file it was loaded from, or null. */
    public Path file() {
        return file;
    }

    /** The inputs, in file order. */
    public Map<String, TensorSpec> inputs() {
        return inputs;
    }

    /** The params, in file order (for {@code layers}, {@code "0.weight"}, {@code "0.bias"}, …). */
    public Map<String, TensorSpec> params() {
        return params;
    }

    /**
     * The constants, in order: tensors that are neither inputs nor params and get no gradient
     * (buffers such as batch norm's running statistics, constants of an ONNX graph). Their init
     * holds their value; {@code --values} may replace a buffer's by name. Empty for JSON models.
     */
    public Map<String, TensorSpec> constants() {
        return constants;
    }

    /**
     * What a report should say about how the model was read, one line each (for an ONNX file:
     * the precision it was widened from, symbolic dimensions given a default). Empty for JSON
     * models.
     */
    public List<String> notes() {
        return notes;
    }

    /** The names of the params, in order: what gradients are taken with respect to by default. */
    public List<String> paramNames() {
        return List.copyOf(params.keySet());
    }

    /** The nodes, in the order they run. */
    public List<NodeSpec> nodes() {
        return nodes;
    }

    /** The name of the scalar output. */
    public String output() {
        return output;
    }

    /** True when the model was written with the {@code layers} shorthand. */
    public boolean fromLayers() {
        return fromLayers;
    }

    /** Every name's statically inferred shape: inputs, params and node outputs. */
    public Map<String, Shape> shapes() {
        return shapes;
    }

    /** The shape of an input, param or node output. */
    public Shape shape(String name) {
        Shape s = shapes.get(name);
        if (s == null) {
            throw new IllegalArgumentException("model '" + this.name + "' has no tensor named '" + name + "'");
        }
        return s;
    }

    /** The dtype of an input, param or node output (null for an unknown name). */
    public DType dtype(String name) {
        return dtypes.get(name);
    }

    /** The spec of an input or param, or null. */
    public TensorSpec spec(String name) {
        TensorSpec s = inputs.get(name);
        if (s == null) {
            s = params.get(name);
        }
        return s != null ? s : constants.get(name);
    }

    // ------------------------------------------------------------------ values

    /** Inputs then params, made from their inits with the model's seed. */
    public Map<String, Tensor> initialValues() {
        return initialValues(seed);
    }

    /** Inputs, params, then constants, made from their inits with another seed ({@code --seed}). */
    public Map<String, Tensor> initialValues(long seed) {
        Initializer init = new Initializer(seed);
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (TensorSpec s : inputs.values()) {
            out.put(s.name(), init.make(s));
        }
        for (TensorSpec s : params.values()) {
            out.put(s.name(), init.make(s));
        }
        for (TensorSpec s : constants.values()) {
            out.put(s.name(), init.make(s));
        }
        checkValues(out, null);
        return Collections.unmodifiableMap(out);
    }

    /**
     * {@code base} with the tensors of a {@code .npz} / {@code .npy} file put in by name
     * ({@code --values}).
     *
     * @throws ModelFileException naming {@code valuesFile} for an unknown name, a wrong shape or
     *         dtype, or class targets out of range
     */
    public Map<String, Tensor> withValues(Map<String, Tensor> base, Path valuesFile) {
        long max = Long.MAX_VALUE;
        return withValues(base, DataFiles.read(valuesFile, max), valuesFile);
    }

    /**
     * {@code base} with {@code overrides} put in by name, each checked against the model's shape
     * and dtype.
     *
     * @param source named in messages (may be null)
     * @throws ModelFileException on an unknown name, a wrong shape or dtype, or indices out of range
     */
    public Map<String, Tensor> withValues(Map<String, Tensor> base, Map<String, Tensor> overrides, Path source) {
        Map<String, Tensor> out = new LinkedHashMap<>(base);
        for (Map.Entry<String, Tensor> e : overrides.entrySet()) {
            String n = e.getKey();
            TensorSpec spec = spec(n);
            Tensor t = e.getValue();
            if (loadTimeConstants.containsKey(n)) {
                requireLoadTimeValue(n, t, source);
                continue;
            }
            if (spec == null) {
                String kind = shapes.containsKey(n) ? "a node output, not an input or param" : "not an input or param";
                kind += constants.isEmpty() ? "" : " or buffer";
                throw new ModelFileException(source, null, -1, -1, n, "'" + n + "' is " + kind + " of model '"
                        + name + "' (it has " + namesToGive() + ")");
            }
            if (!t.shape().equals(spec.shape())) {
                throw new ModelFileException(source, null, -1, -1, n, "'" + n + "' has shape " + t.shape()
                        + ", but the model declares " + spec.shape() + " at " + spec.pointer());
            }
            if (t.dtype() != spec.dtype()) {
                throw new ModelFileException(source, null, -1, -1, n, "'" + n + "' is " + t.dtype().label()
                        + ", but the model declares " + spec.dtype().label());
            }
            out.put(n, t);
        }
        checkValues(out, source);
        return Collections.unmodifiableMap(out);
    }

    /** Accepts {@code t} for the load-time constant {@code n} only when it is the value the model was loaded with. */
    private void requireLoadTimeValue(String n, Tensor t, Path source) {
        Tensor used = loadTimeConstants.get(n);
        if (t.dtype() == used.dtype() && t.shape().equals(used.shape()) && java.util.Arrays.equals(t.data(), used.data())) {
            return;
        }
        String differs = t.dtype() != used.dtype() || !t.shape().equals(used.shape()) ? "is " + t.dtype().label() + " "
                + t.shape() + ", but the model has it as " + used.dtype().label() + " " + used.shape()
                : "holds other values than the model was loaded with";
        throw new ModelFileException(source, null, -1, -1, n, "'" + n + "' " + differs + ": it is a tensor of "
                + (file == null ? "the model's file" : file) + " read at load time (the graph uses it only as a "
                + "constant: indices, a mask, class weights), so its value is fixed when the model is loaded; give "
                + "it in the values the model is loaded with (LoadOptions.values(), as --values does)");
    }

    /** Every input, param and buffer name, in that order. */
    private List<String> names() {
        List<String> n = new ArrayList<>(inputs.keySet());
        n.addAll(params.keySet());
        n.addAll(constants.keySet());
        return n;
    }

    /**
     * The names a values file may give, for a message: inputs, params and buffers, the constants an
     * ONNX exporter made (its node outputs {@code /…}, folded {@code onnx::…}) only counted.
     */
    private String namesToGive() {
        List<String> n = new ArrayList<>(inputs.keySet());
        n.addAll(params.keySet());
        n.addAll(loadTimeConstants.keySet().stream().filter(c -> !constants.containsKey(c) && !c.startsWith("/")
                && !FoldedConstants.isFolded(c)).toList());
        long made = 0;
        for (String c : constants.keySet()) {
            if (c.startsWith("/") || FoldedConstants.isFolded(c)) {
                made++;
            } else {
                n.add(c);
            }
        }
        return String.join(", ", n) + (made == 0 ? "" : ", and " + made + " constant" + (made == 1 ? "" : "s")
                + " the exporter made");
    }

    /**
     * Checks that {@code values} holds every input and param with its shape and dtype, and that
     * class targets and embedding indices are in range.
     *
     * @throws ModelFileException naming {@code source} (or the model file) otherwise
     */
    public void checkValues(Map<String, Tensor> values, Path source) {
        Path at = source != null ? source : file;
        for (String n : names()) {
            Tensor t = values.get(n);
            TensorSpec spec = spec(n);
            if (t == null) {
                throw new ModelFileException(at, null, -1, -1, n, "no value for '" + n + "'");
            }
            if (!t.shape().equals(spec.shape()) || t.dtype() != spec.dtype()) {
                throw new ModelFileException(at, null, -1, -1, n, "'" + n + "' is " + t.dtype().label() + " "
                        + t.shape() + ", but the model declares " + spec.dtype().label() + " " + spec.shape());
            }
        }
        for (IndexRanges.Check c : IndexRanges.all(this)) {
            Tensor t = values.get(c.indexName());
            String problem = t == null ? null : c.check(t);
            if (problem != null) {
                throw new ModelFileException(at, null, -1, -1, c.indexName(), problem);
            }
        }
    }

    // ------------------------------------------------------------------ evaluation

    /**
     * Runs every node on {@code values}, recording the graph for the tensors named in {@code wrt}.
     *
     * @param wrt params and/or float64 inputs to differentiate with respect to (may be empty)
     */
    public Evaluation evaluate(Map<String, Tensor> values, Collection<String> wrt) {
        return Evaluation.run(this, values, wrt);
    }

    /** The scalar loss ({@code output}) at {@code values}, without recording a graph. */
    public double loss(Map<String, Tensor> values) {
        return Evaluation.run(this, values, List.of()).loss().item();
    }

    /** The reference gradients of {@code output} with respect to {@code wrt}, by name, in order. */
    public Map<String, Tensor> gradients(Map<String, Tensor> values, Collection<String> wrt) {
        return evaluate(values, wrt).gradients();
    }

    /** The function view {@code (tensors named wrt) -> loss} at {@code values}, for the checker. */
    public LossFunction lossFunction(Map<String, Tensor> values, List<String> wrt) {
        return new LossFunction(this, values, wrt);
    }

    /**
     * Checks that {@code wrt} names params or float64 inputs.
     *
     * @throws IllegalArgumentException otherwise
     */
    void checkWrt(Collection<String> wrt) {
        for (String n : wrt) {
            TensorSpec s = spec(n);
            if (constants.containsKey(n)) {
                throw new IllegalArgumentException("--wrt: '" + n + "' is a constant of model '" + name
                        + "' (a buffer), not an input or param, and gets no gradient");
            }
            if (s == null) {
                List<String> wrtable = new ArrayList<>(inputs.keySet());
                wrtable.addAll(params.keySet());
                throw new IllegalArgumentException("--wrt: '" + n + "' is not an input or param of model '" + name
                        + "' (it has " + String.join(", ", wrtable) + ")");
            }
            if (s.dtype() != DType.FLOAT64) {
                throw new IllegalArgumentException("--wrt: '" + n + "' is int64 (indices or targets) and has no "
                        + "gradient");
            }
        }
    }

    @Override
    public String toString() {
        return "Model[" + name + ": " + inputs.size() + " inputs, " + params.size() + " params, "
                + (constants.isEmpty() ? "" : constants.size() + " constants, ") + nodes.size()
                + " nodes, output '" + output + "']";
    }
}

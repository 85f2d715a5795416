package dev.gradcheck.engine.op;

import dev.gradcheck.engine.Attrs;
import dev.gradcheck.engine.DType;
import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.ShapeException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.DoubleUnaryOperator;
import java.util.stream.Collectors;

/**
 * One op: everything the engine, the model loader, the checker and the property tests need to
 * know about it, in one definition (as a JAX primitive or a PyTorch OpInfo entry). The definition
 * is the reference: a faster implementation may be {@link FastPaths installed} beside it, never
 * in it. The engine's {@code tanh}, as {@code UnaryOps} defines it:
 *
 * <pre>{@code
 * OpDef tanh = OpDef.builder("tanh")
 *         .summary("hyperbolic tangent, elementwise")
 *         .inputs(InputSpec.real("input", Domain.REAL))
 *         .shape(ShapeRules.SAME)
 *         .forward(a -> Kernels.map(a.in(0), Math::tanh))
 *         .pointwise(Math::tanh)
 *         .backward(c -> new Tensor[] {c.grad().mul(c.output().square().rsub(1))})
 *         .twiceDifferentiable()
 *         .samples(Samplers.unary(Domain.REAL))
 *         .saturates(-1, 1)
 *         .build();
 * }</pre>
 */
public final class OpDef {
    private final String name;
    private final String summary;
    private final List<InputSpec> inputs;
    private final boolean variadic;
    private final Map<String, AttrSpec> attrs;
    private final ShapeRule shape;
    private final Forward forward;
    private final Backward backward;
    private final boolean twiceDifferentiable;
    private final ForwardRule forwardRule;
    private final String kinks;
    private final DType outputType;
    /** True when some input is {@link InputSpec.Kind#ANY}: the output then has that input's dtype. */
    private final boolean movesAnyDtype;
    private final SampleGenerator samples;
    private final boolean internal;
    private final boolean pointwise;
    private final DoubleUnaryOperator scalar;
    private final Saturation saturation;
    private final boolean deadZone;
    private final boolean additiveBias;
    private final ClassificationLoss classification;
    private final int rowsPickedFrom;
    private final int minArity;
    private final int maxArity;
    /** {@code resolve(Attrs.EMPTY)}, computed once (null when some attribute is required or a default is an array). */
    private final Attrs defaults;

    private OpDef(Builder b) {
        this.name = b.name;
        this.summary = b.summary;
        this.inputs = List.copyOf(b.inputs);
        this.variadic = b.variadic;
        this.attrs = b.attrs;
        this.shape = Objects.requireNonNull(b.shape, () -> b.name + ": no shape rule");
        this.forward = Objects.requireNonNull(b.forward, () -> b.name + ": no forward");
        this.backward = b.backward;
        this.twiceDifferentiable = b.twiceDifferentiable;
        this.forwardRule = b.forwardRule;
        this.kinks = b.kinks;
        this.outputType = b.outputType;
        this.movesAnyDtype = b.inputs.stream().anyMatch(i -> i.kind() == InputSpec.Kind.ANY);
        this.samples = b.samples;
        this.internal = b.internal;
        this.pointwise = b.pointwise;
        this.scalar = b.scalar;
        this.saturation = b.saturation;
        this.deadZone = b.deadZone;
        this.additiveBias = b.additiveBias;
        this.classification = b.classification;
        this.rowsPickedFrom = b.rowsPickedFrom;
        this.batchMixing = b.batchMixing;
        if (forwardRule == ForwardRules.ELEMENTWISE && !pointwise) {
            throw new IllegalArgumentException(b.name + ": the elementwise forward rule is exact only for a pointwise op");
        }
        if (additiveBias && (variadic || inputs.isEmpty() || !inputs.get(inputs.size() - 1).optional())) {
            throw new IllegalArgumentException(b.name + ": an additive bias must be the optional last input");
        }
        this.minArity = variadic ? 1 : (int) inputs.stream().filter(i -> !i.optional()).count();
        this.maxArity = variadic ? Integer.MAX_VALUE : inputs.size();
        this.defaults = sharedDefaults();
    }

    /**
     * The resolved attributes when none are given, shared by every application: an op applied
     * thousands of times per second (every op of a forward pass) should not rebuild the same map.
     * Only when every default is immutable (no arrays, which {@link Attrs#get} hands out as is).
     */
    private Attrs sharedDefaults() {
        for (AttrSpec spec : attrs.values()) {
            if (spec.required() || (spec.defaultValue() != null && spec.defaultValue().getClass().isArray())) {
                return null;
            }
        }
        Attrs r;
        try {
            r = resolveEach(Attrs.EMPTY);
        } catch (IllegalArgumentException e) {
            return null; // a default that does not fit its own spec: let every application report it
        }
        for (String n : r.names()) {
            Object v = r.get(n);
            if (v != null && v.getClass().isArray()) {
                return null;
            }
        }
        return r;
    }

    /** Starts the definition of op {@code name} (PyTorch's name). */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** PyTorch's name for the op, e.g. {@code log_softmax}. */
    public String name() {
        return name;
    }

    /** One line on what the op computes. */
    public String summary() {
        return summary;
    }

    /** The tensor inputs in PyTorch's positional order; for a variadic op, the one repeated input. */
    public List<InputSpec> inputs() {
        return inputs;
    }

    /** True when the op takes any number (at least one) of inputs of the one spec, as {@code cat}. */
    public boolean variadic() {
        return variadic;
    }

    /** The attributes, by name. */
    public Map<String, AttrSpec> attrs() {
        return attrs;
    }

    /** The forward kernel. */
    public Forward forward() {
        return forward;
    }

    /** The backward rule, or null for an op with no differentiable input. */
    public Backward backward() {
        return backward;
    }

    /** True when the backward rule is itself differentiable (second-order gradients are exact). */
    public boolean twiceDifferentiable() {
        return twiceDifferentiable;
    }

    /**
     * The forward-mode rule (Jacobian-vector product), or null when the op has none of its own and
     * forward mode uses the engine's default, the double-VJP transpose of {@link #backward()}.
     */
    public ForwardRule forwardRule() {
        return forwardRule;
    }

    /** How forward mode differentiates the op: its rule's {@link ForwardRule#route() route}, else {@link ForwardRules#DEFAULT_ROUTE}. */
    public String forwardRoute() {
        return forwardRule != null ? forwardRule.route() : ForwardRules.DEFAULT_ROUTE;
    }

    /** Where the op is not differentiable, in words (e.g. "input = 0"), or null. */
    public String kinks() {
        return kinks;
    }

    /** The dtype of the output (float64 ops' real result; see {@link #outputType(DType...)} for given inputs). */
    public DType outputType() {
        return outputType;
    }

    /** True when some input is {@link InputSpec.Kind#ANY}, so the output's dtype follows it ({@link #outputType(DType...)}). */
    public boolean movesAnyDtype() {
        return movesAnyDtype;
    }

    /**
     * The dtype of the output for inputs of dtypes {@code in}: {@link #outputType()}, except for an
     * op that moves values of {@link InputSpec.Kind#ANY any dtype} (reshape, cat, …), whose output
     * has the dtype of those inputs.
     *
     * @throws IllegalArgumentException when those inputs mix float64 and int64
     */
    public DType outputType(DType... in) {
        if (!movesAnyDtype) {
            return outputType;
        }
        DType type = null;
        for (int i = 0; i < in.length; i++) {
            if (input(i).kind() != InputSpec.Kind.ANY) {
                continue;
            }
            if (type != null && type != in[i]) {
                throw new IllegalArgumentException(name + ": input '" + input(i).name() + "' is " + in[i].label()
                        + " where another is " + type.label() + ": the values it moves must share one dtype");
            }
            type = in[i];
        }
        return type == null ? outputType : type;
    }

    /** The sample generator, or null when the op cannot be sampled on its own. */
    public SampleGenerator samples() {
        return samples;
    }

    /** True for helper ops that exist to express other ops' backward rules. */
    public boolean internal() {
        return internal;
    }

    // ---------------------------------------------------------------- metadata for consumers
    // Code outside the registry that treats some ops specially asks these instead of op names.

    /**
     * True when every output entry is the same function (given the attributes) of the input entries
     * at its own position, broadcast: applying the op to any gathered subset of entries gives those
     * entries' values, bit for bit (exp, relu, clamp, add, pow, …; not dropout, whose mask depends
     * on the position).
     */
    public boolean pointwise() {
        return pointwise;
    }

    /**
     * For a pointwise op of one input: the function its forward applies to each entry when no
     * attribute is given (the same bits), or null.
     */
    public DoubleUnaryOperator scalar() {
        return scalar;
    }

    /** For a saturating op (tanh, sigmoid): its output range, near whose ends the gradient vanishes; else null. */
    public Saturation saturation() {
        return saturation;
    }

    /**
     * True when output and gradient are 0 wherever the input is not positive (relu): a unit that is
     * never positive over a batch learns nothing.
     */
    public boolean deadZone() {
        return deadZone;
    }

    /**
     * True when the last (optional) input is a bias added to the op's result without it, broadcast:
     * {@code op(x, w, b) == op(x, w) + b} (linear).
     */
    public boolean additiveBias() {
        return additiveBias;
    }

    /** For a classification loss: what it predicts from its first input's shape; else null. */
    public ClassificationLoss classification() {
        return classification;
    }

    /**
     * For an op that picks whole rows of one input by int64 indices (embedding's weight): that
     * input's position; else -1. A framework may leave some rows of such a table without a
     * gradient (PyTorch's {@code padding_idx}), which a file format without it (ONNX's Gather)
     * drops: compare's diagnosis asks.
     */
    public int rowsPickedFrom() {
        return rowsPickedFrom;
    }

    private final String batchMixing;

    /**
     * For an op that mixes the samples of a batch by design (batch_norm's batch statistics): how,
     * in words; else null. Sanity's batch-independence check reports such an op instead of failing.
     */
    public String batchMixing() {
        return batchMixing;
    }

    /**
     * True for a loss: an op with PyTorch's {@code reduction} that compares a prediction (its first
     * input) with a target (its second), as {@code cross_entropy} and {@code mse_loss} do.
     */
    public boolean isLoss() {
        return attrs.containsKey("reduction") && minArity <= 2 && maxArity >= 2;
    }

    /** Fewest inputs the op takes. */
    public int minArity() {
        return minArity;
    }

    /** Most inputs the op takes ({@code Integer.MAX_VALUE} when variadic). */
    public int maxArity() {
        return maxArity;
    }

    /** The spec of input {@code i} (for a variadic op, the one spec). */
    public InputSpec input(int i) {
        return variadic ? inputs.get(0) : inputs.get(i);
    }

    /** The arity in words: {@code 2}, {@code 2 or 3}, {@code 1 or more}. */
    public String arityText() {
        if (variadic) {
            return "1 or more";
        }
        return minArity() == maxArity() ? String.valueOf(minArity())
                : minArity() + (maxArity() == minArity() + 1 ? " or " : " to ") + maxArity();
    }

    /**
     * Validates given attributes (names, types, required ones present) and fills in defaults.
     *
     * @throws IllegalArgumentException naming the op and the attribute
     */
    public Attrs resolve(Attrs given) {
        if (defaults != null && given.names().isEmpty()) {
            return defaults;
        }
        return resolveEach(given);
    }

    private Attrs resolveEach(Attrs given) {
        List<String> unknown = given.names().stream().filter(n -> !attrs.containsKey(n)).collect(Collectors.toList());
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(name + ": unknown attribute '" + unknown.get(0) + "' (" + name
                    + (attrs.isEmpty() ? " takes no attributes)" : " takes " + String.join(", ", attrs.keySet()) + ")"));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (AttrSpec spec : attrs.values()) {
            if (given.has(spec.name())) {
                try {
                    out.put(spec.name(), spec.coerce(given.get(spec.name())));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
                }
            } else if (spec.required()) {
                throw new IllegalArgumentException(name + ": attribute '" + spec.name() + "' is required ("
                        + spec.type().description() + ")");
            } else {
                out.put(spec.name(), spec.defaultValue() == null ? null : spec.coerce(spec.defaultValue()));
            }
        }
        return Attrs.fromMap(out);
    }

    /**
     * The output shape for the given input shapes, computing nothing. Checks the arity too.
     *
     * @param resolved attributes as returned by {@link #resolve}
     * @throws ShapeException naming the op and the shapes when they do not fit
     */
    public Shape inferShape(Shape[] shapes, Attrs resolved) {
        checkArity(shapes.length);
        try {
            return shape.apply(name, shapes, resolved);
        } catch (ArithmeticException e) {
            // a rule's Math.*Exact: sizes past 32-bit arithmetic are a shape error, never a wrapped-around shape
            throw new ShapeException(name + ": inputs " + java.util.Arrays.toString(shapes) + " with attributes "
                    + resolved + " give sizes beyond 2^31 - 1");
        }
    }

    /** Throws when {@code n} inputs is not an arity this op takes. */
    public void checkArity(int n) {
        if (n < minArity() || n > maxArity()) {
            String names = inputs.stream().map(i -> i.optional() ? i.name() + "?" : i.name())
                    .collect(Collectors.joining(", "));
            throw new IllegalArgumentException(name + ": takes " + arityText() + " input"
                    + (maxArity() == 1 ? "" : "s") + " (" + names + (variadic ? ", …" : "") + "), got " + n);
        }
    }

    @Override
    public String toString() {
        return name;
    }

    /** Builds an {@link OpDef}. */
    public static final class Builder {
        private final String name;
        private String summary = "";
        private final List<InputSpec> inputs = new ArrayList<>();
        private boolean variadic;
        private final Map<String, AttrSpec> attrs = new LinkedHashMap<>();
        private ShapeRule shape;
        private Forward forward;
        private Backward backward;
        private boolean twiceDifferentiable;
        private ForwardRule forwardRule;
        private String kinks;
        private DType outputType = DType.FLOAT64;
        private SampleGenerator samples;
        private boolean internal;
        private boolean pointwise;
        private DoubleUnaryOperator scalar;
        private Saturation saturation;
        private boolean deadZone;
        private boolean additiveBias;
        private ClassificationLoss classification;
        private int rowsPickedFrom = -1;

        private Builder(String name) {
            this.name = Objects.requireNonNull(name);
        }

        public Builder summary(String summary) {
            this.summary = summary;
            return this;
        }

        public Builder inputs(InputSpec... specs) {
            inputs.addAll(List.of(specs));
            return this;
        }

        /** Any number of inputs of one spec (as {@code cat}). */
        public Builder variadic(InputSpec spec) {
            inputs.add(spec);
            variadic = true;
            return this;
        }

        public Builder attrs(AttrSpec... specs) {
            for (AttrSpec s : specs) {
                attrs.put(s.name(), s);
            }
            return this;
        }

        public Builder shape(ShapeRule rule) {
            this.shape = rule;
            return this;
        }

        public Builder forward(Forward forward) {
            this.forward = forward;
            return this;
        }

        public Builder backward(Backward backward) {
            this.backward = backward;
            return this;
        }

        /** Marks the backward rule as differentiable again (grad of grad is exact). */
        public Builder twiceDifferentiable() {
            this.twiceDifferentiable = true;
            return this;
        }

        /** The forward-mode rule: a {@link ForwardRules category} or an explicit rule (else the double-VJP default). */
        public Builder forwardRule(ForwardRule rule) {
            this.forwardRule = Objects.requireNonNull(rule);
            return this;
        }

        /** Where the op has kinks, in words (e.g. "input = 0"). */
        public Builder kinks(String where) {
            this.kinks = where;
            return this;
        }

        public Builder outputType(DType type) {
            this.outputType = type;
            return this;
        }

        public Builder samples(SampleGenerator samples) {
            this.samples = samples;
            return this;
        }

        /** Marks the op as picking whole rows of input {@code input} by int64 indices ({@link OpDef#rowsPickedFrom()}). */
        public Builder picksRowsOf(int input) {
            this.rowsPickedFrom = input;
            return this;
        }

        /** Marks a helper op that exists to express other ops' backward rules. */
        public Builder internal() {
            this.internal = true;
            return this;
        }

        /** Marks the op {@link OpDef#pointwise() pointwise}. */
        public Builder pointwise() {
            this.pointwise = true;
            return this;
        }

        /**
         * Marks a one-input op pointwise, applying {@code scalar} to each entry (the
         * {@link OpDef#scalar() same bits} as its forward when no attribute is given).
         */
        public Builder pointwise(DoubleUnaryOperator scalar) {
            this.pointwise = true;
            this.scalar = Objects.requireNonNull(scalar);
            return this;
        }

        /** Marks a saturating op with outputs in ({@code low}, {@code high}). */
        public Builder saturates(double low, double high) {
            this.saturation = new Saturation(low, high);
            return this;
        }

        /** Marks a relu-like op: output and gradient 0 where the input is not positive. */
        public Builder deadZone() {
            this.deadZone = true;
            return this;
        }

        /** Marks the optional last input as a bias added to the result: {@code op(x, w, b) == op(x, w) + b}. */
        public Builder additiveBias() {
            this.additiveBias = true;
            return this;
        }

        /** Marks a classification loss and says what it predicts from its input's shape. */
        public Builder classification(ClassificationLoss loss) {
            this.classification = Objects.requireNonNull(loss);
            return this;
        }

        private String batchMixing;

        /** Marks an op that mixes the samples of a batch by design, saying how ({@link OpDef#batchMixing()}). */
        public Builder mixesBatch(String how) {
            this.batchMixing = Objects.requireNonNull(how);
            return this;
        }

        public OpDef build() {
            return new OpDef(this);
        }
    }
}

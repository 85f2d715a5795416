package dev.gradcheck;

import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.op.FastPaths;
import dev.gradcheck.internal.Checker;
import dev.gradcheck.internal.ForwardCheck;
import dev.gradcheck.internal.NextStep;
import dev.gradcheck.internal.ToolkitFunction;
import dev.gradcheck.internal.UserCodeException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The fluent entry point of the gradient checker.
 *
 * <pre>{@code
 * CheckReport r = GradCheck.of(myOp)                 // a DifferentiableFunction on plain arrays
 *         .at(new double[] {1, 2, 3, 4}).shapes(new int[] {2, 2})
 *         .tolerance(Tolerance.pytorch()).mode(Mode.FULL)
 *         .check();
 * r.assertPasses();                                   // AssertionFailedError: expected numeric, actual analytic
 *
 * GradCheck.of(xs -> xs[0].matmul(xs[1]).sum())       // an engine function
 *         .at(Tensor.randn(rng, 3, 4), Tensor.randn(rng, 4, 2)).assertPasses();
 * }</pre>
 *
 * <p>One {@link CheckResult} per input, named by {@link #names(String...)} (default {@code input0},
 * {@code input1}, …). A builder is not thread-safe; the check itself may use several threads
 * ({@link #threads(int)}) and gives bit-identical results for any thread count.
 */
public final class GradCheck {
    private final DifferentiableFunction function;
    private final Function<Tensor[], Tensor> engineFunction;
    private double[][] inputs;
    private int[][] shapes;
    private String[] names;
    private final java.util.Set<Integer> constants = new java.util.TreeSet<>();
    private boolean[] integer;
    private CheckOptions options = CheckOptions.defaults();
    private boolean forwardMode;

    private GradCheck(DifferentiableFunction function, Function<Tensor[], Tensor> engineFunction) {
        this.function = function;
        this.engineFunction = engineFunction;
    }

    /** Checks a function on plain arrays. */
    public static GradCheck of(DifferentiableFunction f) {
        return new GradCheck(java.util.Objects.requireNonNull(f, "function"), null);
    }

    /** Checks a {@link CustomOp} at its {@link CustomOp#inputShapes()} (inputs still given by {@link #at}). */
    public static GradCheck of(CustomOp op) {
        GradCheck g = of((DifferentiableFunction) op);
        g.shapes = op.inputShapes();
        return g;
    }

    /** Checks an engine function (tensors in, one tensor out); the analytic side is {@code Autograd.grad}. */
    public static GradCheck of(Function<Tensor[], Tensor> f) {
        return new GradCheck(null, java.util.Objects.requireNonNull(f, "function"));
    }

    /** The point: one flat row-major array per input (copied). Shapes default to 1-d. */
    public GradCheck at(double[]... values) {
        inputs = new double[values.length][];
        for (int i = 0; i < values.length; i++) {
            inputs[i] = values[i].clone();
        }
        return this;
    }

    /**
     * The point, as tensors (their shapes are used). Int64 tensors (indices, class targets) are
     * passed through unchanged and not differentiated.
     */
    public GradCheck at(Tensor... values) {
        inputs = new double[values.length][];
        shapes = new int[values.length][];
        integer = new boolean[values.length];
        for (int i = 0; i < values.length; i++) {
            inputs[i] = values[i].data();
            shapes[i] = values[i].shape().dims();
            integer[i] = values[i].dtype() == dev.gradcheck.engine.DType.INT64;
        }
        return this;
    }

    /**
     * For engine functions: inputs (by position) held constant, not differentiated, e.g. a
     * regression target. Int64 inputs are always constant.
     */
    public GradCheck constants(int... positions) {
        for (int p : positions) {
            constants.add(p);
        }
        return this;
    }

    /** The shape of each input, for multi-dimensional indices in reports and for engine functions. */
    public GradCheck shapes(int[]... s) {
        shapes = new int[s.length][];
        for (int i = 0; i < s.length; i++) {
            shapes[i] = s[i].clone();
        }
        return this;
    }

    /** The name of each input (the {@code name} of each check in the report). */
    public GradCheck names(String... n) {
        names = n.clone();
        return this;
    }

    /** Replaces all options at once. */
    public GradCheck options(CheckOptions o) {
        options = java.util.Objects.requireNonNull(o, "options");
        return this;
    }

    public CheckOptions options() {
        return options;
    }

    public GradCheck tolerance(Tolerance t) {
        options = options.withTolerance(t);
        return this;
    }

    public GradCheck mode(Mode m) {
        options = options.withMode(m);
        return this;
    }

    public GradCheck scheme(Scheme s) {
        options = options.withScheme(s);
        return this;
    }

    public GradCheck eps(double e) {
        options = options.withEps(e);
        return this;
    }

    /** False for PyTorch's absolute step h = eps instead of h = eps·max(1, |x|). */
    public GradCheck relativeStep(boolean relative) {
        options = options.withRelativeStep(relative);
        return this;
    }

    public GradCheck seed(long s) {
        options = options.withSeed(s);
        return this;
    }

    public GradCheck probes(int k) {
        options = options.withProbes(k);
        return this;
    }

    public GradCheck samples(int k) {
        options = options.withSamples(k);
        return this;
    }

    public GradCheck threads(int n) {
        options = options.withThreads(n);
        return this;
    }

    public GradCheck precision(Precision p) {
        options = options.withPrecision(p);
        return this;
    }

    public GradCheck kinks(KinkPolicy k) {
        options = options.withKinkPolicy(k);
        return this;
    }

    public GradCheck nondetTol(double t) {
        options = options.withNondetTol(t);
        return this;
    }

    /**
     * Also checks the forward rule: the engine's forward mode ({@code Autograd.jvp}) for an engine
     * function, {@link ForwardDifferentiable#jvp} for a function on arrays that has one. The report
     * then has, after the per-input results, one result per input tangent ({@code jvp/<input>}: the
     * JVP with a tangent on that input alone against the numeric directional derivative), one with
     * every tangent at once ({@code jvp/all}) and the adjoint identity ⟨u, J·v⟩ = ⟨Jᵀ·u, v⟩ between
     * the forward rule and the backward ({@code adjoint}); see docs/checker.md.
     *
     * @throws IllegalStateException at {@link #check()} when the function has no forward rule
     */
    public GradCheck forwardMode() {
        forwardMode = true;
        return this;
    }

    /** Runs the check. */
    @SuppressWarnings("try")
    public CheckReport check() {
        try (FastPaths.Scope s = engineScope()) {
            long t0 = options.clock().getAsLong();
            Prepared p = prepare();
            if (forwardMode) {
                requireForwardRule(p, "forwardMode()");
            }
            List<CheckResult> results = new ArrayList<>(Checker.check(p.function, p.inputs, p.shapes, p.names, options));
            if (userFunction()) {
                results = new ArrayList<>(NextStep.suggest(results));
            }
            if (forwardMode) {
                results.addAll(forwardResults(p));
            }
            return new CheckReport(options.command(), options.seed(), elapsedMs(t0), results);
        }
    }

    /**
     * Runs the forward-mode check alone: the results {@link #forwardMode()} adds to {@link #check()}
     * ({@code jvp/<input>}, {@code jvp/all}, {@code adjoint}), without the backward's per-input check.
     *
     * @throws IllegalStateException when the function has no forward rule
     */
    @SuppressWarnings("try")
    public CheckReport forwardCheck() {
        try (FastPaths.Scope s = engineScope()) {
            long t0 = options.clock().getAsLong();
            Prepared p = prepare();
            requireForwardRule(p, "forwardCheck()");
            return new CheckReport(options.command(), options.seed(), elapsedMs(t0), forwardResults(p));
        }
    }

    /**
     * A user's function of several layers (not one CustomOp, not an engine function or a model the
     * toolkit built): a failure no pattern explains gets {@link NextStep}'s suggestion.
     */
    private boolean userFunction() {
        return function != null && !(function instanceof CustomOp) && !(function instanceof ToolkitFunction);
    }

    private static void requireForwardRule(Prepared p, String call) {
        if (!(p.function instanceof ForwardDifferentiable)) {
            throw new IllegalStateException(call + " needs a function with a forward rule: an engine function,"
                    + " or a DifferentiableFunction that implements ForwardDifferentiable");
        }
    }

    private List<CheckResult> forwardResults(Prepared p) {
        boolean[] tangents = new boolean[p.inputs.length];
        java.util.Arrays.fill(tangents, true);
        return ForwardCheck.check((ForwardDifferentiable) p.function, p.inputs, p.shapes, p.names, tangents,
                p.engine == null ? null : outputShape(p), options);
    }

    /** The engine function's output shape, from one forward under no-grad (null when it throws: the check reports it). */
    @SuppressWarnings("try")
    private static int[] outputShape(Prepared p) {
        try (dev.gradcheck.engine.GradMode.Scope s = dev.gradcheck.engine.GradMode.disabled()) {
            Tensor[] ts = new Tensor[p.inputs.length];
            for (int i = 0; i < ts.length; i++) {
                ts[i] = Tensor.of(p.inputs[i], p.shapes[i]);
            }
            return p.engine.apply(ts).shape().dims();
        } catch (Throwable e) {
            UserCodeException.rethrowIfJvmFailure(e);
            return null;
        }
    }

    /**
     * With {@link CheckOptions#referenceEngine()}, the engine's reference definitions alone on this
     * thread and the checker's workers (started from it) until closed; else the setting as it is.
     */
    private FastPaths.Scope engineScope() {
        return options.referenceEngine() ? FastPaths.referenceOnly() : () -> { };
    }

    /** Runs the check and throws {@link org.opentest4j.AssertionFailedError} unless it passed. */
    public CheckReport assertPasses() {
        return check().assertPasses();
    }

    /**
     * Second order, for engine functions: checks the backward itself (with respect to the inputs
     * and the gradOutput) against numeric derivatives of it (reverse-over-reverse; checks named
     * {@code d2/<input>} and {@code d2/gradOutput}), and the engine's forward-over-reverse
     * Hessian-vector products of ⟨gradOutput, f⟩ against finite differences of its gradient
     * ({@code hvp/<input>}, {@code hvp/all}, and the Hessian's symmetry {@code hvp/symmetry}).
     */
    @SuppressWarnings("try")
    public CheckReport gradGradCheck() {
        try (FastPaths.Scope s = engineScope()) {
            return gradGradCheckHere();
        }
    }

    @SuppressWarnings("try")
    private CheckReport gradGradCheckHere() {
        if (engineFunction == null) {
            throw new IllegalStateException("gradGradCheck needs an engine function (GradCheck.of(Function<Tensor[], Tensor>))");
        }
        long t0 = options.clock().getAsLong();
        Prepared p = prepare();
        EngineFunction ef = (EngineFunction) p.function;
        int[] outShape;
        try (dev.gradcheck.engine.GradMode.Scope s = dev.gradcheck.engine.GradMode.disabled()) {
            Tensor[] ts = new Tensor[p.inputs.length];
            for (int i = 0; i < ts.length; i++) {
                ts[i] = Tensor.of(p.inputs[i], p.shapes[i]);
            }
            outShape = p.engine.apply(ts).shape().dims();
        }
        EngineFunction gg = ef.gradGrad(outShape, options.seed());
        int n = p.inputs.length;
        java.util.SplittableRandom rng = new java.util.SplittableRandom(options.seed() + 17);
        double[][] ggInputs = java.util.Arrays.copyOf(p.inputs, n + 1);
        double[] go = new double[dev.gradcheck.engine.Shape.of(outShape).size()];
        for (int k = 0; k < go.length; k++) {
            go[k] = rng.nextGaussian();
        }
        ggInputs[n] = go;
        String[] ggNames = new String[n + 1];
        for (int i = 0; i < n; i++) {
            ggNames[i] = "d2/" + p.names[i];
        }
        ggNames[n] = "d2/gradOutput";
        List<CheckResult> results = new ArrayList<>(Checker.check(gg, ggInputs, gg.shapes(), ggNames, options));
        results.addAll(forwardOverReverse(p, go, outShape));
        return new CheckReport(options.command(), options.seed(), elapsedMs(t0), results);
    }

    /**
     * Forward-over-reverse beside reverse-over-reverse: the engine's Hessian-vector products
     * ({@code Autograd.hvp}) of φ = ⟨gradOutput, f⟩ against finite differences of its reverse-mode
     * gradient, per input vector ({@code hvp/<input>}) and all at once ({@code hvp/all}), and the
     * Hessian's symmetry ⟨u, H·v⟩ = ⟨H·u, v⟩ ({@code hvp/symmetry}).
     */
    private List<CheckResult> forwardOverReverse(Prepared p, double[] gradOutput, int[] outShape) {
        Tensor weights = Tensor.of(gradOutput.clone(), outShape);
        Function<Tensor[], Tensor> phi = xs -> p.engine.apply(xs).mul(weights).sum();
        EngineFunction scalar = new EngineFunction(phi, p.shapes);
        boolean[] vectors = new boolean[p.inputs.length];
        java.util.Arrays.fill(vectors, true);
        int total = 0;
        for (double[] x : p.inputs) {
            total += x.length;
        }
        List<CheckResult> out = new ArrayList<>();
        for (CheckResult r : ForwardCheck.check(scalar.gradient(), p.inputs, p.shapes, p.names, vectors,
                new int[] {total}, options)) {
            String name = r.name().equals(ForwardCheck.ADJOINT) ? "hvp/symmetry"
                    : "hvp/" + r.name().substring(ForwardCheck.PREFIX.length());
            CheckResult.Builder b = r.toBuilder().name(name);
            if (r.diagnosis() != null) {
                b.diagnosis(r.diagnosis().replace("the forward rule (jvp)", "forward-over-reverse (hvp)")
                        .replace("the forward rule", "forward-over-reverse").replace("by backward", "by hvp(u)")
                        .replace("⟨u, J·v⟩", "⟨u, H·v⟩").replace("⟨Jᵀ·u, v⟩", "⟨H·u, v⟩"));
            }
            out.add(b.build());
        }
        return out;
    }

    private double elapsedMs(long t0) {
        return (options.clock().getAsLong() - t0) / 1e6;
    }

    /** What the checker sees: the differentiable inputs only, constants bound into the function. */
    private static final class Prepared {
        DifferentiableFunction function;
        Function<Tensor[], Tensor> engine;
        double[][] inputs;
        int[][] shapes;
        String[] names;
    }

    private Prepared prepare() {
        if (inputs == null) {
            throw new IllegalStateException("no point to check at: call at(...) before check()");
        }
        Prepared p = new Prepared();
        p.shapes = new int[inputs.length][];
        if (shapes != null && shapes.length != inputs.length) {
            throw new IllegalArgumentException(shapes.length + " shapes given for " + inputs.length + " inputs");
        }
        for (int i = 0; i < inputs.length; i++) {
            int[] s = shapes != null ? shapes[i] : new int[] {inputs[i].length};
            long size = 1;
            for (int d : s) {
                size *= d;
            }
            if (size != inputs[i].length) {
                throw new IllegalArgumentException("input " + i + ": " + inputs[i].length + " values do not fill shape "
                        + java.util.Arrays.toString(s) + " (" + size + " values)");
            }
            p.shapes[i] = s.clone();
        }
        if (names != null && names.length != inputs.length) {
            throw new IllegalArgumentException(names.length + " names given for " + inputs.length + " inputs");
        }
        List<String> n = new ArrayList<>();
        for (int i = 0; i < inputs.length; i++) {
            n.add(names != null ? names[i] : "input" + i);
        }
        p.names = n.toArray(new String[0]);
        p.inputs = inputs;
        if (function != null) {
            p.function = function;
            return p;
        }
        bindConstants(p);
        p.function = new EngineFunction(p.engine, p.shapes);
        return p;
    }

    private void bindConstants(Prepared p) {
        int total = inputs.length;
        List<Integer> free = new ArrayList<>();
        Tensor[] fixed = new Tensor[total];
        for (int i = 0; i < total; i++) {
            boolean isInt = integer != null && integer[i];
            if (isInt || constants.contains(i)) {
                fixed[i] = isInt ? longs(inputs[i], p.shapes[i]) : Tensor.of(inputs[i], p.shapes[i]);
            } else {
                free.add(i);
            }
        }
        if (free.size() == total) {
            p.engine = engineFunction;
            return;
        }
        Function<Tensor[], Tensor> f = engineFunction;
        p.engine = args -> {
            Tensor[] all = fixed.clone();
            for (int k = 0; k < free.size(); k++) {
                all[free.get(k)] = args[k];
            }
            return f.apply(all);
        };
        double[][] in = new double[free.size()][];
        int[][] sh = new int[free.size()][];
        String[] nm = new String[free.size()];
        for (int k = 0; k < free.size(); k++) {
            in[k] = inputs[free.get(k)];
            sh[k] = p.shapes[free.get(k)];
            nm[k] = p.names[free.get(k)];
        }
        p.inputs = in;
        p.shapes = sh;
        p.names = nm;
    }

    private static Tensor longs(double[] values, int[] shape) {
        long[] l = new long[values.length];
        for (int k = 0; k < l.length; k++) {
            l[k] = (long) values[k];
        }
        return Tensor.ofLongs(l, shape);
    }
}

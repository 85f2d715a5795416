package dev.gradcheck;

import dev.gradcheck.engine.Tensor;
import dev.gradcheck.internal.Checker;
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
    private CheckOptions options = CheckOptions.defaults();

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

    /** The point, as tensors (their shapes are used). */
    public GradCheck at(Tensor... values) {
        inputs = new double[values.length][];
        shapes = new int[values.length][];
        for (int i = 0; i < values.length; i++) {
            inputs[i] = values[i].data();
            shapes[i] = values[i].shape().dims();
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

    /** Runs the check. */
    public CheckReport check() {
        long t0 = options.clock().getAsLong();
        Prepared p = prepare();
        List<CheckResult> results = Checker.check(p.function, inputs, p.shapes, p.names, options);
        return new CheckReport(options.command(), options.seed(), elapsedMs(t0), results);
    }

    /** Runs the check and throws {@link org.opentest4j.AssertionFailedError} unless it passed. */
    public CheckReport assertPasses() {
        return check().assertPasses();
    }

    /**
     * Second order, for engine functions: checks the backward itself (with respect to the inputs
     * and the gradOutput) against numeric derivatives of it. Checks are named {@code d2/<input>}
     * and {@code d2/gradOutput}.
     */
    @SuppressWarnings("try")
    public CheckReport gradGradCheck() {
        if (engineFunction == null) {
            throw new IllegalStateException("gradGradCheck needs an engine function (GradCheck.of(Function<Tensor[], Tensor>))");
        }
        long t0 = options.clock().getAsLong();
        Prepared p = prepare();
        EngineFunction ef = (EngineFunction) p.function;
        double[] y = ef.forward(inputs);
        int[] outShape;
        try (dev.gradcheck.engine.GradMode.Scope s = dev.gradcheck.engine.GradMode.disabled()) {
            Tensor[] ts = new Tensor[inputs.length];
            for (int i = 0; i < ts.length; i++) {
                ts[i] = Tensor.of(inputs[i], p.shapes[i]);
            }
            outShape = engineFunction.apply(ts).shape().dims();
        }
        EngineFunction gg = ef.gradGrad(outShape, options.seed());
        java.util.SplittableRandom rng = new java.util.SplittableRandom(options.seed() + 17);
        double[][] ggInputs = java.util.Arrays.copyOf(inputs, inputs.length + 1);
        double[] go = new double[y.length];
        for (int k = 0; k < go.length; k++) {
            go[k] = rng.nextGaussian();
        }
        ggInputs[inputs.length] = go;
        String[] ggNames = new String[inputs.length + 1];
        for (int i = 0; i < inputs.length; i++) {
            ggNames[i] = "d2/" + p.names[i];
        }
        ggNames[inputs.length] = "d2/gradOutput";
        List<CheckResult> results = Checker.check(gg, ggInputs, gg.shapes(), ggNames, options);
        return new CheckReport(options.command(), options.seed(), elapsedMs(t0), results);
    }

    private double elapsedMs(long t0) {
        return (options.clock().getAsLong() - t0) / 1e6;
    }

    private static final class Prepared {
        DifferentiableFunction function;
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
        p.function = function != null ? function : new EngineFunction(engineFunction, p.shapes);
        return p;
    }
}

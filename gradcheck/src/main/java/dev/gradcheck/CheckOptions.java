package dev.gradcheck;

import java.util.function.LongSupplier;

/**
 * Everything that configures a check, immutable: every {@code withX} returns a copy. Shared by
 * {@link GradCheck}, {@link CustomOpCheck}, the CLI and the JUnit extension.
 *
 * <p>Defaults: {@link Mode#FULL}; in float64 the error-model tolerance {@link Tolerance#model()}
 * with {@link Scheme#RIDDERS} and adaptive steps (float32: PyTorch-style tolerance atol 1e-3,
 * rtol 1e-2 with {@link Scheme#CENTRAL}); an explicit {@code withTolerance(Tolerance.pytorch())}
 * alone gives PyTorch's check exactly (central differences, eps 1e-6); the Taylor-remainder slope
 * per input (not in FAST mode); 3 draws per custom op at magnitudes 1, 10, 100; seed 0, 4 probes (FAST),
 * 16 samples (SAMPLED), 5 worst entries, nondeterminism tolerance 0 (bit-identical), kinks
 * reported, one thread per available processor.
 */
public final class CheckOptions {
    private Mode mode = Mode.FULL;
    private Scheme scheme;
    private Tolerance tolerance;
    private double eps = Double.NaN;
    private long seed;
    private int probes = 4;
    private int samples = 16;
    private int threads = Runtime.getRuntime().availableProcessors();
    private Precision precision = Precision.FLOAT64;
    private KinkPolicy kinkPolicy = KinkPolicy.REPORT;
    private int worst = 5;
    private int maxLocalised = 10;
    private double nondetTol;
    private double riddersStep = 0.1;
    private boolean relativeStep = true;
    private String command = "check";
    private String reproduce;
    private LongSupplier clock = System::nanoTime;
    private boolean adaptive = true;
    private int redraws = 2;
    /** Null: on outside {@link Mode#FAST} (see {@link #taylor()}). */
    private Boolean taylor;
    private int draws = 3;
    private double[] magnitudes = {1, 10, 100};
    private boolean referenceEngine;
    private CheckMonitor monitor = CheckMonitor.NONE;

    private CheckOptions() {
    }

    /** The defaults. */
    public static CheckOptions defaults() {
        return new CheckOptions();
    }

    private CheckOptions copy() {
        CheckOptions c = new CheckOptions();
        c.mode = mode;
        c.scheme = scheme;
        c.tolerance = tolerance;
        c.eps = eps;
        c.seed = seed;
        c.probes = probes;
        c.samples = samples;
        c.threads = threads;
        c.precision = precision;
        c.kinkPolicy = kinkPolicy;
        c.worst = worst;
        c.maxLocalised = maxLocalised;
        c.nondetTol = nondetTol;
        c.riddersStep = riddersStep;
        c.relativeStep = relativeStep;
        c.command = command;
        c.reproduce = reproduce;
        c.clock = clock;
        c.adaptive = adaptive;
        c.redraws = redraws;
        c.taylor = taylor;
        c.draws = draws;
        c.magnitudes = magnitudes;
        c.referenceEngine = referenceEngine;
        c.monitor = monitor;
        return c;
    }

    /** What watches the check's progress and may stop it early ({@link CheckMonitor#NONE} by default). */
    public CheckMonitor monitor() {
        return monitor;
    }

    /** With a monitor: progress per entry or projection, and a way to stop early with partial results. */
    public CheckOptions withMonitor(CheckMonitor m) {
        CheckOptions c = copy();
        c.monitor = java.util.Objects.requireNonNull(m, "monitor");
        return c;
    }

    public Mode mode() {
        return mode;
    }

    public CheckOptions withMode(Mode m) {
        CheckOptions c = copy();
        c.mode = java.util.Objects.requireNonNull(m, "mode");
        return c;
    }

    /**
     * The scheme: the one set, or {@link Scheme#RIDDERS} when the tolerance needs an error
     * estimate ({@link Tolerance#model()}, the float64 default) outside {@link Mode#FAST}, and
     * {@link Scheme#CENTRAL} otherwise.
     */
    public Scheme scheme() {
        if (scheme != null) {
            return scheme;
        }
        // FAST probes large inputs whole: its projections use the cheaper central difference,
        // whose two-step Richardson estimate still feeds the error-model tolerance
        return tolerance().needsEstimate() && mode != Mode.FAST ? Scheme.RIDDERS : Scheme.CENTRAL;
    }

    public CheckOptions withScheme(Scheme s) {
        CheckOptions c = copy();
        c.scheme = java.util.Objects.requireNonNull(s, "scheme");
        return c;
    }

    /**
     * The tolerance: the one set, or the default: {@link Tolerance#model()} in float64 (the
     * error-model tolerance), the precision's PyTorch-style tolerance in float32 (the analytic
     * side itself is only accurate to ~1e-7 there).
     */
    public Tolerance tolerance() {
        if (tolerance != null) {
            return tolerance;
        }
        return precision == Precision.FLOAT64 ? Tolerance.model() : precision.defaultTolerance();
    }

    public CheckOptions withTolerance(Tolerance t) {
        CheckOptions c = copy();
        c.tolerance = java.util.Objects.requireNonNull(t, "tolerance");
        return c;
    }

    /** The relative step: h = eps·max(1, |x|). The one set, or the precision's default for the scheme. */
    public double eps() {
        return Double.isNaN(eps) ? precision.defaultEps(scheme()) : eps;
    }

    public CheckOptions withEps(double e) {
        if (!(e > 0) || Double.isInfinite(e)) {
            throw new IllegalArgumentException("eps must be a positive finite number, got " + e);
        }
        CheckOptions c = copy();
        c.eps = e;
        return c;
    }

    /** The seed of every random choice (gradOutput, probes, samples, resampling, op inputs). */
    public long seed() {
        return seed;
    }

    public CheckOptions withSeed(long s) {
        CheckOptions c = copy();
        c.seed = s;
        return c;
    }

    /** Random projections per input in {@link Mode#FAST}. */
    public int probes() {
        return probes;
    }

    public CheckOptions withProbes(int k) {
        CheckOptions c = copy();
        c.probes = positive(k, "probes");
        return c;
    }

    /** Random entries per input in {@link Mode#SAMPLED}. */
    public int samples() {
        return samples;
    }

    public CheckOptions withSamples(int k) {
        CheckOptions c = copy();
        c.samples = positive(k, "samples");
        return c;
    }

    /** Threads of the numeric Jacobian; results are bit-identical for any value. */
    public int threads() {
        return threads;
    }

    public CheckOptions withThreads(int n) {
        CheckOptions c = copy();
        c.threads = positive(n, "threads");
        return c;
    }

    public Precision precision() {
        return precision;
    }

    public CheckOptions withPrecision(Precision p) {
        CheckOptions c = copy();
        c.precision = java.util.Objects.requireNonNull(p, "precision");
        return c;
    }

    public KinkPolicy kinkPolicy() {
        return kinkPolicy;
    }

    public CheckOptions withKinkPolicy(KinkPolicy k) {
        CheckOptions c = copy();
        c.kinkPolicy = java.util.Objects.requireNonNull(k, "kinkPolicy");
        return c;
    }

    /** How many worst entries each result lists. */
    public int worst() {
        return worst;
    }

    public CheckOptions withWorst(int k) {
        CheckOptions c = copy();
        c.worst = positive(k, "worst");
        return c;
    }

    /** The most wrong entries FAST mode localises per input. */
    public int maxLocalised() {
        return maxLocalised;
    }

    public CheckOptions withMaxLocalised(int k) {
        CheckOptions c = copy();
        c.maxLocalised = positive(k, "maxLocalised");
        return c;
    }

    /** The largest allowed difference between two backward runs (0: bit-identical). */
    public double nondetTol() {
        return nondetTol;
    }

    public CheckOptions withNondetTol(double t) {
        if (!(t >= 0)) {
            throw new IllegalArgumentException("nondetTol must be >= 0, got " + t);
        }
        CheckOptions c = copy();
        c.nondetTol = t;
        return c;
    }

    /** Ridders' initial relative step (the first step is riddersStep·max(1, |x|)). */
    public double riddersStep() {
        return riddersStep;
    }

    public CheckOptions withRiddersStep(double s) {
        if (!(s > 0)) {
            throw new IllegalArgumentException("riddersStep must be > 0, got " + s);
        }
        CheckOptions c = copy();
        c.riddersStep = s;
        return c;
    }

    /** True (default): h = eps·max(1, |x|); false: h = eps for every entry (PyTorch's choice). */
    public boolean relativeStep() {
        return relativeStep;
    }

    public CheckOptions withRelativeStep(boolean relative) {
        CheckOptions c = copy();
        c.relativeStep = relative;
        return c;
    }

    /** The step scale of an entry of value x: max(1, |x|), or 1 with absolute steps. */
    public double stepScale(double x) {
        return relativeStep ? Math.max(1, Math.abs(x)) : 1;
    }

    /** The {@code command} field of the JSON report ({@code check}, {@code ops}, …). */
    public String command() {
        return command;
    }

    public CheckOptions withCommand(String cmd) {
        CheckOptions c = copy();
        c.command = java.util.Objects.requireNonNull(cmd, "command");
        return c;
    }

    /**
     * The one-line reproduce hint template; {@code {name}} and {@code {seed}} are replaced. Null
     * gives a Java snippet; the CLI sets e.g. {@code "gradcheck ops --jar my.jar --op {name} --seed {seed}"}.
     */
    public String reproduce() {
        return reproduce;
    }

    public CheckOptions withReproduce(String template) {
        CheckOptions c = copy();
        c.reproduce = template;
        return c;
    }

    /** The clock (nanoseconds) that times {@code elapsed_ms}; inject a fixed one for golden files. */
    public LongSupplier clock() {
        return clock;
    }

    public CheckOptions withClock(LongSupplier nanos) {
        CheckOptions c = copy();
        c.clock = java.util.Objects.requireNonNull(nanos, "clock");
        return c;
    }

    /**
     * True (default): with {@link Scheme#RIDDERS} and an error-model tolerance, Ridders' initial
     * step shrinks tenfold (up to 4 times) until the error estimate settles, and entries whose
     * estimate never settles are re-measured at a re-drawn nearby point and finally reported as
     * {@code skipped} rather than pass or fail on noise. False: one Ridders tableau per entry.
     */
    public boolean adaptive() {
        return adaptive;
    }

    public CheckOptions withAdaptive(boolean a) {
        CheckOptions c = copy();
        c.adaptive = a;
        return c;
    }

    /** How many times the point is re-drawn nearby for entries whose estimate did not converge (default 2). */
    public int redraws() {
        return redraws;
    }

    public CheckOptions withRedraws(int k) {
        if (k < 0) {
            throw new IllegalArgumentException("redraws must be >= 0, got " + k);
        }
        CheckOptions c = copy();
        c.redraws = k;
        return c;
    }

    /**
     * Whether each input also gets the eps-free Taylor-remainder test, reported as
     * {@code taylor_slope} (≈ 2 for a right gradient, ≈ 1 for a wrong one): the value set, or by
     * default true in {@link Mode#FULL} and {@link Mode#SAMPLED} and false in {@link Mode#FAST}.
     * The test evaluates the function at 30 points per input; FAST mode needs two per projection,
     * and its random projections already test random directions, so there the test would cost
     * several times the check itself.
     */
    public boolean taylor() {
        return taylor != null ? taylor : mode != Mode.FAST;
    }

    public CheckOptions withTaylor(boolean t) {
        CheckOptions c = copy();
        c.taylor = t;
        return c;
    }

    /**
     * Seeded input draws per {@link CustomOp} in {@link CustomOpCheck} (default 3): draw k is
     * standard normal scaled by {@code magnitudes()[k % magnitudes().length]} (1, 10, 100), so
     * branches taken only for large inputs are exercised. A draw whose forward is not finite is
     * retried with |x| and otherwise skipped. 1 gives the single standard-normal point.
     */
    public int draws() {
        return draws;
    }

    public CheckOptions withDraws(int k) {
        CheckOptions c = copy();
        c.draws = positive(k, "draws");
        return c;
    }

    /** The typical |x| of the draws, in order (default 1, 10, 100). */
    public double[] magnitudes() {
        return magnitudes.clone();
    }

    public CheckOptions withMagnitudes(double... m) {
        if (m.length == 0) {
            throw new IllegalArgumentException("magnitudes must not be empty");
        }
        for (double v : m) {
            if (!(v > 0) || Double.isInfinite(v)) {
                throw new IllegalArgumentException("magnitudes must be positive and finite, got " + v);
            }
        }
        CheckOptions c = copy();
        c.magnitudes = m.clone();
        return c;
    }

    /**
     * Whether the check runs the engine's reference definitions alone (default false: the fast
     * paths installed over them, as {@code gradcheck-kernels} installs, run where they apply). The
     * fast paths give the reference's values bit for bit, or within a stated ulp bound (tanh), so a
     * report gives the same verdicts either way; the reference is slower.
     */
    public boolean referenceEngine() {
        return referenceEngine;
    }

    public CheckOptions withReferenceEngine(boolean reference) {
        CheckOptions c = copy();
        c.referenceEngine = reference;
        return c;
    }

    private static int positive(int k, String what) {
        if (k <= 0) {
            throw new IllegalArgumentException(what + " must be > 0, got " + k);
        }
        return k;
    }
}

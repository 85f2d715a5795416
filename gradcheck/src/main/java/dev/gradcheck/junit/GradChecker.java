package dev.gradcheck.junit;

import dev.gradcheck.CheckOptions;
import dev.gradcheck.CheckReport;
import dev.gradcheck.CheckResult;
import dev.gradcheck.CustomOp;
import dev.gradcheck.CustomOpCheck;
import dev.gradcheck.DifferentiableFunction;
import dev.gradcheck.EntryResult;
import dev.gradcheck.GradCheck;
import dev.gradcheck.Mode;
import dev.gradcheck.Status;
import dev.gradcheck.TimeLimits;
import dev.gradcheck.Tolerance;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.internal.NextStep;
import dev.gradcheck.internal.ToolkitFunction;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Function;
import java.util.function.Supplier;
import dev.gradcheck.report.Failures;

/**
 * A configured gradient checker for tests: {@link CheckOptions}, the seeds, the input shape sets
 * and a per-op timeout. Immutable; every {@code withX}-style method returns a copy. A
 * {@code GradChecker} parameter of a test method gets one configured from the method's
 * {@link GradientTest} or {@link GradCheckSettings}.
 *
 * <pre>{@code
 * GradChecker.defaults().seeds(0, 1, 2).shapes("[4, 8]", "[1, 3]").assertCorrect(new Swish());
 * }</pre>
 *
 * <p>Each function is checked once per seed and shape set, with seeded inputs drawn as
 * {@link CustomOpCheck#check(CustomOp, CheckOptions)} draws them (from each input's declared
 * {@link CustomOp#domain(int)}, at the options' magnitudes), each run on its own daemon thread
 * with a deadline: an op that does not return within the timeout is reported with status
 * {@code error} ("timed out after 2 s in forward (call 3) at …"), and checking goes on with the
 * next op. Exceptions and errors from user code, NaN, wrong sizes, input mutation and
 * nondeterminism are statuses with a message too, never an escaped exception.
 *
 * <p>Outside tests too: {@code gradcheck ops --jar} can run
 * {@code GradChecker.defaults().options(o).timeout(d).checkAll(ops)} for per-op timeouts and
 * statuses; a reproduce template set in the options ({@code --op {name} --seed {seed}}) is kept,
 * otherwise each check's reproduce line is a line of Java.
 *
 * <p>Defaults: {@link CheckOptions#defaults()} with one thread (third-party code need not be
 * thread-safe; ask for more with {@link #threads(int)}), seed 0, the op's own
 * {@link CustomOp#inputShapes()}, a timeout of 30 s per op, seed and shape set.
 */
public final class GradChecker {
    /** The default per-check timeout. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private final CheckOptions options;
    private final long[] seeds;
    private final List<int[][]> shapeSets;
    private final Duration timeout;

    private GradChecker(CheckOptions options, long[] seeds, List<int[][]> shapeSets, Duration timeout) {
        this.options = options;
        this.seeds = seeds;
        this.shapeSets = shapeSets;
        this.timeout = timeout;
    }

    /** The defaults: checker defaults on one thread, seed 0, the op's own shapes, 30 s per check. */
    public static GradChecker defaults() {
        return new GradChecker(CheckOptions.defaults().withThreads(1), new long[] {0}, List.of(), DEFAULT_TIMEOUT);
    }

    /** Replaces the options (taken as they are, threads included); the seeds stay as set here. */
    public GradChecker options(CheckOptions o) {
        return new GradChecker(Objects.requireNonNull(o, "options"), seeds, shapeSets, timeout);
    }

    public CheckOptions options() {
        return options;
    }

    public GradChecker mode(Mode m) {
        return options(options.withMode(m));
    }

    public GradChecker tolerance(Tolerance t) {
        return options(options.withTolerance(t));
    }

    public GradChecker threads(int n) {
        return options(options.withThreads(n));
    }

    /**
     * The typical |x| of the draws, one per draw in turn (e.g. {@code 1, 1e3, 1e6} to reach
     * branches taken only for large inputs; {@link CheckOptions#withMagnitudes}).
     */
    public GradChecker magnitudes(double... m) {
        return options(options.withMagnitudes(m));
    }

    /** Checks at each of these seeds (they choose the inputs, gradOutput, probes and samples). */
    public GradChecker seeds(long... s) {
        if (s.length == 0) {
            throw new IllegalArgumentException("seeds: give at least one seed");
        }
        return new GradChecker(options, s.clone(), shapeSets, timeout);
    }

    public GradChecker seed(long s) {
        return seeds(s);
    }

    /** The seeds, in order. */
    public long[] seeds() {
        return seeds.clone();
    }

    /**
     * Checks at each of these shape sets instead of the op's own {@link CustomOp#inputShapes()}.
     * Each string is one set, one shape per input: {@code "[4, 8]"}, {@code "[2, 3], [3]"},
     * {@code "[]"} for a 0-d input.
     *
     * @throws IllegalArgumentException quoting a string that is not a shape set
     */
    public GradChecker shapes(String... sets) {
        List<int[][]> l = new ArrayList<>();
        for (String s : sets) {
            l.add(ShapeSets.parse(s));
        }
        return new GradChecker(options, seeds, List.copyOf(l), timeout);
    }

    /** Checks at one shape set: one shape per input. */
    public GradChecker shapes(int[]... perInput) {
        for (int[] s : perInput) {
            for (int d : s) {
                if (d < 0) {
                    throw new IllegalArgumentException("shapes: negative dimension in " + Arrays.toString(s));
                }
            }
        }
        List<int[][]> one = new ArrayList<>();
        one.add(ShapeSets.copy(perInput));
        return new GradChecker(options, seeds, one, timeout);
    }

    /** The shape sets (empty: the op's own). */
    public List<int[][]> shapeSets() {
        List<int[][]> l = new ArrayList<>();
        for (int[][] s : shapeSets) {
            l.add(ShapeSets.copy(s));
        }
        return l;
    }

    /** The longest one check (one op at one seed and shape set) may take. */
    public GradChecker timeout(Duration d) {
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got " + d);
        }
        return new GradChecker(options, seeds, shapeSets, d);
    }

    public Duration timeout() {
        return timeout;
    }

    /**
     * Checks a {@link CustomOp} (or a plain {@link DifferentiableFunction}, named by its class, which
     * needs {@link #shapes}): one check per seed and shape set.
     */
    public CheckReport check(DifferentiableFunction f) {
        return checkAll(List.of(f));
    }

    /** Checks a function under a given name (the report's check name). */
    public CheckReport check(String name, DifferentiableFunction f) {
        long t0 = options.clock().getAsLong();
        List<CheckResult> checks = new ArrayList<>(checksOf(Objects.requireNonNull(name, "name"), f));
        return report(t0, checks);
    }

    /** Checks each function in turn; a failing, throwing or hanging one does not stop the next. */
    public CheckReport checkAll(List<? extends DifferentiableFunction> functions) {
        long t0 = options.clock().getAsLong();
        List<CheckResult> checks = new ArrayList<>();
        for (DifferentiableFunction f : functions) {
            checks.addAll(checksOf(null, f));
        }
        return report(t0, checks);
    }

    /** {@link #check(DifferentiableFunction)}, then fails unless every check passed. */
    public CheckReport assertCorrect(DifferentiableFunction f) {
        return assertPassed(check(f));
    }

    /** {@link #check(String, DifferentiableFunction)}, then fails unless every check passed. */
    public CheckReport assertCorrect(String name, DifferentiableFunction f) {
        return assertPassed(check(name, f));
    }

    /** {@link #checkAll(List)}, then fails unless every check passed (listing every op that did not). */
    public CheckReport assertAllCorrect(List<? extends DifferentiableFunction> functions) {
        return assertPassed(checkAll(functions));
    }

    private CheckReport report(long t0, List<CheckResult> checks) {
        double ms = (options.clock().getAsLong() - t0) / 1e6;
        return new CheckReport(options.command(), seeds[0], ms, checks);
    }

    private List<CheckResult> checksOf(String name, DifferentiableFunction f) {
        Objects.requireNonNull(f, "function");
        List<int[][]> sets = shapeSets.isEmpty() ? java.util.Collections.singletonList(null) : shapeSets;
        boolean label = seeds.length > 1 || sets.size() > 1;
        List<CheckResult> out = new ArrayList<>();
        for (int[][] set : sets) {
            for (long seed : seeds) {
                out.add(checkOne(f, name, seed, set, label));
            }
        }
        return out;
    }

    /**
     * One check of {@code f} at one seed and shape set (null: the op's own), on a daemon thread
     * with the deadline. {@code label}: name the result "op (seed s, shapes …)".
     */
    CheckResult checkOne(DifferentiableFunction f, String fixedName, long seed, int[][] set, boolean label) {
        String fallback = fixedName != null ? fixedName : defaultName(f);
        CheckOptions o = options.withSeed(seed);
        Tracker tracker = new Tracker();
        // written by the check's thread, read here after it finished or timed out
        AtomicReferenceArray<String> described = new AtomicReferenceArray<>(new String[] {fallback, null});
        Supplier<CheckResult.Builder> base = () -> base(described.get(0), o, f, fixedName, seed, set);
        CheckResult r = guarded(fallback, () -> described.get(0), tracker, f.getClass(), base, () -> {
            tracker.enter("name() or inputShapes()");
            String name;
            int[][] shapes;
            try {
                name = fixedName != null ? fixedName : f instanceof CustomOp ? ((CustomOp) f).name() : fallback;
                described.set(0, name == null ? fallback : name);
                shapes = set != null ? set : f instanceof CustomOp ? ((CustomOp) f).inputShapes() : null;
            } catch (Throwable e) {
                tracker.threw();
                throw e;
            } finally {
                tracker.exit();
            }
            if (shapes == null) {
                return base.get().status(Status.ERROR).error(f instanceof CustomOp
                        ? "inputShapes() returned null"
                        : "no input shapes: a plain DifferentiableFunction needs shapes(\"[…]\")", null).build();
            }
            described.set(1, ShapeSets.format(shapes));
            for (int[] s : shapes) {
                if (s == null || ShapeSets.size(s) < 0) {
                    return base.get().status(Status.ERROR).error("input shape "
                            + Arrays.toString(s) + " is " + (s == null ? "null" : "too large for a Java array"), null)
                            .build();
                }
            }
            TrackedOp op = TrackedOp.of(f, described.get(0), shapes, tracker);
            CheckResult checked = CustomOpCheck.check(op, o.withReproduce(reproduce(f, fixedName, seed, set)));
            // a user's whole function (not one CustomOp, not the toolkit's own): say what to check next
            return f instanceof CustomOp || f instanceof ToolkitFunction ? checked : NextStep.suggestFor(checked);
        });
        if (label) {
            String shapes = described.get(1);
            String tag = described.get(0) + " (seed " + seed + (shapes == null ? "" : ", shapes " + shapes) + ")";
            r = rename(r, tag);
        }
        return r;
    }

    /**
     * Runs {@code body} on a daemon thread with the deadline; a timeout, or an exception or error
     * escaping it, becomes a result with status {@code error} built on {@code base}.
     */
    private CheckResult guarded(String threadName, Supplier<String> opName, Tracker tracker, Class<?> userClass,
            Supplier<CheckResult.Builder> base, Callable<CheckResult> body) {
        TimeLimits.Outcome<CheckResult> out;
        Runnable done = UnderCheck.begin(opName, tracker); // names the op if its code ends the JVM
        // the call running at the deadline: asked for the threads to stop, before they are interrupted
        // (an op that returns when interrupted would otherwise be in a later call by the time we ask)
        AtomicReference<String> stageAtDeadline = new AtomicReference<>();
        try {
            out = TimeLimits.attempt("gradcheck-op-" + threadName, timeout, body, () -> {
                stageAtDeadline.compareAndSet(null, tracker.stage());
                return tracker.threadsInside();
            });
        } finally {
            done.run();
        }
        if (out.timedOut()) {
            String stage = stageAtDeadline.get() != null ? stageAtDeadline.get() : tracker.stage();
            String where = stage == null ? "" : " in " + stage;
            StackTraceElement line = FaultSite.userFrame(out.stackAtTimeout(), userClass);
            // as JUnit's assertTimeoutPreemptively: the cause holds the stack of the thread at the deadline
            TimeoutException stack = new TimeoutException((stage == null ? "the check" : stage)
                    + " did not return within " + format(timeout) + ": the stack of its thread at the deadline");
            stack.setStackTrace(out.stackAtTimeout());
            return base.get().status(Status.ERROR).error("timed out after " + format(timeout) + where
                    + (line == null ? "" : " at " + FaultSite.describe(line))
                    + ": an endless loop, or too slow for the timeout", stack).build();
        }
        if (out.thrown() != null) {
            Throwable e = out.thrown();
            String where = tracker.thrownIn() != null ? tracker.thrownIn() : "the check";
            String msg = e.getMessage();
            return base.get().status(Status.ERROR).error(where + " threw " + e.getClass().getSimpleName()
                    + (msg == null ? "" : ": " + msg), e).build();
        }
        if (out.interrupted()) {
            throw new IllegalStateException("interrupted while checking gradients");
        }
        return out.value();
    }

    /**
     * Checks an engine function (tensors in, one tensor out; the analytic side is the engine's
     * autograd) at the given point, once per seed (the seed chooses gradOutput, probes and
     * samples; the shape sets do not apply). One check per seed, named {@code name}, the
     * per-input results nested; int64 tensors are held constant.
     */
    public CheckReport check(String name, Function<Tensor[], Tensor> f, Tensor... at) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(f, "function");
        long t0 = options.clock().getAsLong();
        List<CheckResult> checks = new ArrayList<>();
        for (long seed : seeds) {
            CheckOptions o = options.withSeed(seed);
            Tracker tracker = new Tracker();
            AtomicLong calls = new AtomicLong();
            Function<Tensor[], Tensor> tracked = xs -> {
                tracker.enter("the function (call " + calls.incrementAndGet() + ")");
                try {
                    return f.apply(xs);
                } catch (Throwable e) {
                    tracker.threw();
                    throw e;
                } finally {
                    tracker.exit();
                }
            };
            String label = seeds.length > 1 ? name + " (seed " + seed + ")" : name;
            String reproduce = options.reproduce() != null
                    ? options.reproduce().replace("{name}", name).replace("{seed}", Long.toString(seed))
                    : "GradChecker.defaults().seed(" + seed + ").check(\"" + name + "\", f, x…)";
            checks.add(guarded(name, () -> name, tracker, f.getClass(),
                    () -> CheckResult.builder(label).seed(seed).mode(o.mode()).scheme(o.scheme())
                            .tolerance(o.tolerance()).reproduce(reproduce),
                    () -> CustomOpCheck.summarise(label,
                            GradCheck.of(tracked).at(at).options(o).check().checks(), o).toBuilder()
                            .reproduce(reproduce).build()));
        }
        return report(t0, checks);
    }

    /** {@link #check(String, Function, Tensor...)}, then fails unless every check passed. */
    public CheckReport assertCorrect(String name, Function<Tensor[], Tensor> f, Tensor... at) {
        return assertPassed(check(name, f, at));
    }

    /** One check of {@code f} at one seed and shape set (null: the op's own), as a report. */
    CheckReport checkAt(DifferentiableFunction f, String fixedName, long seed, int[][] set) {
        long t0 = options.clock().getAsLong();
        CheckResult r = checkOne(f, fixedName, seed, set, false);
        return new CheckReport(options.command(), seed, (options.clock().getAsLong() - t0) / 1e6, List.of(r));
    }

    private CheckResult.Builder base(String name, CheckOptions o, DifferentiableFunction f, String fixedName, long seed,
            int[][] set) {
        return CheckResult.builder(name).seed(seed).mode(o.mode()).scheme(o.scheme()).tolerance(o.tolerance())
                .reproduce(reproduce(f, fixedName, seed, set).replace("{name}", name).replace("{seed}", Long.toString(seed)));
    }

    private static String defaultName(DifferentiableFunction f) {
        Class<?> c = f.getClass();
        if (c.isSynthetic() || c.isAnonymousClass() || c.getSimpleName().contains("$$Lambda")) {
            return "function";
        }
        return c.getSimpleName();
    }

    static String format(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000) {
            return ms + " ms";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + " s";
        }
        return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
    }

    /**
     * One line of Java that reruns this check; or the options' reproduce template when one is set
     * (e.g. the CLI's {@code gradcheck ops --jar … --op {name} --seed {seed}}).
     */
    String reproduce(DifferentiableFunction f, String fixedName, long seed, int[][] set) {
        if (options.reproduce() != null) {
            return options.reproduce();
        }
        StringBuilder sb = new StringBuilder("GradChecker.defaults().seed(").append(seed).append(')');
        if (set != null) {
            sb.append(".shapes(\"").append(ShapeSets.format(set)).append("\")");
        }
        CheckOptions d = CheckOptions.defaults();
        if (options.mode() != d.mode()) {
            sb.append(".mode(Mode.").append(options.mode()).append(')');
        }
        Tolerance t = options.tolerance();
        Tolerance dt = d.tolerance();
        if (t.kind() != dt.kind() || t.atol() != dt.atol() || t.rtol() != dt.rtol() || t.safety() != dt.safety()) {
            sb.append(".tolerance(").append(t.kind() == Tolerance.Kind.PYTORCH
                    ? "Tolerance.pytorch(" + t.atol() + ", " + t.rtol() + ")"
                    : "Tolerance.model(" + t.safety() + ", " + t.rtol() + ", " + t.atol() + ")").append(')');
        }
        if (!Arrays.equals(options.magnitudes(), d.magnitudes())) {
            sb.append(".magnitudes(").append(Arrays.stream(options.magnitudes()).mapToObj(Double::toString)
                    .collect(java.util.stream.Collectors.joining(", "))).append(')');
        }
        // the default scheme and step depend on the mode and tolerance printed above
        CheckOptions implied = d.withMode(options.mode()).withTolerance(t);
        if (options.scheme() != implied.scheme() || options.eps() != implied.eps()
                || options.precision() != d.precision() || options.draws() != d.draws()) {
            sb.append(".options(/* scheme ").append(options.scheme()).append(", eps ").append(options.eps())
                    .append(", ").append(options.precision())
                    .append(options.draws() != d.draws() ? ", draws " + options.draws() : "").append(" */)");
        }
        sb.append(".assertCorrect(").append(fixedName == null ? "" : "\"" + fixedName + "\", ").append(construct(f))
                .append(')');
        return sb.toString();
    }

    private static String construct(DifferentiableFunction f) {
        Class<?> c = f.getClass();
        try {
            if (Modifier.isPublic(c.getModifiers()) && c.getCanonicalName() != null
                    && Modifier.isPublic(c.getConstructor().getModifiers())) {
                return "new " + c.getCanonicalName() + "()";
            }
        } catch (NoSuchMethodException e) {
            // no public no-arg constructor: name the class instead
        }
        return "op /* " + c.getName() + " */";
    }

    private static CheckResult rename(CheckResult r, String name) {
        return r.toBuilder().name(name).build();
    }

    /**
     * Throws opentest4j's {@code AssertionFailedError} unless the report passed ({@link Failures}):
     * expected = the worst entry's numeric value, actual = its analytic value (when there is one),
     * the message a header naming the failing checks and at most 30 lines of the report (diagnoses,
     * worst entries, seed, reproduce lines, the saved full report's path), the cause the user code's
     * exception (when one was thrown), gradcheck's frames trimmed from the trace.
     */
    static CheckReport assertPassed(CheckReport report) {
        return assertPassed(report, null);
    }

    /** As {@link #assertPassed(CheckReport)}, with {@code header} (when not null) as the message's first line. */
    static CheckReport assertPassed(CheckReport report, String header, StackTraceElement... leading) {
        if (report.passed()) {
            return report;
        }
        throw Failures.of(report, header, leading);
    }

    @Override
    public String toString() {
        return "GradChecker[seeds " + Arrays.toString(seeds) + ", shapes "
                + (shapeSets.isEmpty() ? "the op's own" : shapeSets.stream().map(ShapeSets::format)
                        .map(s -> "\"" + s + "\"").reduce((a, b) -> a + " " + b).orElse(""))
                + ", mode " + options.mode() + ", tolerance " + options.tolerance() + ", threads " + options.threads()
                + ", timeout " + format(timeout) + "]";
    }
}

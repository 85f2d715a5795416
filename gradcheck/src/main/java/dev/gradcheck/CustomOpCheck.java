package dev.gradcheck;

import dev.gradcheck.internal.CheckScope;
import dev.gradcheck.internal.Checker;
import dev.gradcheck.internal.ForwardCheck;
import dev.gradcheck.internal.ForwardWording;
import dev.gradcheck.internal.Magnitudes;
import dev.gradcheck.internal.UserCodeException;
import dev.gradcheck.internal.diagnosis.Diagnosis;
import dev.gradcheck.internal.diagnosis.Evidence;
import dev.gradcheck.internal.diagnosis.Findings;
import dev.gradcheck.model.Limits;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.function.Predicate;

/**
 * Checks a list of {@link CustomOp}s, each at its {@link CustomOp#inputShapes()} with seeded
 * standard-normal inputs ({@link CheckOptions#draws()} draws, by default 3 at magnitudes 1, 10
 * and 100, so branches for large inputs run; a draw outside the op's domain is retried with |x|
 * and otherwise skipped), into one report with one check per op (named by {@code name()}, its
 * per-input results nested under {@code inputs}); and discovers ops with {@link ServiceLoader}.
 * An op that throws (an {@link OutOfMemoryError} too, e.g. "Requested array size exceeds VM
 * limit"), whose input shapes are absurd (negative, or over the element limits of {@link Limits})
 * or empty, that sets the interrupt flag of its thread or whose code checks the op again
 * ({@link WatchedOp}, {@link UserCodeVerdict}) is reported with status {@code error} and checking
 * goes on with the next. An op
 * that also implements {@link ForwardDifferentiable} has its forward rule checked at the same draws
 * (its tangents and the adjoint identity with its backward), the verdict in {@link CheckResult#jvp()}.
 *
 * <pre>{@code
 * CheckReport r = CustomOpCheck.run(CustomOpCheck.discover(Path.of("my-ops.jar")),
 *         CheckOptions.defaults().withCommand("ops"));
 * }</pre>
 */
public final class CustomOpCheck {
    private CustomOpCheck() {
    }

    /** Checks every op; one check per op, in the given order; input shapes within {@link Limits#DEFAULT}. */
    public static CheckReport run(List<? extends CustomOp> ops, CheckOptions options) {
        return run(ops, options, Limits.DEFAULT);
    }

    /**
     * Checks every op; one check per op, in the given order; an op whose {@code inputShapes()}
     * break {@code limits} (see {@link #check(CustomOp, CheckOptions, Limits)}) is an {@code error}.
     */
    public static CheckReport run(List<? extends CustomOp> ops, CheckOptions options, Limits limits) {
        long t0 = options.clock().getAsLong();
        List<CheckResult> checks = new ArrayList<>();
        for (CustomOp op : ops) {
            checks.add(check(op, options, limits));
        }
        double ms = (options.clock().getAsLong() - t0) / 1e6;
        return new CheckReport(options.command(), options.seed(), ms, checks);
    }

    /** Checks one op into an op-level result with nested per-input results; input shapes within {@link Limits#DEFAULT}. */
    public static CheckResult check(CustomOp op, CheckOptions options) {
        return check(op, options, Limits.DEFAULT);
    }

    /**
     * Checks one op into an op-level result with nested per-input results. Its
     * {@code inputShapes()} are validated before any input is allocated: a null shape, a negative
     * dimension, more than 32 dimensions, more than {@link Limits#maxElementsPerTensor()} elements
     * in one input or more than {@link Limits#maxElementsPerModel()} over all inputs makes the
     * result {@code error}, its message naming the op, the input, the shape and the limit.
     */
    public static CheckResult check(CustomOp op, CheckOptions options, Limits limits) {
        WatchedOp watched = WatchedOp.of(op);
        String name = nameOf(watched, op);
        CheckResult.Builder b = CheckResult.builder(name).seed(options.seed()).mode(options.mode())
                .scheme(options.scheme()).tolerance(options.tolerance());
        String template = options.reproduce() != null ? options.reproduce()
                : "CustomOpCheck.run(List.of(op), CheckOptions.defaults().withSeed({seed})) // op '{name}' ("
                        + op.getClass().getName() + ")";
        String reproduce = template.replace("{name}", name).replace("{seed}", Long.toString(options.seed()));
        b.reproduce(reproduce);
        CheckScope.Frame frame = CheckScope.enter(op, name);
        if (frame == null) {
            // the op's own code asked for this check: running it would call that code again, without end
            return b.status(Status.ERROR).error("op '" + name + "' is already being checked on this thread: its own"
                    + " code called the checker on it (not checked again)", null).build();
        }
        try {
            CheckResult r = check(watched, name, b, reproduce, options, limits);
            return UserCodeVerdict.of(r, name, frame.reentered(), watched.interruptedIn());
        } catch (OutOfMemoryError e) {
            // the op's own allocation (a huge array), or one its shapes asked of the checker: this
            // op's error; what the check held is garbage once unwound, so the next op can be checked
            String stage = watched.stageOf(e);
            return CheckResult.builder(name).seed(options.seed()).mode(options.mode()).scheme(options.scheme())
                    .tolerance(options.tolerance()).reproduce(reproduce).status(Status.ERROR)
                    .error(UserCodeException.describe(stage != null ? stage : "the check", e), e).build();
        } finally {
            CheckScope.exit(frame);
        }
    }

    /** The op's {@code name()}, or its class's name when name() throws or returns null. */
    private static String nameOf(WatchedOp watched, CustomOp op) {
        try {
            String name = watched.name();
            if (name != null) {
                return name;
            }
        } catch (Throwable e) {
            UserCodeException.rethrowIfJvmFailure(e);
        }
        return op.getClass().getName();
    }

    /** The check proper of the (watched) op, into {@code b}. */
    private static CheckResult check(WatchedOp op, String name, CheckResult.Builder b, String reproduce,
            CheckOptions options, Limits limits) {
        int[][] shapes;
        try {
            shapes = op.inputShapes();
        } catch (Throwable e) {
            UserCodeException.rethrowIfJvmFailure(e);
            return b.status(Status.ERROR).error(UserCodeException.describe("inputShapes()", e), e).build();
        }
        try {
            // before anything is allocated for them: an absurd shape is this op's error, not an OutOfMemoryError
            shapes = OpInputShapes.validate(name, shapes, limits);
        } catch (IllegalArgumentException e) {
            return b.status(Status.ERROR).error(e.getMessage(), null).build();
        }
        String[] names = new String[shapes.length];
        for (int i = 0; i < shapes.length; i++) {
            names[i] = "input" + i;
        }
        CheckOptions inner = options.withReproduce(reproduce);
        OpDraws draws = new OpDraws(op, name, shapes, OpDraws.domainsOf(op, shapes.length), options.seed());
        Map<String, List<Evidence>> evidence = new LinkedHashMap<>();
        ForwardDifferentiable rule = op.hasRule() ? op : null;
        boolean[] tangents = new boolean[shapes.length];
        for (int i = 0; i < shapes.length; i++) {
            tangents[i] = !draws.domain(i).isInteger();
        }
        List<CheckResult> forward = new ArrayList<>();
        Map<String, List<Evidence>> forwardEvidence = new LinkedHashMap<>();
        if (options.draws() == 1) {
            OpDraws.Point p = draws.draw(0, 1);
            if (rule != null) {
                forward.addAll(checkForwardRule(rule, p.x, shapes, names, tangents, inner, forwardEvidence,
                        new Draw(1, new LinkedHashMap<>())));
            }
            return withForwardRule(aggregate(b, withNote(checkAt(op, p.x, shapes, names, inner, draws, evidence,
                    new Draw(1, new LinkedHashMap<>())),
                    p.outside != null ? p.outside.replace("draw skipped", "checked anyway") : p.note), evidence)
                    .build(), forward, forwardEvidence, options);
        }
        double[] mags = options.magnitudes();
        Map<String, Double> variesAt = new LinkedHashMap<>();
        List<CheckResult> all = new ArrayList<>();
        double[][] first = null;
        int checked = 0;
        boolean stopped = false;
        for (int k = 0; k < options.draws(); k++) {
            if (options.monitor().stopRequested()) {
                // --timeout or Ctrl-C: the draws checked so far are the result, the rest say so
                all.add(notChecked(k, options));
                stopped = true;
                break;
            }
            double mag = mags[k % mags.length];
            OpDraws.Point p = draws.draw(k, mag);
            if (k == 0) {
                first = p.x;
            }
            if (p.outside != null) {
                all.add(CheckResult.builder("draw " + k).status(Status.SKIPPED).seed(options.seed())
                        .mode(options.mode()).scheme(options.scheme()).tolerance(options.tolerance())
                        .error(p.outside, null).draw(k, mag).build());
                continue;
            }
            checked++;
            for (CheckResult r : checkAt(op, p.x, shapes, names, inner, draws, evidence, new Draw(mag, variesAt))) {
                all.add(r.toBuilder().draw(k, mag).addNote(p.note).build());
            }
            if (rule != null) {
                for (CheckResult r : checkForwardRule(rule, p.x, shapes, names, tangents, inner, forwardEvidence,
                        new Draw(mag, variesAt))) {
                    forward.add(r.toBuilder().draw(k, mag).build());
                }
            }
        }
        if (checked == 0 && !stopped) {
            // no draw is inside the domain: check the first so its error is reported as usual
            for (CheckResult r : checkAt(op, first, shapes, names, inner, draws, evidence,
                    new Draw(mags[0], new LinkedHashMap<>()))) {
                all.add(r.toBuilder().draw(0, mags[0]).build());
            }
        }
        return withForwardRule(aggregate(b, all, evidence).build(), forward, forwardEvidence, options);
    }

    /**
     * The draws from {@code k} on, left out because the check was asked to stop: one skipped
     * result naming them ({@code draws 2-9}), so a cut check reports the draws it did.
     */
    static CheckResult notChecked(int k, CheckOptions options) {
        int last = options.draws() - 1;
        return CheckResult.builder(k == last ? "draw " + k : "draws " + k + "-" + last).status(Status.SKIPPED)
                .seed(options.seed()).mode(options.mode()).scheme(options.scheme()).tolerance(options.tolerance())
                .error("not checked: the check was stopped before " + (k == last ? "this draw"
                        : "these " + (last - k + 1) + " draws"), null).build();
    }

    /** The forward rule's results at one point; each tangent's evidence is added to {@code evidence}, by name. */
    private static List<CheckResult> checkForwardRule(ForwardDifferentiable rule, double[][] x, int[][] shapes,
            String[] names, boolean[] tangents, CheckOptions o, Map<String, List<Evidence>> evidence, Draw draw) {
        ForwardCheck.Checked c = ForwardCheck.checkKeepingEvidence(rule, x, shapes, names, tangents, null, o);
        List<CheckResult> out = new ArrayList<>();
        for (CheckResult r : c.results()) {
            Evidence e = c.evidence().get(r.name());
            if (e != null) {
                evidence.computeIfAbsent(r.name(), k -> new ArrayList<>()).add(e);
                r = draw.saturated(r, e, r.name().substring(ForwardCheck.PREFIX.length()));
            }
            out.add(r);
        }
        return out;
    }

    /**
     * One draw's magnitude, and the smallest magnitude at which each input's (or tangent's) numeric
     * derivative was seen to vary at earlier draws: a function flat at every entry here but varying
     * there is saturated here, not piecewise constant.
     */
    private record Draw(double magnitude, Map<String, Double> variesAt) {
        /**
         * {@code r} with "the forward is flat here (saturated …)" for "piecewise constant" when its
         * input varied at a smaller magnitude; records where {@code e} shows it varies.
         *
         * @param tangent the input whose tangent r is (its diagnosis worded for the forward rule), or null
         */
        CheckResult saturated(CheckResult r, Evidence e, String tangent) {
            Double smaller = variesAt.get(r.name());
            if (e.varies()) {
                variesAt.merge(r.name(), magnitude, Math::min);
            }
            List<String> piecewise = tangent == null ? List.of(Findings.PIECEWISE_CONSTANT)
                    : List.of(ForwardWording.KIND, Findings.PIECEWISE_CONSTANT);
            if (!r.findings().equals(piecewise) || smaller == null || !(smaller < magnitude)) {
                return r;
            }
            Diagnosis d = Findings.saturated(e, Magnitudes.text(magnitude), Magnitudes.text(smaller));
            if (d == null) {
                return r;
            }
            d = tangent == null ? d : ForwardWording.tangent(d, tangent);
            return r.toBuilder().diagnosis(d.text()).findings(d.kinds()).build();
        }

    }

    /** The op's forward rule: its own {@link ForwardDifferentiable#jvp}, under the guard's limit when guarded; or null. */
    static ForwardDifferentiable forwardRule(CustomOp op) {
        if (op instanceof GuardedOp g) {
            return g.forwardRule();
        }
        return op instanceof ForwardDifferentiable f ? f : null;
    }

    /**
     * The op's result with the forward rule's verdict beside the backward's ({@link CheckResult#jvp()}):
     * the worse status of the two, and the forward rule's diagnosis (or error) after the backward's.
     */
    static CheckResult withForwardRule(CheckResult vjp, List<CheckResult> forward,
            Map<String, List<Evidence>> evidence, CheckOptions options) {
        if (forward.isEmpty()) {
            return vjp;
        }
        CheckResult jvp = forwardSummary(forward, evidence, options);
        CheckResult.Builder b = vjp.toBuilder().jvp(jvp).status(Status.worse(vjp.status(), jvp.status()));
        if (jvp.passed()) {
            return b.build();
        }
        if (jvp.status() == Status.ERROR && jvp.diagnosis() == null) {
            // the rule did not run: an error, said once
            return vjp.error() != null ? b.build()
                    : b.error("the forward rule (jvp): " + jvp.error(), jvp.cause()).build();
        }
        String said = jvp.diagnosis() != null ? jvp.diagnosis() : "the forward rule (jvp): " + jvp.error();
        List<String> kinds = new ArrayList<>(vjp.passed() ? List.of() : vjp.findings());
        for (String k : jvp.findings().isEmpty() ? List.of(ForwardWording.KIND) : jvp.findings()) {
            if (!kinds.contains(k)) {
                kinds.add(k);
            }
        }
        b.diagnosis(vjp.passed() || vjp.diagnosis() == null ? said : vjp.diagnosis() + "; " + said);
        if (jvp.status() == Status.ERROR && vjp.error() == null) {
            b.error("the forward rule (jvp): " + jvp.error(), jvp.cause());
        }
        return b.findings(kinds).build();
    }

    /**
     * The forward rule's verdict over every draw's tangents and adjoint identity, named {@code jvp};
     * its diagnosis pools each aligned tangent's {@code evidence} over the draws.
     */
    private static CheckResult forwardSummary(List<CheckResult> forward, Map<String, List<Evidence>> evidence,
            CheckOptions options) {
        // the figures are the tangents' (the adjoint identity's one "entry" is a sum, not an output entry)
        Nested n = Nested.of(forward, r -> !r.name().equals(ForwardCheck.ADJOINT));
        CheckResult worst = n.worst();
        CheckResult.Builder b = n.applyTo(CheckResult.builder("jvp").seed(options.seed()).mode(options.mode())
                .scheme(options.scheme()).tolerance(options.tolerance())).inputs(forward).worst(worst.worst());
        Diagnosis d = ForwardWording.summary(forward, evidence);
        if (d != null) {
            b.diagnosis(d.text()).findings(d.kinds());
        }
        if (worst.error() != null) {
            b.error(worst.name() + (worst.draw() > 0 ? " (draw " + worst.draw() + ")" : "") + ": " + worst.error(),
                    worst.cause());
        }
        return b.build();
    }

    /**
     * The checker's results at one point; inputs with an integer domain are passed to the op as
     * they are and never perturbed (an index moved by a step is no index), their results skipped.
     * Each other input's evidence is added to {@code evidence}, by name, for the diagnosis over draws.
     */
    private static List<CheckResult> checkAt(CustomOp op, double[][] x, int[][] shapes, String[] names,
            CheckOptions o, OpDraws draws, Map<String, List<Evidence>> evidence, Draw draw) {
        String[] integer = new String[shapes.length];
        for (int i = 0; i < shapes.length; i++) {
            Domain d = draws.domain(i);
            if (d.isInteger()) {
                integer[i] = "input '" + names[i] + "' takes integer values (" + d + "): not differentiable"
                        + " (integer domain), never perturbed";
            }
        }
        List<CheckResult> out = new ArrayList<>();
        Checker.Checked c = Checker.checkKeepingEvidence(op, x, shapes, names, integer, o);
        List<CheckResult> checked = c.results();
        for (int i = 0; i < checked.size(); i++) {
            CheckResult r = checked.get(i);
            if (integer[i] == null && c.evidence().get(i) != null) {
                evidence.computeIfAbsent(r.name(), k -> new ArrayList<>()).add(c.evidence().get(i));
                r = draw.saturated(r, c.evidence().get(i), null);
            }
            out.add(r);
        }
        return out;
    }

    private static List<CheckResult> withNote(List<CheckResult> results, String note) {
        List<CheckResult> out = new ArrayList<>();
        for (CheckResult r : results) {
            out.add(note == null ? r : r.toBuilder().addNote(note).build());
        }
        return out;
    }

    /**
     * An op-level result summarising per-input (or per-draw) results nested under it, as the
     * {@code ops} report wants: the worst status, the largest errors, the worst input's entries
     * and its diagnosis prefixed with its name. For callers that check ops another way (e.g.
     * registry ops through {@link GradCheck#of(java.util.function.Function)}).
     */
    public static CheckResult summarise(String name, List<CheckResult> inputs, CheckOptions options) {
        CheckResult.Builder b = CheckResult.builder(name).seed(options.seed()).mode(options.mode())
                .scheme(options.scheme()).tolerance(options.tolerance());
        if (options.reproduce() != null) {
            b.reproduce(options.reproduce().replace("{name}", name).replace("{seed}", Long.toString(options.seed())));
        }
        return aggregate(b, inputs, Map.of()).build();
    }

    /**
     * The op-level summary of per-input results: the worst status, largest errors, the worst input's
     * entries, and the diagnosis of its inputs and draws ({@link OpSummary}).
     */
    static CheckResult.Builder aggregate(CheckResult.Builder b, List<CheckResult> inputs,
            Map<String, List<Evidence>> evidence) {
        Nested n = Nested.of(inputs, r -> true);
        CheckResult worst = n.worst();
        n.applyTo(b).inputs(inputs);
        if (inputs.isEmpty()) {
            // nothing checked is no pass
            b.status(Status.ERROR).error("the shape set has no inputs: nothing to check", null);
        } else if (worst != null) {
            b.worst(worst.worst());
            OpSummary.apply(b, inputs, n.status(), evidence);
            if (worst.error() != null) {
                b.error(OpSummary.who(worst) + ": " + worst.error(), worst.cause());
            }
        }
        return b;
    }

    /**
     * What an op's nested results add up to: the worst status (skipped when there are none), the
     * first result with it, and the largest errors (NaN when one is) and the entries of the results
     * that {@code count}. An input none of whose entries was judged is an error that yields to a
     * failure or an error elsewhere (say at another draw): that one says what is wrong.
     */
    private record Nested(Status status, CheckResult worst, double maxAbs, double maxRel, long entries) {
        static Nested of(List<CheckResult> results, Predicate<CheckResult> count) {
            Status status = Status.SKIPPED;
            boolean unjudged = false;
            for (CheckResult r : results) {
                if (noneJudged(r)) {
                    unjudged = true;
                } else {
                    status = Status.worse(status, r.status());
                }
            }
            boolean fromUnjudged = unjudged && status.passed();
            if (fromUnjudged) {
                status = Status.ERROR;
            }
            CheckResult worst = null;
            double maxAbs = 0;
            double maxRel = 0;
            long entries = 0;
            for (CheckResult r : results) {
                if (worst == null && r.status() == status && noneJudged(r) == fromUnjudged) {
                    worst = r;
                }
                if (count.test(r)) {
                    maxAbs = Math.max(maxAbs, r.maxAbsError()); // Math.max keeps a NaN
                    maxRel = Math.max(maxRel, r.maxRelError());
                    entries += r.entriesChecked();
                }
            }
            return new Nested(status, worst, maxAbs, maxRel, entries);
        }

        /** An error only because no entry could be judged (its entries all skipped). */
        private static boolean noneJudged(CheckResult r) {
            return r.status() == Status.ERROR && r.entriesSkipped() > 0 && r.entriesChecked() == 0;
        }

        CheckResult.Builder applyTo(CheckResult.Builder b) {
            return b.status(status).maxAbsError(maxAbs).maxRelError(maxRel).entriesChecked(entries);
        }
    }

    /** Every {@link CustomOp} registered under {@code META-INF/services/dev.gradcheck.CustomOp} visible to {@code loader}. */
    public static List<CustomOp> discover(ClassLoader loader) {
        List<CustomOp> ops = new ArrayList<>();
        Iterator<CustomOp> it = ServiceLoader.load(CustomOp.class, loader).iterator();
        while (true) {
            try {
                if (!it.hasNext()) {
                    break;
                }
                ops.add(it.next());
            } catch (ServiceConfigurationError e) {
                throw new IllegalArgumentException("cannot load a CustomOp: " + e.getMessage(), e);
            }
        }
        return ops;
    }

    /**
     * The {@link CustomOp}s a jar registers (its own services file only, not those of the
     * classpath), loaded in a class loader whose parent sees this library.
     *
     * @throws IllegalArgumentException naming the jar when it is missing, unreadable or a provider fails to load
     */
    public static List<CustomOp> discover(Path jar) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalArgumentException(jar + ": no such jar file");
        }
        URL url;
        try {
            url = jar.toUri().toURL();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException(jar + ": " + e.getMessage(), e);
        }
        // not closed: the ops load further classes lazily while they are checked
        URLClassLoader loader = new URLClassLoader(new URL[] {url}, CustomOp.class.getClassLoader());
        try {
            List<CustomOp> all = discover(loader);
            List<CustomOp> own = new ArrayList<>();
            for (CustomOp op : all) {
                if (op.getClass().getClassLoader() == loader) {
                    own.add(op);
                }
            }
            return own;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(jar + ": " + e.getMessage(), e.getCause());
        }
    }
}

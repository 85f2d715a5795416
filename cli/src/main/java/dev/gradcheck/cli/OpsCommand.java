package dev.gradcheck.cli;

import dev.gradcheck.CheckOptions;
import dev.gradcheck.CheckReport;
import dev.gradcheck.CheckResult;
import dev.gradcheck.CustomOp;
import dev.gradcheck.CustomOpCheck;
import dev.gradcheck.Status;
import dev.gradcheck.TimeLimits;
import dev.gradcheck.cli.ops.RegistryOpCheck;
import dev.gradcheck.engine.op.OpDef;
import dev.gradcheck.engine.op.OpRegistry;
import dev.gradcheck.engine.op.UnknownOpException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code gradcheck ops}. */
@Command(name = "ops", mixinStandardHelpOptions = true,
        header = "Fuzz registered ops, or the CustomOps of jars, against numeric gradients.",
        description = {"Fuzzes ops against numeric gradients: every registered op (or those named with --op) at several seeds, or, with --jar, the CustomOps found in those jars (META-INF/services/dev.gradcheck.CustomOp)."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:passed", "1:a check failed", "2:usage error", "3:invalid model or data file"},
        footerHeading = "%nExamples:%n",
        footer = {
            "  gradcheck ops",
            "  gradcheck ops --op tanh --op matmul --draws 10",
            "  gradcheck ops --jar target/my-ops.jar --format json"
        })
public final class OpsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ParentCommand
    Main main;

    @Mixin
    CheckMixin check;

    @Mixin
    OutputMixin output;

    @Mixin
    TimeoutMixin timeout;

    @Option(names = "--op-timeout", paramLabel = "MS", defaultValue = "60000",
            description = "Give up on one op after MS milliseconds (status error, 'timed out'), then go on with the "
                    + "next; 0 = no limit (default: ${DEFAULT-VALUE}).")
    long opTimeoutMs;

    @Option(names = "--op", paramLabel = "NAME",
            description = "Check only this op (a registry name, or a CustomOp's name() with --jar); repeatable.")
    List<String> opNames = new ArrayList<>();

    @Option(names = "--jar", paramLabel = "FILE",
            description = "Check the CustomOps this jar registers in META-INF/services/dev.gradcheck.CustomOp "
                    + "instead of the registry; repeatable.")
    List<Path> jars = new ArrayList<>();

    @Option(names = "--draws", paramLabel = "N", defaultValue = "3",
            description = "Registry ops: random draws per op and magnitude, at seeds SEED, SEED+1, ... (default: ${DEFAULT-VALUE}).")
    int draws;

    @Option(names = "--magnitudes", paramLabel = "M", split = ",", defaultValue = "1",
            description = "Registry ops: typical |value| of the drawn inputs, e.g. 1,10,100 to reach branches for large inputs "
                    + "(default: ${DEFAULT-VALUE}).")
    double[] magnitudes;

    @Option(names = "--list", description = "List the registered ops (name, inputs, attributes) and exit.")
    boolean list;

    @Override
    public Integer call() {
        return CommandRunner.run(spec, output.debug(), () -> {
            output.ensureWritable();
            return ops();
        });
    }

    private int ops() {
        if (list) {
            return list();
        }
        if (draws < 1) {
            throw new UsageException("--draws must be at least 1, got " + draws);
        }
        for (double m : magnitudes) {
            if (!(m > 0) || Double.isInfinite(m)) {
                throw new UsageException("--magnitudes must be positive and finite, got " + m);
            }
        }
        long seed = check.seed(0);
        CheckOptions options = check.toOptions(seed, "ops", null);
        Terminal terminal = Main.terminal(main);
        boolean progress = output.progress(terminal);
        if (opTimeoutMs < 0) {
            throw new UsageException("--op-timeout must be 0 (no limit) or more milliseconds, got " + opTimeoutMs);
        }
        long t0 = System.nanoTime();
        PartialRun.Outcome outcome;
        RunFacts facts = new RunFacts();
        try (RunStop stop = RunStop.start(timeout.timeoutMs())) {
            CheckOptions watched = options.withMonitor(stop);
            if (jars.isEmpty()) {
                List<OpDef> ops = registryOps();
                try (ProgressBar bar = new ProgressBar(spec.commandLine().getErr(), progress, ops.size())) {
                    outcome = PartialRun.run(ops, stop, op -> List.of(op.name()), op -> {
                        String reproduce = "gradcheck ops --op " + op.name() + " --seed " + seed + " --draws " + draws
                                + magnitudeFlag() + check.reproduceFlags();
                        return List.of(guarded(op.name(), seed,
                                () -> RegistryOpCheck.check(op, watched.withReproduce(reproduce), draws, magnitudes)));
                    }, bar, seed);
                }
            } else {
                List<NamedOp> ops = customOps();
                try (ProgressBar bar = new ProgressBar(spec.commandLine().getErr(), progress, ops.size())) {
                    String reproduce = "gradcheck ops " + jarFlags() + " --op {name} --seed {seed}" + check.reproduceFlags();
                    outcome = PartialRun.run(ops, stop, op -> List.of(op.name()), op -> List.of(guarded(op.name(), seed,
                            () -> CustomOpCheck.check(op.op(), watched.withReproduce(reproduce)))), bar, seed);
                }
            }
            facts.reason = stop.reason();
            facts.phase = stop.cutPhase();
            facts.summary = outcome.incomplete();
        }
        facts.threads = check.threads();
        List<CheckResult> results = outcome.results();
        CheckReport report = new CheckReport("ops", seed, (System.nanoTime() - t0) / 1e6, results);
        return Reports.emit(spec, output, terminal, null, report, facts);
    }

    private List<OpDef> registryOps() {
        if (opNames.isEmpty()) {
            return OpRegistry.publicOps();
        }
        List<OpDef> ops = new ArrayList<>();
        for (String n : new LinkedHashSet<>(opNames)) {
            try {
                ops.add(OpRegistry.get(n));
            } catch (UnknownOpException e) {
                throw new UsageException("--op: " + e.getMessage() + " ('gradcheck ops --list' lists them)");
            }
        }
        return ops;
    }

    /** A user's op with its name, read once under the per-op limit. */
    private record NamedOp(String name, CustomOp op) {
    }

    /**
     * One op's check under {@code --op-timeout}: a hang, or an exception or error escaping the
     * checker (user code can throw anything), becomes this op's {@code error} result and the run
     * goes on with the next op.
     */
    private CheckResult guarded(String name, long seed, java.util.concurrent.Callable<CheckResult> body) {
        String why;
        Throwable cause = null;
        try {
            return TimeLimits.call("op '" + name + "'", opTimeoutMs, body);
        } catch (TimeLimits.TimedOutException e) {
            why = e.getMessage() + " (--op-timeout; an endless loop?)";
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError | AssertionError | LinkageError e) {
            why = "the check threw " + e;
            cause = e;
        }
        return CheckResult.builder(name).status(Status.ERROR).seed(seed).error(why, cause).build();
    }

    private List<NamedOp> customOps() {
        List<CustomOp> all = new ArrayList<>();
        for (Path jar : jars) {
            List<CustomOp> found;
            try {
                // the ops' constructors and static initialisers are user code too
                found = TimeLimits.call("loading the CustomOps of " + jar, opTimeoutMs, () -> CustomOpCheck.discover(jar));
            } catch (IllegalArgumentException e) {
                String msg = e.getMessage();
                String prefix = jar + ": ";
                throw new InvalidInputException(jar, msg.startsWith(prefix) ? msg.substring(prefix.length()) : msg, e);
            } catch (TimeLimits.TimedOutException e) {
                throw new InvalidInputException(jar, "creating its CustomOps timed out after " + e.timeoutMs()
                        + " ms (a constructor or static initialiser that never returns?)", e);
            } catch (RuntimeException | LinkageError | StackOverflowError e) {
                throw new InvalidInputException(jar, "creating its CustomOps threw " + e, e);
            }
            if (found.isEmpty()) {
                throw new InvalidInputException(jar, "registers no CustomOp (it needs a file "
                        + "META-INF/services/dev.gradcheck.CustomOp listing the op classes, one per line)");
            }
            all.addAll(found);
        }
        List<NamedOp> named = new ArrayList<>();
        for (CustomOp op : all) {
            named.add(new NamedOp(safeName(op), op));
        }
        if (opNames.isEmpty()) {
            return named;
        }
        Set<String> wanted = new LinkedHashSet<>(opNames);
        List<NamedOp> chosen = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (NamedOp op : named) {
            seen.add(op.name());
            if (wanted.contains(op.name())) {
                chosen.add(op);
            }
        }
        for (String w : wanted) {
            if (!seen.contains(w)) {
                throw new UsageException("--op: no CustomOp named '" + w + "' in " + jars + " (found: "
                        + String.join(", ", seen) + ")");
            }
        }
        return chosen;
    }

    /** {@code op.name()}, or its class name when name() throws, hangs or returns null. */
    private String safeName(CustomOp op) {
        try {
            String n = TimeLimits.call("name() of " + op.getClass().getName(), opTimeoutMs, op::name);
            return n != null ? n : op.getClass().getName();
        } catch (RuntimeException | LinkageError | StackOverflowError e) {
            return op.getClass().getName();
        }
    }

    private String jarFlags() {
        StringBuilder sb = new StringBuilder();
        for (Path j : jars) {
            sb.append(sb.length() == 0 ? "" : " ").append("--jar ").append(j);
        }
        return sb.toString();
    }

    private String magnitudeFlag() {
        if (magnitudes.length == 1 && magnitudes[0] == 1) {
            return "";
        }
        StringBuilder sb = new StringBuilder(" --magnitudes ");
        for (int i = 0; i < magnitudes.length; i++) {
            sb.append(i == 0 ? "" : ",").append(magnitudes[i]);
        }
        return sb.toString();
    }

    private int list() {
        PrintWriter out = spec.commandLine().getOut();
        for (OpDef op : OpRegistry.publicOps()) {
            StringBuilder sb = new StringBuilder(op.name()).append('(');
            for (int i = 0; i < Math.min(op.maxArity(), op.inputs().size()); i++) {
                var in = op.inputs().get(i);
                sb.append(i == 0 ? "" : ", ").append(in.name()).append(in.optional() ? "?" : "")
                        .append(in.differentiable() ? "" : in.kind() == dev.gradcheck.engine.op.InputSpec.Kind.INDEX
                                ? ":int64" : ":const");
            }
            if (op.variadic()) {
                sb.append(", ...");
            }
            sb.append(')');
            if (!op.attrs().isEmpty()) {
                sb.append(' ').append(String.join(", ", op.attrs().keySet()));
            }
            if (op.kinks() != null && !op.kinks().isBlank()) {
                sb.append("  [kinks: ").append(op.kinks()).append(']');
            }
            out.println(sb);
        }
        out.println(OpRegistry.publicOps().size() + " ops");
        out.flush();
        return ExitCodes.PASS;
    }
}

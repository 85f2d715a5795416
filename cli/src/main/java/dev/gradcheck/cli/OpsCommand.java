package dev.gradcheck.cli;

import dev.gradcheck.CheckOptions;
import dev.gradcheck.CheckReport;
import dev.gradcheck.CheckResult;
import dev.gradcheck.Status;
import dev.gradcheck.TimeLimits;
import dev.gradcheck.cli.ops.JarOpsSettings;
import dev.gradcheck.cli.ops.OpList;
import dev.gradcheck.cli.ops.RegistryOpCheck;
import dev.gradcheck.cli.ops.UserClassPath;
import dev.gradcheck.engine.op.OpDef;
import dev.gradcheck.engine.op.OpRegistry;
import dev.gradcheck.engine.op.UnknownOpException;
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
@ExitsWith({ExitCodes.PASS, ExitCodes.CHECK_FAILED, ExitCodes.USAGE, ExitCodes.INVALID_FILE, ExitCodes.INTERNAL_ERROR,
    ExitCodes.INCOMPLETE})
@Command(name = "ops", mixinStandardHelpOptions = true,
        header = "Fuzz registered ops, or the CustomOps of jars, against numeric gradients.",
        description = {"Fuzzes ops against numeric gradients: every registered op (or those named with --op) at several seeds, or, with --jar/--classpath, the CustomOps found there (META-INF/services/dev.gradcheck.CustomOp), checked in a JVM of their own."},
        footerHeading = "%nExamples:%n",
        footer = {
            "  gradcheck ops",
            "  gradcheck ops --op tanh --op matmul --draws 10",
            "  gradcheck ops --jar target/my-ops.jar --format json",
            "  gradcheck ops --jar target/my-ops.jar --classpath 'lib/*' --jvm-option -Xmx4g"
        })
public final class OpsCommand implements Callable<Integer> {
    private static final double[] REGISTRY_MAGNITUDES = {1};

    @Spec
    CommandSpec spec;

    @ParentCommand
    Main main;

    @Mixin
    CheckMixin check;

    @Mixin
    OutputMixin output;

    @Mixin
    ProgressMixin progress;

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
            description = "Check the CustomOps registered in META-INF/services/dev.gradcheck.CustomOp instead of the "
                    + "registry: the op jar and the jars it needs, all in one class loader; repeatable.")
    List<Path> jars = new ArrayList<>();

    @Option(names = "--classpath", paramLabel = "PATH",
            description = "Jars and folders for the CustomOps and their dependencies, separated by '${sys:path.separator}' "
                    + "(dir/* for the jars in dir); added after the --jar files; repeatable.")
    List<String> classPaths = new ArrayList<>();

    @Option(names = "--jvm-option", paramLabel = "OPT",
            description = "An option of the JVM the CustomOps are checked in, e.g. -Xmx4g or -Djava.library.path=lib; "
                    + "repeatable.")
    List<String> jvmOptions = new ArrayList<>();

    @Option(names = "--draws", paramLabel = "N", defaultValue = "3",
            description = "Random draws per op, at seeds SEED, SEED+1, ... for registry ops (default: ${DEFAULT-VALUE}).")
    int draws;

    @Option(names = "--magnitudes", paramLabel = "M", split = ",",
            description = "Typical |value| of the drawn inputs, one per draw in turn, e.g. 1,10,100 to reach branches for "
                    + "large inputs (default: 1 for registry ops, 1,10,100 for CustomOps).")
    double[] magnitudes;

    @Option(names = "--list", description = "List the registered ops (name, inputs, attributes; --format json for "
            + "their types and defaults) and exit.")
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
        for (double m : magnitudes == null ? new double[0] : magnitudes) {
            if (!(m > 0) || Double.isInfinite(m)) {
                throw new UsageException("--magnitudes must be positive and finite, got " + m);
            }
        }
        long seed = check.seed(0);
        CheckOptions options = check.toOptions(seed, "ops", null);
        Terminal terminal = Main.terminal(main);
        ProgressBar.When when = progress.when(terminal);
        if (opTimeoutMs < 0) {
            throw new UsageException("--op-timeout must be 0 (no limit) or more milliseconds, got " + opTimeoutMs);
        }
        long t0 = System.nanoTime();
        PartialRun.Outcome outcome;
        RunFacts facts = new RunFacts();
        try (RunStop stop = RunStop.start(timeout.timeoutMs())) {
            CheckOptions watched = options.withMonitor(stop);
            if (jars.isEmpty() && classPaths.isEmpty()) {
                List<OpDef> ops = registryOps();
                double[] mags = magnitudes != null ? magnitudes : REGISTRY_MAGNITUDES;
                try (ProgressBar bar = new ProgressBar(spec.commandLine().getErr(), when, ops.size())) {
                    outcome = PartialRun.run(ops, stop, op -> List.of(op.name()), op -> {
                        String reproduce = "gradcheck ops --op " + op.name() + " --seed " + seed + " --draws " + draws
                                + magnitudeFlag() + check.reproduceFlags();
                        return List.of(guarded(op.name(), seed,
                                () -> RegistryOpCheck.check(op, watched.withReproduce(reproduce), draws, mags)));
                    }, bar, seed);
                }
            } else {
                outcome = new JarOps(this, seed).run(stop, when);
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

    /**
     * The settings of a check of CustomOps, the same in this JVM and in the one that checks them
     * (it parses this command line again): the checker's options with {@code --draws} and
     * {@code --magnitudes}, {@code --op-timeout}, the class path.
     */
    public JarOpsSettings jarOpsSettings() {
        CheckOptions options = check.toOptions(check.seed(0), "ops", null).withDraws(draws);
        if (magnitudes != null) {
            options = options.withMagnitudes(magnitudes);
        }
        return new JarOpsSettings(options, opTimeoutMs, UserClassPath.of(jars, classPaths));
    }

    /** {@code --op} names, each once, in the order given. */
    Set<String> opNames() {
        return new LinkedHashSet<>(opNames);
    }

    List<String> jvmOptions() {
        return jvmOptions;
    }

    CheckMixin check() {
        return check;
    }

    long opTimeoutMs() {
        return opTimeoutMs;
    }

    CommandSpec spec() {
        return spec;
    }

    /** {@code --draws} and {@code --magnitudes} when they differ from the defaults, for reproduce lines. */
    String drawFlags() {
        return (draws != 3 ? " --draws " + draws : "") + magnitudeFlag();
    }

    private String magnitudeFlag() {
        if (magnitudes == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(" --magnitudes ");
        for (int i = 0; i < magnitudes.length; i++) {
            sb.append(i == 0 ? "" : ",").append(magnitudes[i]);
        }
        return sb.toString();
    }

    private int list() {
        List<OpDef> ops = OpRegistry.publicOps();
        ReportOutput.write(spec.commandLine().getOut(), output.output(), output.force(),
                output.json() ? OpList.json(ops) : OpList.text(ops));
        return ExitCodes.PASS;
    }
}

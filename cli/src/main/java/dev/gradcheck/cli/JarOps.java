package dev.gradcheck.cli;

import dev.gradcheck.CheckResult;
import dev.gradcheck.Status;
import dev.gradcheck.cli.ops.IsolatedOps;
import dev.gradcheck.cli.ops.ShellQuote;
import dev.gradcheck.cli.ops.UserClassPath;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code gradcheck ops --jar}: the user's ops, checked in JVMs of their own ({@link IsolatedOps}),
 * one result per op in services-file order (an op that could not be created is an {@code error}
 * named by its class), under {@code --timeout} like every check.
 */
final class JarOps {
    private final OpsCommand command;
    private final long seed;

    JarOps(OpsCommand command, long seed) {
        this.command = command;
        this.seed = seed;
    }

    /** The ops of the class path, created and then checked, both within the run's {@code stop}. */
    PartialRun.Outcome run(RunStop stop, ProgressBar.When progress) {
        UserClassPath classPath = UserClassPath.of(command.jars, command.classPaths);
        List<String> providers = classPath.providers();
        if (providers.isEmpty()) {
            throw classPath.registersNoOp();
        }
        try (IsolatedOps isolated = new IsolatedOps(commandLine(), providers, command.jvmOptions(),
                command.opTimeoutMs(), seed, stop::stopRequested)) {
            List<IsolatedOps.Named> all;
            try {
                all = stop.during("creating the ops", isolated::nameAll);
            } catch (RunStop.Stopped e) {
                return notChecked(providers, stop);
            }
            List<IsolatedOps.Named> ops = chosen(all, classPath);
            String base = "gradcheck ops " + classPath.flags() + " --op ";
            String flags = " --seed " + seed + command.drawFlags() + command.check().reproduceFlags();
            try (ProgressBar bar = new ProgressBar(command.spec().commandLine().getErr(), progress, ops.size())) {
                return PartialRun.run(ops, stop, op -> List.of(op.name()), op -> List.of(op.failure() != null
                        ? op.failure() : check(isolated, op, base + ShellQuote.quote(op.name()) + flags)), bar, seed);
            }
        } catch (IsolatedOps.StartFailure e) {
            if (!command.jvmOptions().isEmpty()) {
                throw new UsageException("--jvm-option " + command.jvmOptions() + ": " + e.getMessage());
            }
            throw e;
        }
    }

    /** The report of a run stopped while the ops were created: each op skipped. */
    private PartialRun.Outcome notChecked(List<String> providers, RunStop stop) {
        List<CheckResult> skipped = new ArrayList<>();
        for (String cls : providers) {
            skipped.add(CheckResult.builder(cls).status(Status.SKIPPED).seed(seed)
                    .error("not checked: " + stop.reason(), null).build());
        }
        return new PartialRun.Outcome(skipped, stop.reason() + " after 0 of " + providers.size()
                + " checks, while the ops were created; the rest were not checked");
    }

    private CheckResult check(IsolatedOps isolated, IsolatedOps.Named op, String reproduce) {
        try {
            return isolated.check(op, reproduce);
        } catch (InterruptedException e) {
            // the run was stopped (--timeout, Ctrl-C): PartialRun drops this result
            Thread.currentThread().interrupt();
            return CheckResult.builder(op.name()).status(Status.SKIPPED).seed(seed).error("interrupted", null).build();
        }
    }

    /**
     * The ops {@code --op} names (all without it). An op that could not be created has no
     * {@code name()}: when a name asked for is not found, those are reported instead of a usage error.
     */
    private List<IsolatedOps.Named> chosen(List<IsolatedOps.Named> all, UserClassPath classPath) {
        Set<String> wanted = command.opNames();
        if (wanted.isEmpty()) {
            return all;
        }
        List<IsolatedOps.Named> chosen = new ArrayList<>();
        Set<String> found = new LinkedHashSet<>();
        List<IsolatedOps.Named> failed = new ArrayList<>();
        for (IsolatedOps.Named op : all) {
            found.add(op.name());
            if (wanted.contains(op.name())) {
                chosen.add(op);
            } else if (op.failure() != null) {
                failed.add(op);
            }
        }
        if (!found.containsAll(wanted)) {
            if (failed.isEmpty()) {
                List<String> missing = new ArrayList<>(wanted);
                missing.removeAll(found);
                throw new UsageException("--op: no CustomOp named '" + String.join("', '", missing) + "' in "
                        + classPath.flags() + " (found: " + String.join(", ", found) + ")");
            }
            chosen.addAll(failed);
            chosen.sort((a, b) -> Integer.compare(a.index(), b.index()));
        }
        return chosen;
    }

    /**
     * The {@code ops} command line as given, for the checking JVM to parse again: the command's
     * name, then its own arguments with @-files expanded (picocli's view of this subcommand).
     */
    private List<String> commandLine() {
        List<String> args = new ArrayList<>(List.of(command.spec().name()));
        args.addAll(command.spec().commandLine().getParseResult().expandedArgs());
        return args;
    }
}

package dev.gradcheck.cli;

import dev.gradcheck.engine.op.FastPaths;
import dev.gradcheck.report.TerminalText;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Runs a command's body and turns failures into exit codes, so the mapping holds however the
 * {@code CommandLine} was built: an invalid file gives {@link ExitCodes#INVALID_FILE} with a
 * one-line message (the stack trace only with {@code --debug}); an unusable option value gives
 * {@link ExitCodes#USAGE}; an unexpected exception gives
 * {@link ExitCodes#INTERNAL_ERROR}. Messages may quote files and user code: they are printed
 * through {@link TerminalText}, one line each.
 */
public final class CommandRunner {
    private CommandRunner() {
    }

    /**
     * Calls {@code body}, returning its exit code or the code of the failure it threw.
     *
     * @param spec the running command, for its error stream
     * @param debug whether to print stack traces
     */
    public static int run(CommandSpec spec, boolean debug, Callable<Integer> body) {
        return run(spec, debug, MODEL_OUT_OF_MEMORY_REMEDY, body);
    }

    /**
     * As {@link #run(CommandSpec, boolean, Callable)}, with the command's own advice for a run
     * that exhausts the heap (after {@code ...is too small for the tensors of this run; }).
     */
    @SuppressWarnings("try")
    static int run(CommandSpec spec, boolean debug, String outOfMemoryRemedy, Callable<Integer> body) {
        PrintWriter err = spec.commandLine().getErr();
        try (FastPaths.Scope s = engineScope(spec)) {
            DistinctFiles.check(spec);
            return body.call();
        } catch (OutOfMemoryError e) {
            // thrown on this thread or passed on from a phase's worker: the work's tensors are
            // unreachable once it unwinds, so there is memory again to say so in one line
            err.println("gradcheck " + spec.name() + ": error: " + outOfMemory(e, outOfMemoryRemedy));
            printTrace(err, e, debug);
            err.flush();
            return ExitCodes.INVALID_FILE;
        } catch (Exception e) {
            OutOfMemoryError oom = oomCause(e);
            if (oom != null) {
                err.println("gradcheck " + spec.name() + ": error: " + outOfMemory(oom, outOfMemoryRemedy));
                printTrace(err, e, debug);
                err.flush();
                return ExitCodes.INVALID_FILE;
            }
            if (e instanceof UsageException || e instanceof picocli.CommandLine.ParameterException) {
                String message = e instanceof UsageException ? OptionNames.inMessage(spec, e.getMessage())
                        : e.getMessage();
                err.println("gradcheck " + spec.name() + ": " + TerminalText.escapeLines(message));
                err.println("Try 'gradcheck " + spec.name() + " --help' for more information.");
                err.flush();
                return ExitCodes.USAGE;
            }
            if (InvalidFiles.isInvalidFile(e)) {
                err.println("gradcheck " + spec.name() + ": error: " + TerminalText.escape(e.getMessage()));
                printTrace(err, e, debug);
                err.flush();
                return ExitCodes.INVALID_FILE;
            }
            err.println("gradcheck " + spec.name() + ": internal error: " + TerminalText.escape(e.toString())
                    + (debug ? "" : " (run with --debug for the stack trace)"));
            printTrace(err, e, debug);
            err.flush();
            return ExitCodes.INTERNAL_ERROR;
        }
    }

    /**
     * With {@code --reference-engine} (a command with the {@link EngineMixin}), the engine's
     * reference op definitions alone for the whole command, model loading and anomaly pass
     * included, and in the threads it starts; else nothing changes.
     */
    private static FastPaths.Scope engineScope(CommandSpec spec) {
        for (CommandSpec mixin : spec.mixins().values()) {
            if (mixin.userObject() instanceof CheckMixin c && c.referenceEngine()
                    || mixin.userObject() instanceof EngineMixin e && e.referenceEngine()) {
                return FastPaths.referenceOnly();
            }
        }
        return () -> { };
    }

    /** The advice on running out of memory for a command that loads a model. */
    private static final String MODEL_OUT_OF_MEMORY_REMEDY = "give it more (GRADCHECK_JAVA_OPTS=-Xmx4g) or lower "
            + "--max-model-elements and --max-tensor-elements to refuse such inputs before computing";

    /**
     * The one line for a run that exhausted the heap: the input is within gradcheck's element
     * limits but its values, gradients and the check's temporaries need more than this JVM has.
     */
    static String outOfMemory(OutOfMemoryError e, String remedy) {
        long mb = Runtime.getRuntime().maxMemory() / (1024 * 1024);
        String what = e.getMessage() == null ? "" : " (" + TerminalText.escape(e.getMessage()) + ")";
        return "ran out of memory" + what + ": this JVM's heap of at most " + mb + " MB is too small for "
                + "the tensors of this run; " + remedy;
    }

    /** The {@link OutOfMemoryError} that caused {@code e} (a worker thread's, wrapped), or null. */
    private static OutOfMemoryError oomCause(Throwable e) {
        for (Throwable c = e.getCause(), seen = e; c != null && c != seen; seen = c, c = c.getCause()) {
            if (c instanceof OutOfMemoryError oom) {
                return oom;
            }
        }
        return null;
    }

    private static void printTrace(PrintWriter err, Throwable e, boolean debug) {
        if (debug) {
            StringWriter trace = new StringWriter();
            e.printStackTrace(new PrintWriter(trace));
            err.print(trace);
        }
    }
}

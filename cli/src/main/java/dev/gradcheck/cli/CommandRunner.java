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
    @SuppressWarnings("try")
    public static int run(CommandSpec spec, boolean debug, Callable<Integer> body) {
        PrintWriter err = spec.commandLine().getErr();
        try (FastPaths.Scope s = engineScope(spec)) {
            return body.call();
        } catch (Exception e) {
            if (e instanceof UsageException || e instanceof picocli.CommandLine.ParameterException) {
                err.println("gradcheck " + spec.name() + ": " + TerminalText.escapeLines(e.getMessage()));
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
     * With {@code --reference-engine} (a command with the {@link CheckMixin}), the engine's
     * reference op definitions alone for the whole command, model loading and anomaly pass
     * included, and in the threads it starts; else nothing changes.
     */
    private static FastPaths.Scope engineScope(CommandSpec spec) {
        for (CommandSpec mixin : spec.mixins().values()) {
            if (mixin.userObject() instanceof CheckMixin c && c.referenceEngine()) {
                return FastPaths.referenceOnly();
            }
        }
        return () -> { };
    }

    private static void printTrace(PrintWriter err, Throwable e, boolean debug) {
        if (debug) {
            StringWriter trace = new StringWriter();
            e.printStackTrace(new PrintWriter(trace));
            err.print(trace);
        }
    }
}

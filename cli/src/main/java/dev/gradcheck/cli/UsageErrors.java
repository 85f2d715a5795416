package dev.gradcheck.cli;

import dev.gradcheck.engine.op.NearestNames;
import dev.gradcheck.report.TerminalText;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * A command-line mistake in at most three lines, not the whole help: the one offending option and
 * what it accepts ({@code gradcheck check: --mode: 'nonsense' is not one of full, fast, sampled}),
 * the nearest option for a misspelt one, and where the help is. Exit code 2.
 */
final class UsageErrors implements CommandLine.IParameterExceptionHandler {
    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        PrintWriter err = cmd.getErr();
        String command = cmd.getCommandSpec().qualifiedName();
        err.println(command + ": " + shown(message(ex)));
        if (ex instanceof UnmatchedArgumentException u) {
            String nearest = nearestOption(cmd, u.getUnmatched());
            if (nearest != null) {
                err.println("did you mean " + nearest + "?");
            }
        }
        err.println("Try '" + command + " --help' for more information.");
        err.flush();
        return ExitCodes.USAGE;
    }

    /** Longest message shown: an argument file's whole text would otherwise be quoted back. */
    static final int MAX_MESSAGE = 400;

    /**
     * {@code message} safe for a terminal: the arguments it quotes come from the shell, file names
     * (a glob) or an argument file, so control characters are escaped as everywhere else
     * ({@link TerminalText}) and the line is cut at {@link #MAX_MESSAGE} characters.
     */
    static String shown(String message) {
        String m = TerminalText.escape(message);
        return m.length() <= MAX_MESSAGE ? m
                : m.substring(0, MAX_MESSAGE) + "… (" + (m.length() - MAX_MESSAGE) + " more characters)";
    }

    /** The option of {@code cmd} nearest to the first unmatched word that looks like an option, or null. */
    static String nearestOption(CommandLine cmd, List<String> unmatched) {
        for (String word : unmatched) {
            if (!word.startsWith("-")) {
                continue;
            }
            String typed = word.contains("=") ? word.substring(0, word.indexOf('=')) : word;
            String best = null;
            int bestDistance = Integer.MAX_VALUE;
            for (OptionSpec o : cmd.getCommandSpec().options()) {
                for (String name : o.names()) {
                    int d = NearestNames.distance(typed, name);
                    if (d < bestDistance) {
                        bestDistance = d;
                        best = name;
                    }
                }
            }
            // a slip of a few letters, not another word altogether
            return bestDistance <= Math.max(2, typed.length() / 3) ? best : null;
        }
        return null;
    }

    /** The exception's message, or for a value an option does not accept, the values it does. */
    static String message(ParameterException ex) {
        ArgSpec arg = ex.getArgSpec();
        if (arg instanceof OptionSpec o && ex.getValue() != null && o.completionCandidates() != null
                && o.type().isEnum()) {
            List<String> values = new ArrayList<>();
            o.completionCandidates().forEach(values::add);
            return o.longestName() + ": '" + ex.getValue() + "' is not one of " + String.join(", ", values);
        }
        String m = ex.getMessage();
        int line = m.indexOf('\n');
        return line < 0 ? m : m.substring(0, line);
    }
}

package dev.gradcheck.cli;

import dev.gradcheck.engine.op.NearestNames;
import dev.gradcheck.report.TerminalText;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * A command-line mistake in at most three lines, not the whole help: the one offending option and
 * what it accepts ({@code gradcheck check: --mode: 'nonsense' is not one of full, fast, sampled}),
 * the nearest option for a misspelt one, the commands for an unknown one, and where the help is.
 * Exit code 2.
 */
final class UsageErrors implements CommandLine.IParameterExceptionHandler {
    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        PrintWriter err = cmd.getErr();
        String command = cmd.getCommandSpec().qualifiedName();
        err.println(command + ": " + shown(message(ex)));
        if (ex instanceof UnmatchedArgumentException u) {
            String nearest = unknownCommand(u) != null ? nearestCommand(u) : nearestOption(cmd, u.getUnmatched());
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

    /**
     * The word {@code u} stopped at when it is where a command's name goes (a command with
     * subcommands and no positional parameters: any word that is not an option), else null.
     */
    static String unknownCommand(UnmatchedArgumentException u) {
        CommandLine cmd = u.getCommandLine();
        List<String> words = u.getUnmatched();
        if (words.isEmpty() || cmd.getSubcommands().isEmpty() || !cmd.getCommandSpec().positionalParameters().isEmpty()
                || u.isUnknownOption()) {
            return null;
        }
        return words.get(0);
    }

    /** picocli's first suggestion of a command like the one mistyped ({@code chek}: {@code check}), or null. */
    private static String nearestCommand(UnmatchedArgumentException u) {
        List<String> similar = u.getSuggestions();
        return similar.isEmpty() ? null : similar.get(0);
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

    /**
     * The exception's message; for an option with a fixed set of values (its completion
     * candidates) given another value or none, the values it takes; for an unknown command, the
     * commands.
     */
    static String message(ParameterException ex) {
        ArgSpec arg = ex.getArgSpec();
        if (ex instanceof MissingParameterException missing && arg == null && missing.getMissing() != null
                && missing.getMissing().size() == 1) {
            arg = missing.getMissing().get(0);
        }
        String values = arg instanceof OptionSpec o ? values(o) : null;
        if (values != null && ex instanceof MissingParameterException) {
            return ((OptionSpec) arg).longestName() + ": a value is needed, one of " + values;
        }
        if (values != null && ex.getValue() != null) {
            return ((OptionSpec) arg).longestName() + ": '" + ex.getValue() + "' is not one of " + values;
        }
        if (ex instanceof UnmatchedArgumentException u && unknownCommand(u) != null) {
            return "'" + unknownCommand(u) + "' is not a command; the commands are "
                    + String.join(", ", Main.visibleCommands(u.getCommandLine().getCommandSpec()));
        }
        if (ex instanceof UnmatchedArgumentException u && u.isUnknownOption()) {
            String elsewhere = optionOfOtherCommands(u);
            if (elsewhere != null) {
                return elsewhere;
            }
        }
        CommandLine cmd = ex.getCommandLine();
        if (ex.getMessage().startsWith("Unknown subcommand '") && !cmd.getSubcommands().isEmpty()) {
            // picocli's help command, asked for no command of that name
            return ex.getMessage().replaceFirst("\\.$", "") + "; the commands are "
                    + String.join(", ", Main.visibleCommands(cmd.getCommandSpec()));
        }
        String m = ex.getMessage();
        int line = m.indexOf('\n');
        return line < 0 ? m : m.substring(0, line);
    }

    /**
     * For an option this command does not take but others do ({@code grads --probes}: grads runs
     * no finite differences), which take it: {@code --probes is not an option of grads; check,
     * ops and graph take it}; null when no other command has it.
     */
    private static String optionOfOtherCommands(UnmatchedArgumentException u) {
        CommandLine cmd = u.getCommandLine();
        CommandLine parent = cmd.getParent();
        if (parent == null) {
            return null;
        }
        for (String word : u.getUnmatched()) {
            if (!word.startsWith("-")) {
                continue;
            }
            String typed = word.contains("=") ? word.substring(0, word.indexOf('=')) : word;
            List<String> takers = new ArrayList<>();
            parent.getSubcommands().forEach((name, sub) -> {
                if (sub != cmd && sub.getCommandSpec().findOption(typed) != null && !takers.contains(name)
                        && !sub.getCommandSpec().usageMessage().hidden()) {
                    takers.add(name);
                }
            });
            if (takers.isEmpty()) {
                return null;
            }
            String list = takers.size() == 1 ? takers.get(0) : String.join(", ", takers.subList(0, takers.size() - 1))
                    + " and " + takers.get(takers.size() - 1);
            return typed + " is not an option of " + cmd.getCommandSpec().name() + "; " + list + " take"
                    + (takers.size() == 1 ? "s" : "") + " it";
        }
        return null;
    }

    /** The values {@code option} takes, from its completion candidates ({@code full, fast, sampled}), or null. */
    private static String values(OptionSpec option) {
        if (option.completionCandidates() == null || !option.type().isEnum()) {
            return null;
        }
        List<String> values = new ArrayList<>();
        option.completionCandidates().forEach(values::add);
        return values.isEmpty() ? null : String.join(", ", values);
    }
}

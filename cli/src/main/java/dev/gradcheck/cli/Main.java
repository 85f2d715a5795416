package dev.gradcheck.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code gradcheck} command: tells you whether your gradients are right and, when they are
 * not, exactly where and why. Run as {@code bin/gradcheck} or {@code java -jar
 * gradcheck-cli-<version>-all.jar}.
 */
@ExitsWith({ExitCodes.PASS, ExitCodes.CHECK_FAILED, ExitCodes.USAGE, ExitCodes.INVALID_FILE, ExitCodes.INTERNAL_ERROR,
    ExitCodes.INCOMPLETE})
@Command(name = "gradcheck",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        modelTransformer = Main.Setup.class,
        description = "Tells you whether your gradients are right and, when they are not, exactly where and why.",
        subcommands = {
            CheckCommand.class,
            OpsCommand.class,
            GraphCommand.class,
            GradsCommand.class,
            CompareCommand.class,
            ShapesCommand.class,
            FlowCommand.class,
            SanityCommand.class,
            BenchCommand.class,
            AutoComplete.GenerateCompletion.class,
            WarmUpCommand.class,
            CommandLine.HelpCommand.class
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  bin/gradcheck check examples/tiny-mlp.json",
            "  bin/gradcheck ops --op tanh",
            "  bin/gradcheck ops --jar my-ops.jar --format json",
            "  bin/gradcheck bench --cases matmul,fwd_bwd",
            "  source <(bin/gradcheck generate-completion)"
        })
public final class Main implements Runnable {
    @Spec
    CommandSpec spec;

    private final Terminal terminal;

    /** The real process's terminal. */
    public Main() {
        this(Terminal.detect());
    }

    /** With a given terminal (tests). */
    public Main(Terminal terminal) {
        this.terminal = terminal;
    }

    /** What stdout/stderr are connected to, for colour and progress. */
    public Terminal terminal() {
        return terminal;
    }

    /** The terminal of {@code main}, or none when a subcommand runs without its parent. */
    static Terminal terminal(Main main) {
        return main == null ? Terminal.none() : main.terminal();
    }

    /** Without a subcommand: print the usage and exit 2. */
    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is needed: "
                + String.join(", ", visibleCommands(spec)));
    }

    /** The names of {@code spec}'s subcommands that its help lists (not the hidden ones), in order. */
    static List<String> visibleCommands(CommandSpec spec) {
        List<String> commands = new ArrayList<>();
        spec.subcommands().forEach((name, sub) -> {
            if (!sub.getCommandSpec().usageMessage().hidden()) {
                commands.add(name);
            }
        });
        return commands;
    }

    /**
     * What every command gets once picocli has built them all: {@link CaseInsensitiveEnums},
     * {@link ExitCodeHelp}, and the version for its {@code -V, --version}.
     */
    static final class Setup implements CommandLine.IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec spec) {
            ExitCodeHelp.list(new CaseInsensitiveEnums().transform(spec));
            shareVersion(spec, spec.versionProvider());
            return spec;
        }

        /**
         * Gives every subcommand the version provider: {@code mixinStandardHelpOptions} offers each
         * one {@code -V, --version}, which printed nothing (and exited 0, without running the
         * command) where the command had no version of its own, or picocli's version for
         * {@code generate-completion}.
         */
        private static void shareVersion(CommandSpec spec, CommandLine.IVersionProvider provider) {
            for (CommandLine sub : spec.subcommands().values()) {
                CommandSpec s = sub.getCommandSpec();
                s.versionProvider(provider);
                shareVersion(s, provider);
            }
        }
    }

    /**
     * Lets every command parse enum-typed options case-insensitively, so the library's own enums
     * ({@code Mode.FAST}) serve as options spelled as documented ({@code --mode fast}).
     */
    static final class CaseInsensitiveEnums implements CommandLine.IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec spec) {
            allow(spec);
            return spec;
        }

        private static void allow(CommandSpec spec) {
            spec.parser().caseInsensitiveEnumValuesAllowed(true);
            for (CommandLine sub : spec.subcommands().values()) {
                allow(sub.getCommandSpec());
            }
        }
    }

    /** The command line of {@code main}, with usage errors in at most three lines ({@link UsageErrors}). */
    public static CommandLine commandLine(Main main) {
        return new CommandLine(main).setParameterExceptionHandler(new UsageErrors());
    }

    /** Runs the command line and exits with its code. */
    public static void main(String[] args) {
        System.exit(execute(commandLine(new Main()), args));
    }

    /**
     * Runs {@code cl} on {@code args} after checking its argument files ({@link ArgumentFiles}):
     * exit code 2 with one line when one is not a regular file of bounded size.
     */
    static int execute(CommandLine cl, String... args) {
        try {
            ArgumentFiles.check(args);
        } catch (UsageException e) {
            cl.getErr().println("gradcheck: " + e.getMessage());
            cl.getErr().flush();
            return ExitCodes.USAGE;
        }
        return cl.execute(args);
    }
}

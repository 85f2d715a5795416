package dev.gradcheck.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The "Exit codes:" section of each command's help, from the codes its class declares
 * ({@link ExitsWith}) and the one meaning of each code ({@link ExitCodes#meaning}): the same
 * words for every command, as docs/cli.md's table gives them.
 */
final class ExitCodeHelp {
    /** picocli's own commands, which cannot carry {@link ExitsWith}: what each can return. */
    private static final Map<Class<?>, int[]> PICOCLI_COMMANDS = Map.of(
            CommandLine.HelpCommand.class, new int[] {ExitCodes.PASS, ExitCodes.USAGE}, // USAGE: an unknown COMMAND
            AutoComplete.GenerateCompletion.class, new int[] {ExitCodes.PASS}); // it ignores words it does not know

    private ExitCodeHelp() {
    }

    /** Sets the section on {@code spec} and on its subcommands, for each that declares its codes. */
    static void list(CommandSpec spec) {
        Class<?> command = spec.userObject() == null ? null : spec.userObject().getClass();
        ExitsWith declared = command == null ? null : command.getAnnotation(ExitsWith.class);
        int[] codes = declared != null ? declared.value() : PICOCLI_COMMANDS.get(command);
        if (codes != null) {
            Map<String, String> list = new LinkedHashMap<>();
            for (int code : codes) {
                list.put(Integer.toString(code), ExitCodes.meaning(code));
            }
            spec.usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(list);
        }
        for (CommandLine sub : spec.subcommands().values()) {
            list(sub.getCommandSpec());
        }
    }
}

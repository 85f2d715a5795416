package dev.gradcheck.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The "Exit codes:" section of each command's help, from the codes its class declares
 * ({@link ExitsWith}) and the one meaning of each code ({@link ExitCodes#meaning}): the same
 * words for every command, as docs/cli.md's table gives them.
 */
final class ExitCodeHelp {
    private ExitCodeHelp() {
    }

    /** Sets the section on {@code spec} and on its subcommands, for each that declares its codes. */
    static void list(CommandSpec spec) {
        ExitsWith codes = spec.userObject() == null ? null : spec.userObject().getClass().getAnnotation(ExitsWith.class);
        if (codes != null) {
            Map<String, String> list = new LinkedHashMap<>();
            for (int code : codes.value()) {
                list.put(Integer.toString(code), ExitCodes.meaning(code));
            }
            spec.usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(list);
        }
        for (CommandLine sub : spec.subcommands().values()) {
            list(sub.getCommandSpec());
        }
    }
}

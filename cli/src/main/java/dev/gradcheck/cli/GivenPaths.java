package dev.gradcheck.cli;

import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * A path argument as the user typed it: parsing it into a {@link Path} tidies it
 * ({@code examples//m.json} becomes {@code examples/m.json}), and a report names the file as given.
 */
final class GivenPaths {
    private GivenPaths() {
    }

    /**
     * The text that {@code spec}'s single-valued argument holding {@code path} was parsed from;
     * {@code path.toString()} when no argument holds it (set by a caller, not parsed); null for null.
     */
    static String of(CommandSpec spec, Path path) {
        if (path == null) {
            return null;
        }
        if (spec != null) {
            for (ArgSpec arg : spec.args()) {
                List<String> typed = arg.originalStringValues();
                if (arg.getValue() == path && typed.size() == 1) {
                    return typed.get(0);
                }
            }
        }
        return path.toString();
    }
}

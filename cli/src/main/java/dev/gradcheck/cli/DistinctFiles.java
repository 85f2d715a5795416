package dev.gradcheck.cli;

import dev.gradcheck.report.TerminalText;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Refuses, before any work, a command whose outputs name one of its input files or each other:
 * {@code check m.json -o m.json --force} replaced the model by its report, {@code grads --values
 * v.npz --out v.npz --force} the values by the gradients, and {@code grads --out g.npz -o g.npz}
 * wrote the gradients, then failed on the report (or, forced, replaced them by it). {@code --force}
 * lets an output replace an older file, never what the same run reads or writes.
 *
 * <p>The outputs are the options named here; every other {@code Path} argument of the command
 * (the model, {@code --values}, {@code --grads}, {@code --jar}, …) is an input. An output is the
 * directory entry it replaces (a symlink as an output is itself replaced); an input is both the
 * entry named and the file it leads to.
 */
final class DistinctFiles {
    /** The options that name files a command writes. */
    static final Set<String> OUTPUTS = Set.of("--output", "--out", "--svg");

    private DistinctFiles() {
    }

    /**
     * Checks the parsed arguments of {@code spec}.
     *
     * @throws UsageException naming both options and the file when two of them collide
     */
    static void check(CommandSpec spec) {
        List<Named> outputs = new ArrayList<>();
        List<Named> inputs = new ArrayList<>();
        List<ArgSpec> args = new ArrayList<>(spec.options());
        args.addAll(spec.positionalParameters());
        for (ArgSpec a : args) {
            String name = a instanceof OptionSpec o ? o.longestName() : a.paramLabel();
            boolean output = a instanceof OptionSpec o && OUTPUTS.contains(o.longestName());
            for (Path p : paths(a.getValue())) {
                (output ? outputs : inputs).add(new Named(name, p));
            }
        }
        for (int i = 0; i < outputs.size(); i++) {
            Path entry = entry(outputs.get(i).path());
            for (int j = 0; j < i; j++) {
                if (entry.equals(entry(outputs.get(j).path()))) {
                    throw collision(outputs.get(j), outputs.get(i), "both write");
                }
            }
            for (Named in : inputs) {
                if (entry.equals(entry(in.path())) || entry.equals(target(in.path()))) {
                    throw collision(in, outputs.get(i), "is read and written by this run");
                }
            }
        }
    }

    private record Named(String option, Path path) {
    }

    private static UsageException collision(Named first, Named second, String problem) {
        return new UsageException(first.option() + " and " + second.option() + " name the same file "
                + TerminalText.escape(second.path().toString()) + ", which " + problem
                + "; write to another file (--force replaces older files, never this run's own)");
    }

    /** The paths in an argument's value: a Path, or a collection or array of them. */
    private static List<Path> paths(Object value) {
        Set<Path> found = new LinkedHashSet<>();
        if (value instanceof Path p) {
            found.add(p);
        } else if (value instanceof Collection<?> c) {
            c.forEach(v -> found.addAll(paths(v)));
        } else if (value instanceof Object[] arr) {
            for (Object v : arr) {
                found.addAll(paths(v));
            }
        }
        return new ArrayList<>(found);
    }

    /** The directory entry {@code p} names: its folder resolved, its own name kept (a link stays a link). */
    private static Path entry(Path p) {
        try {
            Path abs = p.toAbsolutePath().normalize();
            Path parent = abs.getParent();
            if (parent == null || abs.getFileName() == null) {
                return abs;
            }
            return (Files.exists(parent) ? parent.toRealPath() : parent).resolve(abs.getFileName());
        } catch (IOException | InvalidPathException | SecurityException e) {
            return p.toAbsolutePath().normalize();
        }
    }

    /** The file {@code p} leads to, links followed, or its entry when it does not exist. */
    private static Path target(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException | InvalidPathException | SecurityException e) {
            return entry(p);
        }
    }
}

package dev.gradcheck.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code gradcheck warm-up} (hidden): runs the common commands on a small built-in model, and FAST
 * checks of a larger MLP, printing nothing, so that the launcher can record the classes they load
 * ({@code -XX:DumpLoadedClassList}) and dump them into a class-data-sharing archive that later runs
 * start from; on Java 25 and later this is the training run of the JVM's ahead-of-time cache, which
 * also keeps the methods' execution profiles, hence the larger model: its checks run the loops over
 * large tensors long enough for the JIT to profile them.
 */
@Command(name = "warm-up", hidden = true,
        description = "Runs check, shapes and flow on a small built-in model, and FAST checks of a larger MLP, "
                + "and prints nothing; the launcher records the classes this loads (and on Java 25 and later the "
                + "methods' profiles) for a faster start-up (a class-data-sharing archive, or the JVM's AOT cache).")
public final class WarmUpCommand implements Callable<Integer> {
    private static final String MODEL = "warm-up-model.json";
    private static final String MLP = "warm-up-mlp.json";

    @Override
    public Integer call() throws IOException {
        Path dir = Files.createTempDirectory("gradcheck-warm-up");
        try {
            String m = copy(MODEL, dir);
            String mlp = copy(MLP, dir);
            int worst = 0;
            for (List<String> args : List.of(
                    List.of("check", m, "--mode", "sampled", "--threads", "2"),
                    List.of("check", m, "--mode", "fast", "--format", "json"),
                    List.of("check", m, "--mode", "sampled", "--tolerance", "pytorch", "--threads", "1"),
                    List.of("shapes", m),
                    List.of("flow", m, "--format", "json"),
                    List.of("check", m, "--mode", "nonsense"),
                    List.of("check", mlp, "--mode", "fast", "--format", "json"),
                    List.of("check", mlp, "--mode", "fast", "--tolerance", "pytorch", "--format", "json"))) {
                PrintWriter sink = new PrintWriter(Writer.nullWriter());
                int code = Main.commandLine(new Main(Terminal.none())).setOut(sink).setErr(sink)
                        .execute(args.toArray(String[]::new));
                worst = Math.max(worst, code == ExitCodes.USAGE ? 0 : code);
            }
            return worst;
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** Copies the built-in model {@code name} into {@code dir}; its path. */
    private static String copy(String name, Path dir) throws IOException {
        Path model = dir.resolve(name);
        try (InputStream in = WarmUpCommand.class.getResourceAsStream(name)) {
            Files.copy(in, model);
        }
        return model.toString();
    }
}

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
 * {@code gradcheck warm-up} (hidden): runs the common commands on a small built-in model, printing
 * nothing, so that the launcher can record the classes they load ({@code -XX:DumpLoadedClassList})
 * and dump them into a class-data-sharing archive that later runs start from.
 */
@Command(name = "warm-up", hidden = true,
        description = "Runs check, shapes and flow on a small built-in model and prints nothing; the launcher "
                + "records the classes this loads for a faster start-up (a class-data-sharing archive).")
public final class WarmUpCommand implements Callable<Integer> {
    private static final String MODEL = "warm-up-model.json";

    @Override
    public Integer call() throws IOException {
        Path dir = Files.createTempDirectory("gradcheck-warm-up");
        try {
            Path model = dir.resolve(MODEL);
            try (InputStream in = WarmUpCommand.class.getResourceAsStream(MODEL)) {
                Files.copy(in, model);
            }
            String m = model.toString();
            int worst = 0;
            for (List<String> args : List.of(
                    List.of("check", m, "--mode", "sampled", "--threads", "2"),
                    List.of("check", m, "--mode", "fast", "--format", "json"),
                    List.of("check", m, "--mode", "sampled", "--tolerance", "pytorch", "--threads", "1"),
                    List.of("shapes", m),
                    List.of("flow", m, "--format", "json"),
                    List.of("check", m, "--mode", "nonsense"))) {
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
}

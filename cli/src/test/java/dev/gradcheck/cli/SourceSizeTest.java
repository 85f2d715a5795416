package dev.gradcheck.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The style rule "no main-source file over 600 lines", for every module of the repository (and
 * the example projects): each {@code src/main} Java file is counted as {@code wc -l} counts it.
 */
class SourceSizeTest {
    static final int MAX_LINES = 600;

    @Test
    void noMainSourceFileIsOver600Lines() throws IOException {
        Path root = repositoryRoot();
        List<Path> sources;
        try (Stream<Path> files = Files.walk(root)) {
            sources = files.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> isMainSource(root.relativize(p)))
                    .sorted().collect(Collectors.toList());
        }
        assertTrue(sources.size() > 100, "found only " + sources.size() + " main sources under " + root);
        List<String> tooLong = new ArrayList<>();
        for (Path p : sources) {
            long lines = lines(p);
            if (lines > MAX_LINES) {
                tooLong.add(root.relativize(p) + ": " + lines + " lines");
            }
        }
        assertTrue(tooLong.isEmpty(), "main-source files over " + MAX_LINES + " lines (split them by job):\n  "
                + String.join("\n  ", tooLong));
    }

    /** A file under some module's {@code src/main}, outside build output and hidden folders. */
    private static boolean isMainSource(Path relative) {
        List<String> parts = new ArrayList<>();
        relative.forEach(part -> parts.add(part.toString()));
        if (parts.stream().anyMatch(s -> s.equals("target") || s.startsWith("."))) {
            return false;
        }
        for (int i = 0; i + 1 < parts.size(); i++) {
            if (parts.get(i).equals("src") && parts.get(i + 1).equals("main")) {
                return true;
            }
        }
        return false;
    }

    /** Newlines, as {@code wc -l} counts lines. */
    private static long lines(Path p) throws IOException {
        byte[] b = Files.readAllBytes(p);
        long n = 0;
        for (byte c : b) {
            if (c == '\n') {
                n++;
            }
        }
        return n;
    }

    /** The folder above the module that holds the parent POM and the engine, gradcheck and cli modules. */
    private static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("pom.xml")) && Files.isDirectory(dir.resolve("engine"))
                    && Files.isDirectory(dir.resolve("gradcheck")) && Files.isDirectory(dir.resolve("cli"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no repository root above " + Path.of("").toAbsolutePath());
    }
}

package dev.gradcheck.cli.reliability;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The red team's model files (issue 17, defects 2 and 3): 100–250 MB of nested empty lists, of
 * integers, of long strings or of keys; FIFOs, devices and directories as the model path. Each is
 * a clean exit 3 naming the file, within 30 s, in the 512 MB JVM of the {@code hostile-files-512m}
 * execution: the JSON's values, containers and string characters are counted in a streaming pass
 * before any tree is built, and only regular files are opened, read no further than the size limit.
 */
class HostileModelFilesTest {
    private static final Duration WITHIN = Duration.ofSeconds(30);
    private static final List<String> MEASURED = new ArrayList<>();

    @TempDir
    static Path dir;

    private static int counter;

    interface Maker {
        Path make(Path file) throws Exception;
    }

    record Case(String name, Maker maker, List<String> words) {
    }

    /** A file of {@code head}, then {@code unit} repeated until about {@code megabytes} MB, then {@code tail}. */
    private static Maker repeated(String head, String unit, String tail, int megabytes) {
        return file -> {
            byte[] u = unit.getBytes(StandardCharsets.UTF_8);
            byte[] block = new byte[(1 << 20) / u.length * u.length];
            for (int i = 0; i < block.length; i += u.length) {
                System.arraycopy(u, 0, block, i, u.length);
            }
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
                out.write(head.getBytes(StandardCharsets.UTF_8));
                for (int i = 0; i < megabytes; i++) {
                    out.write(block);
                }
                out.write(tail.getBytes(StandardCharsets.UTF_8));
            }
            return file;
        };
    }

    private static Path mkfifo(Path p) throws IOException, InterruptedException {
        Process proc = new ProcessBuilder("mkfifo", p.toString()).inheritIO().start();
        if (proc.waitFor() != 0) {
            throw new IOException("mkfifo " + p);
        }
        return p;
    }

    @TestFactory
    Stream<DynamicTest> everyHostileModelFileIsAClean3() {
        String head = "{\"format\": \"gradcheck-model/1\", \"inputs\": {\"x\": {\"shape\": [2], \"init\": {\"value\": ";
        List<Case> cases = new ArrayList<>();
        cases.add(new Case("100 MB of nested empty lists", repeated(head + "[", "[],", "[]]}}}", 100),
                List.of("containers")));
        cases.add(new Case("250 MB of nested empty lists", repeated(head + "[", "[],", "[]]}}}", 250),
                List.of("containers")));
        cases.add(new Case("100 MB of integers", repeated(head + "[", "0,", "0]}}}", 100), List.of("values")));
        cases.add(new Case("250 MB of integers", repeated(head + "[", "7,", "7]}}}", 250), List.of("values")));
        cases.add(new Case("100 MB of floats", repeated(head + "[", "1e300,", "0]}}}", 100), List.of("values")));
        cases.add(new Case("100 MB of empty objects", repeated(head + "[", "{},", "{}]}}}", 100),
                List.of("containers")));
        cases.add(new Case("100 MB of distinct keys", file -> {
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
                out.write("{\"format\": \"gradcheck-model/1\", \"m\": {".getBytes(StandardCharsets.US_ASCII));
                for (int i = 0; i < 8_000_000; i++) {
                    out.write(("\"k" + i + "\": 0, ").getBytes(StandardCharsets.US_ASCII));
                }
                out.write("\"end\": 0}}".getBytes(StandardCharsets.US_ASCII));
            }
            return file;
        }, List.of("values")));
        cases.add(new Case("200 MB of long strings", repeated(head + "[", "\"" + "s".repeat(999_990) + "\",", "0]}}}",
                200), List.of("characters")));
        cases.add(new Case("300 MB, over the file size limit", repeated(head + "[", "0,", "0]}}}", 300),
                List.of("over the limit")));
        cases.add(new Case("a FIFO", file -> mkfifo(file), List.of("FIFO", "not a regular file")));
        cases.add(new Case("a symlink to a FIFO", file -> Files.createSymbolicLink(file,
                mkfifo(file.resolveSibling(file.getFileName() + ".fifo"))), List.of("FIFO")));
        cases.add(new Case("/dev/zero", file -> Path.of("/dev/zero"), List.of("character device")));
        cases.add(new Case("a symlink to /dev/zero", file -> Files.createSymbolicLink(file, Path.of("/dev/zero")),
                List.of("character device")));
        cases.add(new Case("/dev/null", file -> Path.of("/dev/null"), List.of("character device")));
        cases.add(new Case("a directory", file -> Files.createDirectory(file), List.of("directory")));
        cases.add(new Case("/proc/self/environ (a regular file of size 0)", file -> Path.of("/proc/self/environ"),
                List.of("JSON")));
        cases.add(new Case("a dangling symlink", file -> Files.createSymbolicLink(file, file.resolveSibling("gone")),
                List.of("no such file")));
        // -Dgradcheck.hostile.only=WORDS runs the cases whose name contains them (by hand)
        String only = System.getProperty("gradcheck.hostile.only", "");
        return cases.stream().filter(c -> c.name().contains(only))
                .map(c -> DynamicTest.dynamicTest(c.name(), () -> run(c)));
    }

    private static void run(Case c) throws Exception {
        Path sub = Files.createDirectories(dir.resolve("case" + (++counter)));
        Path model = c.maker().make(sub.resolve("model.json"));
        Run.Result r;
        try {
            r = assertTimeoutPreemptively(WITHIN, () -> Run.cli("check", model.toString()), c.name());
        } finally {
            Files.deleteIfExists(sub.resolve("model.json")); // free the disk at once; a link goes, not its target
        }
        Runtime rt = Runtime.getRuntime();
        MEASURED.add(String.format(Locale.ROOT, "%-48s exit %d %6d ms, heap in use after %4d MB | %s", c.name(),
                r.exitCode(), r.millis(), (rt.totalMemory() - rt.freeMemory()) >> 20,
                r.err().lines().findFirst().orElse("").replace(sub.toString(), "")));
        assertTrue(r.exitCode() == 3, c.name() + ": " + r);
        assertFalse(r.hasStackTrace(), c.name() + ": " + r);
        assertTrue(r.err().contains(model.getFileName().toString()), c.name() + ": names the file: " + r);
        for (String w : c.words()) {
            assertTrue(r.err().contains(w), c.name() + ": mentions '" + w + "': " + r);
        }
    }

    @AfterAll
    static void report() {
        System.out.println("hostile model files (" + MEASURED.size() + " cases, max heap "
                + (Runtime.getRuntime().maxMemory() >> 20) + " MB):");
        MEASURED.forEach(m -> System.out.println("  " + m));
    }
}

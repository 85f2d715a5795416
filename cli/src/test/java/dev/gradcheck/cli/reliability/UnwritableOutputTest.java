package dev.gradcheck.cli.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tester 16, finding 4: an output in a folder the user may not write was found only when the
 * report was written, after the whole run (21 s for their model), with a message naming a hidden
 * temporary file and no reason. Now it is refused before any work (exit 2), naming the path as
 * given, the folder and "permission denied". The run is a real process as an ordinary user (root
 * may write any folder, so as root it runs as {@code nobody} through {@code setpriv}).
 */
class UnwritableOutputTest {
    private static final String NOBODY = "65534";

    @TempDir
    Path dir;

    private String readableClassPath;

    @Test
    void anUnwritableFolderIsRefusedBeforeAnyWorkWithTheReason() throws IOException, InterruptedException {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path model = MalformedInputTest.write(dir, "tiny.json", MalformedInputTest.VALID);
        Path locked = Files.createDirectories(dir.resolve("locked"));
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("r-xr-xr-x"));
        String[][] runs = {
            {"check", model.toString(), "-o", locked.resolve("r.txt").toString()},
            {"grads", model.toString(), "--out", locked.resolve("g.npz").toString()},
            {"flow", model.toString(), "--lr", "0.01", "--svg", locked.resolve("sub").resolve("f.svg").toString()},
        };
        for (String[] args : runs) {
            Outcome r = runAsOrdinaryUser(args);
            assertEquals(2, r.exitCode(), r.toString());
            assertTrue(r.err().contains(": cannot write in " + locked.toRealPath() + ": permission denied"), r.toString());
            assertTrue(r.err().contains(args[args.length - 1]), "names the path as given: " + r);
            assertFalse(r.err().contains(".tmp"), r.toString());
            assertEquals("", r.out(), "no work, no report: " + r);
        }
    }

    private record Outcome(int exitCode, String out, String err) {
    }

    /** {@code gradcheck args} as this user, or as nobody when this user is root. */
    private Outcome runAsOrdinaryUser(String... args) throws IOException, InterruptedException {
        boolean root = "0".equals(new String(new ProcessBuilder("id", "-u").start().getInputStream().readAllBytes(),
                StandardCharsets.UTF_8).trim());
        List<String> cmd = new ArrayList<>();
        if (root) {
            cmd.addAll(List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups"));
        }
        cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:+UseSerialGC",
                "-Xshare:off", "-cp", root ? readableClassPath() : System.getProperty("java.class.path"),
                "dev.gradcheck.cli.Main"));
        cmd.addAll(List.of(args));
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectOutput(out.toFile())
                .redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "ended");
        return new Outcome(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** The test class path with its jars copied where any user may read them (~/.m2 is root's alone). */
    private String readableClassPath() throws IOException {
        if (readableClassPath != null) {
            return readableClassPath;
        }
        Path jars = Files.createDirectories(dir.resolve("jars"));
        List<String> entries = new ArrayList<>();
        int i = 0;
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(entry);
            if (Files.isRegularFile(p)) {
                Path copy = jars.resolve((i++) + "-" + p.getFileName());
                Files.copy(p, copy);
                Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rw-r--r--"));
                entries.add(copy.toString());
            } else {
                entries.add(entry);
            }
        }
        readableClassPath = String.join(File.pathSeparator, entries);
        return readableClassPath;
    }
}

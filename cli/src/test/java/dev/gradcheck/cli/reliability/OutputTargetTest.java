package dev.gradcheck.cli.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17, defect 9, and tester 16's finding 1: {@code --force} never replaces anything but a
 * regular file, and never a symlink: a link is written through, as a shell's {@code >} does (a
 * regular file at its end replaced in its own folder; a FIFO, a device or a {@code /proc/self/fd}
 * descriptor written in place). A directory is refused before any work with one message, forced
 * or not; new files get the permissions the umask gives, as any other program's. Devices are
 * reached through symlinks, so the tests never touch {@code /dev}.
 */
class OutputTargetTest {
    @TempDir
    Path dir;

    private Path model() throws IOException {
        return MalformedInputTest.write(dir, "tiny.json", MalformedInputTest.VALID);
    }

    private static void mkfifo(Path p) throws IOException, InterruptedException {
        Process proc = new ProcessBuilder("mkfifo", p.toString()).inheritIO().start();
        assertEquals(0, proc.waitFor(), "mkfifo " + p);
    }

    @Test
    void aSymlinkToACharacterDeviceIsWrittenThroughNotReplaced() throws IOException {
        Path link = Files.createSymbolicLink(dir.resolve("null.json"), Path.of("/dev/null"));
        Path npz = Files.createSymbolicLink(dir.resolve("null.npz"), Path.of("/dev/null"));
        for (List<String> args : List.of(List.of("check", model().toString(), "--format", "json", "-o", link.toString(),
                "--force"), List.of("grads", model().toString(), "--out", npz.toString(), "--force"))) {
            Run.Result r = Run.cli(args.toArray(String[]::new));
            assertEquals(0, r.exitCode(), r.toString());
            assertTrue(Files.isSymbolicLink(link) && Files.isSymbolicLink(npz), "the links are still there");
            assertEquals(Path.of("/dev/null"), Files.readSymbolicLink(link));
            assertFalse(r.hasStackTrace(), r.toString());
        }
        Run.Result unforced = Run.cli("check", model().toString(), "-o", link.toString());
        assertEquals(2, unforced.exitCode(), unforced.toString());
        assertTrue(unforced.err().contains("null.json: exists; add --force to write to it"), unforced.toString());
    }

    @Test
    void aFifoIsWrittenInPlaceWhenForced() throws Exception {
        Path fifo = dir.resolve("pipe.json");
        mkfifo(fifo);
        Run.Result unforced = Run.cli("check", model().toString(), "-o", fifo.toString());
        assertEquals(2, unforced.exitCode(), unforced.toString());
        assertTrue(unforced.err().contains("pipe.json: exists; add --force"), unforced.toString());
        FutureTask<String> reader = new FutureTask<>(() -> Files.readString(fifo));
        Thread t = new Thread(reader, "fifo-reader");
        t.setDaemon(true);
        t.start();
        Run.Result r = Run.cli("check", model().toString(), "--format", "json", "-o", fifo.toString(), "--force");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(reader.get(30, TimeUnit.SECONDS).contains("\"checks\""), "the report came through the FIFO");
        assertTrue(Files.readAttributes(fifo, "unix:mode", LinkOption.NOFOLLOW_LINKS).get("mode") instanceof Integer m
                && (m & 0170000) == 0010000, "still a FIFO");
    }

    /**
     * Tester 16, finding 1: {@code -o /dev/stdout --force} with stdout a regular file (as root this
     * replaced the machine's {@code /dev/stdout} link by a file and left stdout empty). Here a link
     * of our own to {@code /proc/self/fd/1}, in a real process whose stdout is a file, first fresh
     * ({@code >}), then appended to ({@code >>}).
     */
    @Test
    void aLinkToProcSelfFdWritesToTheDescriptorAndStaysALink() throws IOException, InterruptedException {
        Path link = Files.createSymbolicLink(dir.resolve("stdout.json"), Path.of("/proc/self/fd/1"));
        Path captured = dir.resolve("captured.txt");
        List<String> cmd = ChildProcess.command(List.of(), "check", model().toString(), "-o", link.toString(),
                "--force");
        Process p = new ProcessBuilder(cmd).redirectOutput(captured.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue());
        assertTrue(Files.isSymbolicLink(link), "the link is still there");
        assertEquals(Path.of("/proc/self/fd/1"), Files.readSymbolicLink(link));
        String report = Files.readString(captured);
        assertTrue(report.startsWith("model 'tiny'") && report.contains("PASS  W "), report);

        Files.writeString(captured, "earlier line\n");
        Process again = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.appendTo(captured.toFile()))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        assertTrue(again.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, again.exitValue());
        assertEquals("earlier line\n" + report, Files.readString(captured), "appended, as >> asks");
    }

    /** Tester 16, finding 15: a directory gets one message, forced or not, and no advice to add --force. */
    @Test
    void aDirectoryIsRefusedWithOneMessageForcedOrNot() throws IOException {
        Path sub = Files.createDirectories(dir.resolve("out.json"));
        for (boolean force : new boolean[] {false, true}) {
            List<String> args = new java.util.ArrayList<>(List.of("check", model().toString(), "-o", sub.toString()));
            if (force) {
                args.add("--force");
            }
            Run.Result r = Run.cli(args.toArray(String[]::new));
            assertEquals(2, r.exitCode(), r.toString());
            assertTrue(r.err().contains("out.json: is a directory; name a file to write to"), r.toString());
            assertFalse(r.err().contains("--force"), r.toString());
            assertTrue(Files.isDirectory(sub));
        }
        Run.Result empty = Run.cli("grads", model().toString(), "--out", "");
        assertEquals(2, empty.exitCode(), empty.toString());
        assertTrue(empty.err().contains("--out: the file name is empty"), empty.toString());
        Run.Result noModel = Run.cli("check", "");
        assertEquals(3, noModel.exitCode(), noModel.toString());
        assertTrue(noModel.err().contains("error: <model>: the model file's name is empty"), noModel.toString());
    }

    @Test
    void aSymlinkToARegularFileIsWrittenThroughInTheTargetsFolder() throws IOException {
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
        Path real = Files.writeString(elsewhere.resolve("real.json"), "old report");
        Files.setPosixFilePermissions(real, Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
        Path link = Files.createSymbolicLink(dir.resolve("link.json"), Path.of("elsewhere", "real.json"));
        Run.Result refused = Run.cli("check", model().toString(), "-o", link.toString());
        assertEquals(2, refused.exitCode(), refused.toString());
        assertEquals("old report", Files.readString(real));

        Run.Result r = Run.cli("check", model().toString(), "--format", "json", "-o", link.toString(), "--force");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(Files.isSymbolicLink(link), "the link is still a link");
        assertTrue(Files.readString(real).contains("\"checks\""), "the report is in the link's target");
        assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
                Files.getPosixFilePermissions(real), "the target keeps its permissions");
        try (Stream<Path> all = Stream.concat(Files.list(dir), Files.list(elsewhere))) {
            assertEquals(List.of(), all.filter(p -> p.toString().endsWith(".tmp")).toList());
        }
    }

    @Test
    void aDanglingSymlinkCreatesItsTarget() throws IOException {
        Path link = Files.createSymbolicLink(dir.resolve("link.txt"), Path.of("made", "new.txt"));
        Run.Result refused = Run.cli("check", model().toString(), "-o", link.toString());
        assertEquals(2, refused.exitCode(), "the link exists: --force is needed\n" + refused);
        Run.Result r = Run.cli("check", model().toString(), "-o", link.toString(), "--force");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(Files.isSymbolicLink(link));
        assertTrue(Files.readString(dir.resolve("made").resolve("new.txt")).contains("PASS  W "));
    }

    @Test
    void newFilesGetTheUmasksPermissions() throws IOException {
        // what this process's umask gives a new file, whatever it is
        Set<PosixFilePermission> usual = Files.getPosixFilePermissions(Files.createFile(dir.resolve("probe")));
        Path grads = dir.resolve("g.npz");
        Path report = dir.resolve("r.txt");
        Path st = dir.resolve("g.safetensors");
        assertEquals(0, Run.cli("grads", model().toString(), "--out", grads.toString()).exitCode());
        assertEquals(0, Run.cli("grads", model().toString(), "--out", st.toString()).exitCode());
        assertEquals(0, Run.cli("check", model().toString(), "-o", report.toString()).exitCode());
        assertEquals(usual, Files.getPosixFilePermissions(grads), "grads --out");
        assertEquals(usual, Files.getPosixFilePermissions(report), "--output");
        assertEquals(usual, Files.getPosixFilePermissions(st), "grads --out .safetensors");
        try (Stream<Path> all = Files.list(dir)) {
            assertEquals(List.of(), all.filter(p -> p.toString().endsWith(".tmp")).toList());
        }
    }

    @Test
    void aReplacedFileKeepsItsPermissions() throws IOException {
        Path report = Files.writeString(dir.resolve("r.txt"), "old");
        Files.setPosixFilePermissions(report, Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.GROUP_READ));
        assertEquals(0, Run.cli("check", model().toString(), "-o", report.toString(), "--force").exitCode());
        assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.GROUP_READ), Files.getPosixFilePermissions(report));
    }
}

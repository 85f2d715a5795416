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
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17, defect 9: {@code --force} replaces only regular files (and symlinks to them, the link
 * itself); a FIFO, a device (here behind a symlink, so the test never touches {@code /dev}), a
 * {@code /proc/self/fd/1} link or a directory is refused before any work, with exit 2 and the
 * reason; new files get the permissions the umask gives, as any other program's.
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
    void aSymlinkToACharacterDeviceIsNotReplaced() throws IOException {
        Path link = Files.createSymbolicLink(dir.resolve("null.json"), Path.of("/dev/null"));
        for (List<String> args : List.of(List.of("check", model().toString(), "--format", "json", "-o", link.toString(),
                "--force"), List.of("grads", model().toString(), "--out", link.toString(), "--force"))) {
            Run.Result r = Run.cli(args.toArray(String[]::new));
            assertEquals(2, r.exitCode(), r.toString());
            assertTrue(r.err().contains("null.json") && r.err().contains("character device")
                    && r.err().contains("regular file"), r.toString());
            assertTrue(Files.isSymbolicLink(link), "the link is still there");
            assertEquals(Path.of("/dev/null"), Files.readSymbolicLink(link));
            assertFalse(r.hasStackTrace(), r.toString());
        }
    }

    @Test
    void aFifoIsNotReplaced() throws Exception {
        Path fifo = dir.resolve("pipe.json");
        mkfifo(fifo);
        Run.Result r = Run.cli("check", model().toString(), "-o", fifo.toString(), "--force");
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("pipe.json") && r.err().contains("FIFO"), r.toString());
        assertTrue(Files.readAttributes(fifo, "unix:mode", LinkOption.NOFOLLOW_LINKS).get("mode") instanceof Integer m
                && (m & 0170000) == 0010000, "still a FIFO");
        Run.Result g = Run.cli("grads", model().toString(), "--out", fifo.toString(), "--force");
        assertEquals(2, g.exitCode(), g.toString());
        assertTrue(g.err().contains("FIFO"), g.toString());
    }

    @Test
    void aLinkToProcSelfFdIsNotReplaced() throws IOException {
        Path link = Files.createSymbolicLink(dir.resolve("stdout.json"), Path.of("/proc/self/fd/1"));
        Run.Result r = Run.cli("check", model().toString(), "-o", link.toString(), "--force");
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("stdout.json") && r.err().contains("not a regular file"), r.toString());
        assertTrue(Files.isSymbolicLink(link), "the link is still there");
    }

    @Test
    void aDirectoryIsNotReplaced() throws IOException {
        Path sub = Files.createDirectories(dir.resolve("out.json"));
        Run.Result r = Run.cli("check", model().toString(), "-o", sub.toString(), "--force");
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("out.json") && r.err().contains("directory"), r.toString());
        assertTrue(Files.isDirectory(sub));
    }

    @Test
    void aSymlinkToARegularFileIsReplacedByTheFileItself() throws IOException {
        Path real = Files.writeString(dir.resolve("real.json"), "keep me");
        Path link = Files.createSymbolicLink(dir.resolve("link.json"), real);
        Run.Result r = Run.cli("check", model().toString(), "--format", "json", "-o", link.toString(), "--force");
        assertEquals(0, r.exitCode(), r.toString());
        assertFalse(Files.isSymbolicLink(link), "the link itself is replaced");
        assertTrue(Files.readString(link).contains("\"checks\""));
        assertEquals("keep me", Files.readString(real), "the link's target is untouched");
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

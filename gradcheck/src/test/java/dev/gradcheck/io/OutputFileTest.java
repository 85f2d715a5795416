package dev.gradcheck.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tester 16, finding 4: a failure while an output is written names the file the user asked for
 * and the operating system's reason, never the hidden temporary file it was written through; and
 * finding 1: a symlink is written through, never replaced.
 */
class OutputFileTest {
    @TempDir
    Path dir;

    @Test
    void aLateFailureNamesTheTargetAndTheReasonNotTheTemporaryFile() throws IOException {
        Path target = dir.resolve("r.txt");
        IOException e = assertThrows(IOException.class,
                () -> OutputFile.write(target, false, tmp -> {
                    throw new FileSystemException(tmp.toString(), null, "No space left on device");
                }));
        assertEquals(target + ": cannot write: no space left on device", e.getMessage());
        
        assertFalse(Files.exists(target));
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(List.of(), left.toList(), "no temporary file is left");
        }
    }

    @Test
    void aSymlinkIsWrittenThroughAndStaysALink() throws IOException {
        Path real = Files.writeString(Files.createDirectories(dir.resolve("a")).resolve("real.txt"), "old");
        Path link = Files.createSymbolicLink(dir.resolve("link.txt"), real);
        OutputFile.write(link, true, tmp -> Files.writeString(tmp, "new"));
        assertTrue(Files.isSymbolicLink(link));
        assertEquals("new", Files.readString(real));
    }
}

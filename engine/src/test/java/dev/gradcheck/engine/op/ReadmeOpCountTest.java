package dev.gradcheck.engine.op;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The README's op count is the registry's number of public ops (what {@code gradcheck ops --list} counts). */
class ReadmeOpCountTest {
    private static final Pattern COUNT = Pattern.compile("the op registry \\((\\d+) ops");

    @Test
    void readmeCountsThePublicOps() throws IOException {
        Path readme = readme();
        Matcher m = COUNT.matcher(Files.readString(readme));
        assertTrue(m.find(), readme + " no longer says \"the op registry (N ops\"");
        int registered = OpRegistry.publicOps().size();
        assertEquals(registered, Integer.parseInt(m.group(1)), readme + " says \"" + m.group()
                + "\", but the registry has " + registered + " public ops: update the number there");
    }

    /** The project's README.md: the nearest one up from the working directory (the module's folder). */
    private static Path readme() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("README.md")) && Files.isDirectory(dir.resolve("engine"))) {
                return dir.resolve("README.md");
            }
        }
        assertNotNull(null, "no README.md beside an engine/ folder above " + Path.of("").toAbsolutePath());
        return null;
    }
}

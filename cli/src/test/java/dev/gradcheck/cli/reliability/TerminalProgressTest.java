package dev.gradcheck.cli.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Progress on a terminal: under {@code script} (a pseudo-terminal for the child's streams) with
 * stdout redirected to a file, the default {@code --progress auto} draws progress on stderr (the
 * terminal), per entry with a rate and the time left, and stdout stays pure JSON.
 */
class TerminalProgressTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void progressOnTheTerminalWithStdoutRedirected() throws Exception {
        Path out = dir.resolve("report.json");
        Path model = Path.of("..", "examples", "bench", "mlp-26k.json").toAbsolutePath();
        String check = ChildProcess.shell(ChildProcess.command(List.of("-Dgradcheck.progress.delay-ms=0"), "check",
                model.toString(), "--threads", "1", "--tolerance", "pytorch", "--format", "json")) + " > '" + out + "'";
        String shown = onTerminal(check);
        String report = Files.readString(out, StandardCharsets.UTF_8);
        assertTrue(shown.matches("(?s).*\\r\\[[#-]+\\] [0-9,]+/26,122 entries  \\S+  [0-9.,]+/s  ETA \\d+(s|m\\d+s).*"),
                "progress per entry, with a rate and the time left, on the terminal: " + shown);
        JsonNode root = JSON.readTree(report);
        assertTrue(root.get("passed").asBoolean(), report);
        assertFalse(report.contains("\u001b") || report.contains("\r"), "stdout is JSON only: " + report);
    }

    /**
     * What the terminal showed while {@code shellCommand} ran on a new pseudo-terminal ({@code
     * script} copies it to its stdout); the command must exit 0.
     */
    private String onTerminal(String shellCommand) throws Exception {
        Path screen = dir.resolve("screen.txt");
        Process p = new ProcessBuilder("script", "-q", "-e", "-c", shellCommand, "/dev/null")
                .redirectOutput(screen.toFile()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the check ended");
        String shown = Files.readString(screen, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), shown);
        return shown;
    }

    /**
     * {@code --progress always} on a terminal draws a check of milliseconds too (the half-second
     * rule is {@code auto}'s), ending with the final state on a line of its own.
     */
    @Test
    void progressAlwaysDrawsAShortCheckOnTheTerminal() throws Exception {
        Path out = dir.resolve("report.txt");
        Path model = Path.of("..", "examples", "tiny-mlp.json").toAbsolutePath();
        String check = ChildProcess.shell(ChildProcess.command(List.of(), "check", model.toString(), "--progress",
                "always")) + " > '" + out + "'";
        String shown = onTerminal(check);
        assertTrue(shown.matches("(?s).*\\r\\[#{24}\\] 131/131 entries  b2  [0-9.,]+/s *\\r?\\n.*"),
                "the final state, on the terminal: " + shown);
        assertTrue(Files.readString(out).startsWith("model 'tiny-mlp'"), "the report on stdout");
    }
}

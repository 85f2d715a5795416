package dev.gradcheck.cli.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C: a real child process gets SIGINT while it checks the first tensor and ends with the
 * partial report of the entries checked so far (valid JSON), marked incomplete, exit code 5.
 */
class InterruptTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void sigintEndsWithThePartialReport() throws Exception {
        Path model = MalformedInputTest.write(dir, "slow-first.json", TimeoutTest.SLOW_FIRST);
        Path out = dir.resolve("out.json");
        List<String> cmd = ChildProcess.command(List.of("-Dgradcheck.progress.delay-ms=0"), "check", model.toString(),
                "--threads", "1", "--format", "json", "--progress", "always");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        StringBuilder err = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            // wait until the progress shows entries of W judged: the interrupt lands inside the first tensor
            while (!err.toString().matches("(?s).*\\] [1-9][0-9,]*/1,048,578 entries  W.*")) {
                int c = r.read();
                assertTrue(c >= 0 && System.nanoTime() < until, "no progress on W: " + err);
                err.append((char) c);
            }
            new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).inheritIO().start().waitFor();
            r.transferTo(new java.io.StringWriter());
        }
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "ended after the interrupt");
        String json = Files.readString(out);
        assertEquals(5, p.exitValue(), json);
        JsonNode root = JSON.readTree(json);
        assertEquals("interrupted (Ctrl-C)", root.get("incomplete_reason").asText(), json);
        assertEquals("the gradient check", root.get("incomplete_phase").asText(), json);
        JsonNode w = root.get("checks").get(0);
        assertEquals("W", w.get("name").asText(), json);
        assertTrue(w.get("incomplete").asBoolean(), w.toString());
        long checked = w.get("entries_checked").asLong();
        assertTrue(checked > 0 && checked < w.get("entries_total").asLong(), w.toString());
        assertEquals("skipped", root.get("checks").get(1).get("status").asText(), json);
    }
}

package dev.gradcheck.cli.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --timeout}: the run stops when the limit passes and prints the checks done so far, the
 * report marked incomplete ({@code "incomplete": true} and a reason in JSON, a line in text),
 * exit code 1.
 */
class TimeoutTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A small param checked in milliseconds, then a big one whose full check takes minutes, even
     * recomputing only what a perturbation reaches (a million entries, each a column of x·W). */
    static final String SLOW = """
            {
              "format": "gradcheck-model/1",
              "name": "slow",
              "inputs": {"x": {"shape": [64, 1024], "init": {"normal": {"std": 1}}}},
              "params": {
                "a": {"shape": [2], "init": "ones"},
                "W": {"shape": [1024, 1024], "init": {"normal": {"std": 0.03}}}
              },
              "nodes": [
                {"name": "s", "op": "sum", "inputs": ["a"]},
                {"name": "z", "op": "matmul", "inputs": ["x", "W"]},
                {"name": "h", "op": "tanh", "inputs": ["z"]},
                {"name": "m", "op": "sum", "inputs": ["h"]},
                {"name": "loss", "op": "add", "inputs": ["m", "s"]}
              ],
              "output": "loss"
            }
            """;

    @TempDir
    Path dir;

    @Test
    void jsonReportIsPartialAndMarkedIncomplete() throws IOException {
        Path model = MalformedInputTest.write(dir, "slow.json", SLOW);
        Run.Result r = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> Run.cli("check", model.toString(),
                "--timeout", "3000", "--threads", "1", "--format", "json"));
        assertEquals(1, r.exitCode(), r.toString());
        JsonNode root = JSON.readTree(r.out());
        assertTrue(root.path("incomplete").asBoolean(false), r.out());
        assertFalse(root.get("passed").asBoolean(), "an incomplete run has not passed: " + r.out());
        String reason = root.path("incomplete_reason").asText();
        assertTrue(reason.contains("--timeout 3000 ms ran out after 1 of 2 checks"), reason);
        JsonNode checks = root.get("checks");
        assertEquals(2, checks.size(), r.out());
        assertEquals("a", checks.get(0).get("name").asText());
        assertEquals("pass", checks.get(0).get("status").asText(), "the small param was checked: " + checks.get(0));
        assertEquals("W", checks.get(1).get("name").asText());
        assertEquals("skipped", checks.get(1).get("status").asText(), checks.get(1).toString());
        assertTrue(checks.get(1).get("error").asText().contains("not checked"), checks.get(1).toString());
        assertTrue(r.millis() < 10_000, "stopped near the limit: " + r.millis() + " ms");
    }

    @Test
    void textReportEndsWithAnIncompleteLine() throws IOException {
        Path model = MalformedInputTest.write(dir, "slow.json", SLOW);
        Run.Result r = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> Run.cli("check", model.toString(),
                "--timeout", "800", "--threads", "1"));
        assertEquals(1, r.exitCode(), r.toString());
        // on a busy machine even the small param may not be done after 800 ms: either way it is reported
        assertTrue(r.out().contains("PASS  a") || r.out().contains("SKIPPED a"), r.toString());
        assertTrue(r.out().contains("SKIPPED W"), r.toString());
        assertFalse(r.out().contains("checks passed"), "no 'all passed' summary for a partial run: " + r);
        assertTrue(r.out().strip().lines().reduce((x, y) -> y).orElse("")
                .matches("INCOMPLETE: --timeout 800 ms ran out after [01] of 2 checks; the rest were not checked"),
                r.toString());
    }

    @Test
    void opsRunStopsAtTheTimeoutToo() throws IOException {
        Run.Result r = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> Run.cli("ops", "--timeout", "1",
                "--threads", "1", "--format", "json"));
        assertEquals(1, r.exitCode(), r.toString());
        JsonNode root = JSON.readTree(r.out());
        assertTrue(root.path("incomplete").asBoolean(false), r.out());
        assertTrue(root.get("checks").size() > 1, "every op listed, checked or skipped");
        JsonNode last = root.get("checks").get(root.get("checks").size() - 1);
        assertEquals("skipped", last.get("status").asText(), last.toString());
    }

    @Test
    void noTimeoutMeansACompleteReport() throws IOException {
        Path model = MalformedInputTest.write(dir, "tiny.json", MalformedInputTest.VALID);
        Run.Result r = Run.cli("check", model.toString(), "--timeout", "60000", "--format", "json");
        assertEquals(0, r.exitCode(), r.toString());
        JsonNode root = JSON.readTree(r.out());
        assertFalse(root.has("incomplete"), r.out());
        assertTrue(root.get("passed").asBoolean(), r.out());
    }

    @Test
    void negativeTimeoutIsAUsageError() throws IOException {
        Path model = MalformedInputTest.write(dir, "tiny.json", MalformedInputTest.VALID);
        Run.Result r = Run.cli("check", model.toString(), "--timeout", "-5");
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("--timeout"), r.toString());
    }
}

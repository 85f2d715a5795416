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
 * {@code --timeout}: the run stops when the limit passes, whatever phase it is in, and prints the
 * checks done so far (inside a tensor too), the report marked incomplete ({@code "incomplete":
 * true}, a reason and the phase in JSON, a line in text), exit code 5 when nothing checked failed.
 */
class TimeoutTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** How long a phase may take to stop after the limit (RunStop.GRACE_MS). */
    private static final long RUN_STOP_GRACE_MS = 2000;

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

    /** The big tensor first: a cut inside it keeps the entries judged so far. */
    static final String SLOW_FIRST = """
            {
              "format": "gradcheck-model/1",
              "name": "slow-first",
              "inputs": {"x": {"shape": [64, 1024], "init": {"normal": {"std": 1}}}},
              "params": {
                "W": {"shape": [1024, 1024], "init": {"normal": {"std": 0.03}}},
                "a": {"shape": [2], "init": "ones"}
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
        assertEquals(5, r.exitCode(), "incomplete, nothing failed: " + r);
        JsonNode root = JSON.readTree(r.out());
        assertTrue(root.path("incomplete").asBoolean(false), r.out());
        assertFalse(root.get("passed").asBoolean(), "an incomplete run has not passed: " + r.out());
        assertEquals("--timeout 3000 ms ran out", root.path("incomplete_reason").asText(), r.out());
        assertEquals("the gradient check", root.path("incomplete_phase").asText(), r.out());
        JsonNode checks = root.get("checks");
        assertEquals(2, checks.size(), r.out());
        assertEquals("a", checks.get(0).get("name").asText());
        assertEquals("pass", checks.get(0).get("status").asText(), "the small param was checked: " + checks.get(0));
        assertEquals("W", checks.get(1).get("name").asText());
        JsonNode w = checks.get(1);
        // W was cut inside its entries (a partial result) or before its first one (not checked)
        assertTrue(w.path("incomplete").asBoolean(false) ? w.get("entries_checked").asLong() > 0
                : w.get("status").asText().equals("skipped") && w.get("error").asText().contains("not checked"),
                w.toString());
        assertTrue(r.millis() < 3000 + RUN_STOP_GRACE_MS + 5000, "stopped near the limit: " + r.millis() + " ms");
    }

    @Test
    void aCutInsideTheFirstTensorKeepsItsEntriesSoFar() throws IOException {
        Path model = MalformedInputTest.write(dir, "slow-first.json", SLOW_FIRST);
        Run.Result r = assertTimeoutPreemptively(Duration.ofSeconds(40), () -> Run.cli("check", model.toString(),
                "--timeout", "6000", "--threads", "1", "--format", "json"));
        assertEquals(5, r.exitCode(), r.toString());
        JsonNode root = JSON.readTree(r.out());
        assertEquals("the gradient check", root.path("incomplete_phase").asText(), r.out());
        JsonNode w = root.get("checks").get(0);
        assertEquals("W", w.get("name").asText(), r.out());
        assertEquals("pass", w.get("status").asText(), w.toString());
        assertTrue(w.get("incomplete").asBoolean(), w.toString());
        assertEquals(1024 * 1024, w.get("entries_total").asLong(), w.toString());
        long checked = w.get("entries_checked").asLong();
        assertTrue(checked > 0 && checked < 1024 * 1024, "entries inside the first tensor: " + w);
        JsonNode a = root.get("checks").get(1);
        assertEquals("skipped", a.get("status").asText(), a.toString());
        assertTrue(root.get("checks").get(0).get("max_abs_error").isNumber(), "measured on the entries checked");
    }

    /**
     * exp of a wide layer: values far beyond 1e10 (an anomaly, so the run fails) and first-layer
     * entries whose derivative drowns in the function's rounding (skipped, low resolution).
     */
    static final String NOISY_FIRST = """
            {
              "format": "gradcheck-model/1",
              "name": "noisy-first",
              "seed": 0,
              "inputs": {
                "x": {"shape": [64, 512], "init": {"normal": {"std": 40}}},
                "y": {"shape": [64], "dtype": "int64", "init": {"randint": {"low": 0, "high": 10}}}
              },
              "layers": [
                {"type": "linear", "in": 512, "out": 1024},
                {"type": "exp"},
                {"type": "linear", "in": 1024, "out": 10}
              ],
              "input": "x", "target": "y", "loss": "cross_entropy"
            }
            """;

    @Test
    void aCutTensorWhoseEntriesSoFarWereSkippedIsPartialNotUnchecked() throws IOException {
        Path model = MalformedInputTest.write(dir, "noisy-first.json", NOISY_FIRST);
        Run.Result r = assertTimeoutPreemptively(Duration.ofSeconds(40), () -> Run.cli("check", model.toString(),
                "--timeout", "6000", "--format", "json"));
        assertEquals(1, r.exitCode(), "the anomaly fails the run: " + r);
        JsonNode root = JSON.readTree(r.out());
        assertEquals("the gradient check", root.path("incomplete_phase").asText(), r.out());
        JsonNode w = null;
        for (JsonNode c : root.get("checks")) {
            w = "0.weight".equals(c.get("name").asText()) ? c : w;
        }
        assertEquals("skipped", w.get("status").asText(), "entries so far skipped, low resolution: " + w);
        assertTrue(w.get("entries_checked").asLong() + w.path("entries_skipped").asLong() > 0, w.toString());
        assertTrue(w.path("incomplete").asBoolean(false), "cut inside its entries: " + w);
        assertEquals(1024 * 512, w.get("entries_total").asLong(), w.toString());
        Run.Result text = assertTimeoutPreemptively(Duration.ofSeconds(40), () -> Run.cli("check", model.toString(),
                "--timeout", "6000"));
        assertTrue(text.out().contains("0.weight stopped after "), text.toString());
        assertFalse(text.out().contains("nothing was checked"), text.toString());
    }

    @Test
    void textReportEndsWithAnIncompleteLine() throws IOException {
        Path model = MalformedInputTest.write(dir, "slow.json", SLOW);
        Run.Result r = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> Run.cli("check", model.toString(),
                "--timeout", "800", "--threads", "1"));
        assertEquals(5, r.exitCode(), r.toString());
        // on a busy machine even the small param may not be done after 800 ms, or be cut inside its two
        // entries: either way it is reported
        assertTrue(r.out().contains("PASS  a") || r.out().contains("SKIPPED a"), r.toString());
        assertTrue(r.out().contains("SKIPPED W") || r.out().contains("(stopped after "), r.toString());
        assertFalse(r.out().contains("checks passed"), "no 'all passed' summary for a partial run: " + r);
        assertTrue(r.out().strip().lines().reduce((x, y) -> y).orElse("")
                .matches("INCOMPLETE: --timeout 800 ms ran out during (loading the model|the anomaly pass|the gradient "
                        + "check)(; nothing was checked|: [01] of 2 tensors checked in full(; (W stopped after [0-9,]+ of "
                        + "1,048,576|a stopped after 1 of 2) entries)?; the rest were not checked)"), r.toString());
    }

    @Test
    void theTimeoutCoversLoadingAndTheAnomalyPassToo() throws IOException {
        // a convolution whose anomaly-mode forward and backward alone take many seconds
        Path model = MalformedInputTest.write(dir, "heavy.json", """
                {"format": "gradcheck-model/1", "name": "heavy",
                 "inputs": {"x": {"shape": [16, 32, 64, 64], "init": {"normal": {"std": 1}}}},
                 "params": {"w": {"shape": [64, 32, 5, 5], "init": {"normal": {"std": 0.05}}}},
                 "nodes": [{"name": "c", "op": "conv2d", "inputs": ["x", "w"]},
                           {"name": "loss", "op": "sum", "inputs": ["c"]}],
                 "output": "loss"}
                """);
        Run.Result r = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> Run.cli("check", model.toString(),
                "--timeout", "300", "--format", "json"));
        assertEquals(5, r.exitCode(), r.toString());
        JsonNode root = JSON.readTree(r.out());
        assertTrue(root.get("incomplete").asBoolean(), r.out());
        String phase = root.get("incomplete_phase").asText();
        assertTrue(phase.equals("loading the model") || phase.equals("the anomaly pass"), phase);
        for (JsonNode c : root.get("checks")) {
            assertEquals("skipped", c.get("status").asText(), c.toString());
            assertTrue(c.get("max_abs_error").isNull(), "no figure where nothing was compared: " + c);
        }
        assertTrue(r.millis() < 300 + RUN_STOP_GRACE_MS + 5000, "stopped near the limit: " + r.millis() + " ms");
    }

    @Test
    void opsRunStopsAtTheTimeoutToo() throws IOException {
        Run.Result r = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> Run.cli("ops", "--timeout", "1",
                "--threads", "1", "--format", "json"));
        assertEquals(5, r.exitCode(), r.toString());
        JsonNode root = JSON.readTree(r.out());
        assertTrue(root.path("incomplete").asBoolean(false), r.out());
        assertTrue(root.get("checks").size() > 1, "every op listed, checked or skipped");
        JsonNode last = root.get("checks").get(root.get("checks").size() - 1);
        assertEquals("skipped", last.get("status").asText(), last.toString());
    }

    /**
     * Tester 16, finding 3: {@code ops --jar} cut by --timeout reported its op as "not checked",
     * entries_checked 0, throwing away the draws already done. The checking JVM is told to stop,
     * and its reply, the draws done so far, is the op's result; the draws left say so.
     */
    @Test
    void aJarOpCutByTheTimeoutKeepsTheDrawsItDid() throws IOException {
        Path jar = dev.gradcheck.cli.TestJars.customOpJar(dir, java.util.Map.of("slow.Square", """
                package slow;
                public class Square implements dev.gradcheck.CustomOp {
                    public String name() { return "slow_square"; }
                    public int[][] inputShapes() { return new int[][] {{3, 3}}; }
                    public double[] forward(double[][] in) {
                        try { Thread.sleep(3); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
                        double[] y = new double[in[0].length];
                        for (int i = 0; i < y.length; i++) y[i] = in[0][i] * in[0][i];
                        return y;
                    }
                    public double[][] backward(double[][] in, double[] g) {
                        double[] dx = new double[g.length];
                        for (int i = 0; i < dx.length; i++) dx[i] = 2 * in[0][i] * g[i];
                        return new double[][] {dx};
                    }
                }
                """), java.util.List.of("slow.Square"));
        Run.Result r = assertTimeoutPreemptively(Duration.ofSeconds(90), () -> Run.cli("ops", "--jar", jar.toString(),
                "--draws", "400", "--magnitudes", "1", "--timeout", "10000", "--format", "json"));
        assertEquals(5, r.exitCode(), r.toString());
        JsonNode root = JSON.readTree(r.out());
        assertEquals("--timeout 10000 ms ran out", root.path("incomplete_reason").asText(), r.out());
        JsonNode op = root.get("checks").get(0);
        assertEquals("slow_square", op.get("name").asText(), r.out());
        assertTrue(op.get("entries_checked").asLong() > 0, "the draws done are reported: " + op);
        JsonNode inputs = op.get("inputs");
        assertEquals("pass", inputs.get(0).get("status").asText(), inputs.toString());
        JsonNode rest = inputs.get(inputs.size() - 1);
        assertTrue(rest.get("name").asText().matches("draws \\d+-399") && rest.get("status").asText().equals("skipped")
                && rest.get("error").asText().startsWith("not checked: the check was stopped before these"),
                rest.toString());
    }

    /** The same for a registry op whose many draws outlast the limit: the draws done are its result. */
    @Test
    void aRegistryOpCutByTheTimeoutKeepsTheDrawsItDid() throws IOException {
        Run.Result r = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> Run.cli("ops", "--op", "matmul",
                "--draws", "100000", "--magnitudes", "1", "--timeout", "1500", "--format", "json"));
        assertEquals(5, r.exitCode(), r.toString());
        JsonNode op = JSON.readTree(r.out()).get("checks").get(0);
        assertTrue(op.get("entries_checked").asLong() > 0, "the draws done are reported: " + op);
        JsonNode inputs = op.get("inputs");
        assertTrue(inputs.get(inputs.size() - 1).get("name").asText().matches("draw\\d+-99999"), inputs.toString());
        assertTrue(JSON.readTree(r.out()).path("incomplete_reason").asText().contains("--timeout"), r.out());
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

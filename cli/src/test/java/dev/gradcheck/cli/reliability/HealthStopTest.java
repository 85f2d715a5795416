package dev.gradcheck.cli.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sanity} and {@code flow --steps} stopped by {@code --timeout} or Ctrl-C end as {@code check}
 * does: the report of what was done, marked incomplete (valid JSON, a last INCOMPLETE line in text),
 * exit 5, or 1 when something done failed (before, Ctrl-C on {@code sanity} printed nothing, exit 130).
 */
class HealthStopTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** 100,000 Adam steps of a 26k-parameter MLP: minutes, never done within the limits here. */
    private static final String BIG = "../examples/bench/mlp-26k.json";
    private static Schema schema;

    @TempDir
    Path dir;

    @BeforeAll
    static void load() throws IOException {
        schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                .getSchema(Files.readString(Path.of("..", "docs", "report.schema.json")));
    }

    @Test
    void sanityTimeoutReportsTheChecksDoneAndTheRunCutShort() throws IOException {
        Run.Result r = assertTimeoutPreemptively(Duration.ofSeconds(40), () -> Run.cli("sanity", BIG, "--steps", "100000",
                "--timeout", "4000", "--format", "json"));
        assertEquals(5, r.exitCode(), r.toString());
        JsonNode root = JSON.readTree(r.out());
        assertEquals(List.of(), schema.validate(root), r.out());
        assertTrue(root.get("incomplete").asBoolean() && !root.get("passed").asBoolean(), r.out());
        assertEquals("--timeout 4000 ms ran out", root.get("incomplete_reason").asText());
        assertEquals("the recipe checks", root.get("incomplete_phase").asText(), r.out());
        JsonNode checks = root.get("checks");
        assertEquals("pass", checks.get(0).get("status").asText(), "init_loss was done: " + checks.get(0));
        JsonNode overfit = checks.get(1);
        assertEquals("overfit", overfit.get("name").asText());
        assertEquals("skipped", overfit.get("status").asText(), overfit.toString());
        assertTrue(overfit.get("incomplete").asBoolean(), overfit.toString());
        long done = overfit.get("steps_done").asLong();
        assertTrue(done > 0 && done < 100_000 && overfit.get("steps_total").asLong() == 100_000, overfit.toString());
        for (int k : new int[] {2, 4}) {
            assertEquals("not checked: the run was stopped before it", checks.get(k).get("diagnosis").asText());
        }
        assertTrue(r.millis() < 4000 + 2000 + 8000, "stopped near the limit: " + r.millis() + " ms");
        Run.Result text = Run.cli("sanity", BIG, "--steps", "100000", "--timeout", "3000");
        assertEquals(5, text.exitCode(), text.toString());
        assertTrue(text.out().matches("(?s).*\nSKIPPED overfit: stopped after [0-9,]+ of 100,000 adam steps .*\nsanity: "
                + "stopped early, 1 of 5 checks done, none failed\nINCOMPLETE: --timeout 3000 ms ran out during the recipe "
                + "checks: 1 of 5 checks done; overfit and learning_rate stopped after [0-9,]+ of 100,000 steps; the rest "
                + "were not checked\n"), text.out());
    }

    @Test
    void flowStepsTimeoutKeepsTheStepsAnalysed() throws IOException {
        Run.Result r = assertTimeoutPreemptively(Duration.ofSeconds(40), () -> Run.cli("flow", BIG, "--lr", "0.003",
                "--steps", "10000", "--timeout", "3000", "--format", "json"));
        JsonNode root = JSON.readTree(r.out());
        assertEquals(List.of(), schema.validate(root), r.out());
        assertEquals(root.get("flags").isEmpty() ? 5 : 1, r.exitCode(), "5 unless something was flagged: " + r);
        assertTrue(root.get("incomplete").asBoolean() && !root.get("passed").asBoolean(), r.toString());
        assertEquals("the training steps", root.get("incomplete_phase").asText(), r.toString());
        int trained = root.get("trained").asInt();
        assertTrue(trained < 10_000 && root.get("steps_total").asInt() == 10_000, r.toString());
        assertEquals(trained + 1, root.get("steps").size(), "step 0 and each step taken");
        Run.Result text = Run.cli("flow", BIG, "--lr", "0.003", "--steps", "10000", "--timeout", "2000");
        assertTrue(text.out().matches("(?s).*\nflow: stopped early after [0-9]+ of 10000 training steps, [^\n]*\n"
                + "INCOMPLETE: --timeout 2000 ms ran out during the training steps: [0-9,]+ of 10,000 training steps "
                + "analysed; the rest were not run\n"), text.out());
    }

    /** A limit of 1 ms passes while the model loads, or (a load within one 20 ms poll) right after it. */
    @Test
    void aStopBeforeAnythingWasDoneReportsNothingCheckedInValidJson() throws IOException {
        String first = "loading the model|the recipe checks";
        Run.Result sanity = Run.cli("sanity", BIG, "--timeout", "1", "--format", "json");
        assertEquals(5, sanity.exitCode(), sanity.toString());
        JsonNode s = JSON.readTree(sanity.out());
        assertEquals(List.of(), schema.validate(s), sanity.out());
        assertTrue(s.get("incomplete_phase").asText().matches(first), sanity.out());
        assertEquals(5, s.get("checks").size());
        for (JsonNode c : s.get("checks")) {
            assertEquals("not checked: the run was stopped before it", c.get("diagnosis").asText(), c.toString());
        }
        Run.Result flow = Run.cli("flow", BIG, "--timeout", "1", "--format", "json");
        assertEquals(5, flow.exitCode(), flow.toString());
        JsonNode f = JSON.readTree(flow.out());
        assertEquals(List.of(), schema.validate(f), flow.out());
        assertTrue(f.get("incomplete_phase").asText().matches("loading the model|the flow analysis"), flow.out());
        assertTrue(f.get("checks").isEmpty() && !f.get("passed").asBoolean(), flow.out());
        Run.Result text = Run.cli("flow", BIG, "--timeout", "1");
        // the phase is the one the limit passed in; a load that ends after it leaves the analysis refused
        assertTrue(text.out().matches("INCOMPLETE: --timeout 1 ms ran out during (loading the model|the flow analysis):"
                + " nothing was analysed( in full)?\n"), text.out());
    }

    @Test
    void sigintOnSanityEndsWithThePartialReport() throws Exception {
        Path out = dir.resolve("out.json");
        List<String> cmd = ChildProcess.command(List.of("-Dgradcheck.progress.delay-ms=0"), "sanity", BIG, "--steps",
                "100000", "--format", "json", "--progress", "always");
        // once the overfit run is under way: the interrupt lands inside it
        ChildProcess.Interrupted run = ChildProcess.interruptOnProgress(cmd, out, "(?s).*overfit step [1-9][0-9]{2}.*",
                "no progress of the overfit run");
        String json = run.stdout();
        assertEquals(5, run.exitCode(), json);
        JsonNode root = JSON.readTree(json);
        assertEquals(List.of(), schema.validate(root), json);
        assertEquals("interrupted (Ctrl-C)", root.get("incomplete_reason").asText(), json);
        assertEquals("the recipe checks", root.get("incomplete_phase").asText(), json);
        assertEquals("pass", root.get("checks").get(0).get("status").asText(), json);
        JsonNode overfit = root.get("checks").get(1);
        assertTrue(overfit.get("incomplete").asBoolean() && overfit.get("steps_done").asLong() >= 100, json);
    }

    @Test
    void sigintOnFlowStepsEndsWithThePartialReport() throws Exception {
        Path out = dir.resolve("flow.json");
        List<String> cmd = ChildProcess.command(List.of(), "flow", BIG, "--lr", "0.003", "--steps", "10000",
                "--format", "json");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        Thread.sleep(6000); // past start-up (the handler is installed), well inside the ~50 s of training
        assertTrue(p.isAlive(), "10,000 steps take longer than 6 s");
        new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).inheritIO().start().waitFor();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "ended after the interrupt");
        String json = Files.readString(out);
        JsonNode root = JSON.readTree(json);
        assertEquals(List.of(), schema.validate(root), json);
        assertEquals(root.get("flags").isEmpty() ? 5 : 1, p.exitValue(), json);
        assertEquals("interrupted (Ctrl-C)", root.get("incomplete_reason").asText(), json);
        assertFalse(root.get("passed").asBoolean(), json);
    }
}

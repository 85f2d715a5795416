package dev.gradcheck.cli.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
        // once the progress shows entries of W judged: the interrupt lands inside the first tensor
        ChildProcess.Interrupted run = ChildProcess.interruptOnProgress(cmd, out,
                "(?s).*\\] [1-9][0-9,]*/1,048,578 entries  W.*", "no progress on W");
        String json = run.stdout();
        assertEquals(5, run.exitCode(), json);
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

    /**
     * A FAST check cut inside its projections counts each thing in its own unit: a projection spans
     * every entry of the tensor, so its entries are all checked ({@code entries_checked} =
     * {@code entries_total}, entries) and the cut shows in the projections ({@code
     * projections_checked} of {@code projections_total}); the text says "of 64 projections", never
     * "of 64 entries". Before, {@code entries_total} was the projections' count beside the entries'.
     */
    @Test
    void aFastCheckCutInsideItsProjectionsCountsProjectionsAndEntriesApart() throws Exception {
        Path model = MalformedInputTest.write(dir, "slow-first.json", TimeoutTest.SLOW_FIRST);
        String json = interruptedAt("(?s).*\\] [1-9][0-9]*/128 projections  W.*", model, "--format", "json");
        JsonNode root = JSON.readTree(json);
        JsonNode w = root.get("checks").get(0);
        assertEquals("W", w.get("name").asText(), json);
        assertTrue(w.get("incomplete").asBoolean(), w.toString());
        assertEquals(1024 * 1024, w.get("entries_checked").asLong(), "every entry is in each projection: " + w);
        assertEquals(1024 * 1024, w.get("entries_total").asLong(), "entries, not projections: " + w);
        assertEquals(64, w.get("projections_total").asLong(), w.toString());
        long made = w.get("projections_checked").asLong();
        assertTrue(made > 0 && made < 64, "cut inside the projections: " + w);
        assertTrue(w.get("probes").asLong() >= made, w.toString());
        assertEquals(List.of(), dev.gradcheck.cli.ReportSchemaTest.validate(root), json);

        String text = interruptedAt("(?s).*\\] [1-9][0-9]*/128 projections  W.*", model);
        assertTrue(text.matches("(?s).*\nPASS  W  \\[1024, 1024\\]  1048576 entries \\(\\d+ probes\\)  \\(stopped after "
                + "[1-9]\\d* of 64 projections\\)\n.*"), text);
        assertTrue(text.contains("W stopped after ") && !text.contains(" of 64 entries"), text);
    }

    /**
     * The stdout of a FAST check of {@code model} (64 projections per tensor) that got SIGINT once
     * its progress on stderr matched {@code progress}; exit code 5.
     */
    private String interruptedAt(String progress, Path model, String... more) throws Exception {
        Path out = dir.resolve("out.txt");
        List<String> args = new java.util.ArrayList<>(List.of("check", model.toString(), "--threads", "1", "--mode",
                "fast", "--probes", "64", "--no-anomaly", "--progress", "always"));
        args.addAll(List.of(more));
        List<String> cmd = ChildProcess.command(List.of("-Dgradcheck.progress.delay-ms=0"), args.toArray(String[]::new));
        ChildProcess.Interrupted run = ChildProcess.interruptOnProgress(cmd, out, progress, "no such progress");
        assertEquals(5, run.exitCode(), run.stdout());
        return run.stdout();
    }

    /**
     * A terminal's Ctrl-C reaches its whole process group, the JVM that runs {@code ops --jar}'s
     * ops included: that JVM carries on, and the parent reports the op as not checked (before, the
     * worker died and the op was blamed: "the op called System.exit(130)", exit 1).
     */
    @Test
    @org.junit.jupiter.api.condition.EnabledOnOs(org.junit.jupiter.api.condition.OS.LINUX)
    void ctrlCForTheWholeProcessGroupStopsTheRunNotTheOpsWorker() throws Exception {
        Path jar = dev.gradcheck.cli.TestJars.customOpJar(dir, java.util.Map.of("demo.Slow",
                dev.gradcheck.cli.TestJars.squareOp("Slow", "slow", "2, 3", "",
                        "long until = System.nanoTime() + 5_000_000L; while (System.nanoTime() < until) { }")),
                List.of("demo.Slow"));
        Path out = dir.resolve("out.json");
        List<String> cmd = new java.util.ArrayList<>(List.of("setsid"));
        cmd.addAll(ChildProcess.command(List.of(), "ops", "--jar", jar.toString(), "--draws", "100000",
                "--format", "json"));
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (p.descendants().noneMatch(h -> h.info().commandLine().orElse("").contains("OpWorker"))) {
            assertTrue(p.isAlive() && System.nanoTime() < until, "no ops worker started");
            Thread.sleep(50);
        }
        Thread.sleep(1500); // the worker is checking the op
        // setsid made the command the leader of a process group of its own: signal the group, as a terminal does
        new ProcessBuilder("kill", "-INT", "--", "-" + p.pid()).inheritIO().start().waitFor();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "ended after the interrupt");
        String json = Files.readString(out);
        assertEquals(5, p.exitValue(), json);
        // the worker was told to stop (it ignores the signal itself): the draws it did are the op's result
        JsonNode slow = JSON.readTree(json).get("checks").get(0);
        assertTrue(slow.get("entries_checked").asLong() > 0, json);
        JsonNode inputs = slow.get("inputs");
        JsonNode rest = inputs.get(inputs.size() - 1);
        assertTrue(rest.get("name").asText().matches("draws \\d+-99999"), json);
        assertTrue(rest.get("error").asText().startsWith("not checked: the check was stopped before these"), json);
        assertEquals("interrupted (Ctrl-C)", JSON.readTree(json).get("incomplete_reason").asText(), json);
    }
}

package dev.gradcheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code shapes}, {@code flow}, {@code sanity} and the anomaly pass of {@code check}, run in process. */
class HealthCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TINY = "../examples/tiny-mlp.json";

    @TempDir
    Path dir;

    private static String sick(String name) {
        return "../gradcheck/src/test/resources/health/" + name + ".json";
    }

    @Test
    void shapesTable() {
        Cli.Result r = Cli.run("shapes", TINY);
        assertEquals(ExitCodes.PASS, r.exitCode(), r.toString());
        assertTrue(r.out().contains("z1      matmul          x [8, 4], W1 [4, 16]    [8, 16]"), r.toString());
        assertTrue(r.out().contains("shapes: 6 nodes fit; 131 param entries"), r.toString());
        assertEquals("", r.err());
    }

    @Test
    void shapesMismatchExitsThreeWithTheHint() {
        Cli.Result r = Cli.run("shapes", sick("shape-mismatch"));
        assertEquals(ExitCodes.INVALID_FILE, r.exitCode(), r.toString());
        assertTrue(r.out().contains("MISMATCH at node 'z1' (matmul, /nodes/0)"), r.toString());
        assertTrue(r.out().contains("hint: transposing W1 ([16, 4] → [4, 16]) would fit"), r.toString());
        assertTrue(r.err().startsWith("gradcheck shapes: error: "), r.toString());
        assertTrue(r.err().contains("[8, 4]") && r.err().contains("[16, 4]"), r.toString());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r);
    }

    @Test
    void shapesMismatchOnATerminalIsSaidOnce() {
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        int code = Main.commandLine(new Main(new Terminal(true, true, java.util.Map.of("NO_COLOR", "1"))))
                .setOut(new java.io.PrintWriter(out, true)).setErr(new java.io.PrintWriter(err, true))
                .execute("shapes", sick("shape-mismatch"));
        assertEquals(ExitCodes.INVALID_FILE, code, out + "\n" + err);
        assertTrue(out.toString().contains("MISMATCH at node 'z1'"), out.toString());
        assertEquals("", err.toString(), "stdout and stderr share the screen: the mismatch is shown once");
    }

    @Test
    void shapesJsonAndInvalidFile() throws IOException {
        Cli.Result r = Cli.run("shapes", sick("shape-mismatch"), "--format", "json");
        assertEquals(ExitCodes.INVALID_FILE, r.exitCode(), r.toString());
        JsonNode j = JSON.readTree(r.out());
        assertEquals("shapes", j.get("command").asText());
        assertFalse(j.get("passed").asBoolean());
        JsonNode last = j.get("checks").get(j.get("checks").size() - 1);
        assertEquals("z1", last.get("name").asText());
        assertEquals("transposing W1 ([16, 4] → [4, 16]) would fit", last.get("hint").asText());
        Cli.Result missing = Cli.run("shapes", dir.resolve("nope.json").toString());
        assertEquals(ExitCodes.INVALID_FILE, missing.exitCode(), missing.toString());
        assertTrue(missing.err().contains("no such file"), missing.toString());
    }

    @Test
    void flowOfAHealthyExample() {
        Cli.Result r = Cli.run("flow", TINY);
        assertEquals(ExitCodes.PASS, r.exitCode(), r.toString());
        assertTrue(r.out().contains("flow: healthy, nothing flagged"), r.toString());
        assertFalse(r.out().contains("FLAG "), r.toString());
    }

    @ParameterizedTest
    @CsvSource({
        "exploding, FLAG exploding h3: ",
        "vanishing, FLAG vanishing s2: ",
        "dead-relu, FLAG dead_relu a1: 16 of 16 units",
        "saturated-tanh, FLAG saturated h1: ",
        "nan-forward, FLAG nan lz: forward: log 'lz' produced nan",
        "nan-backward, FLAG nan s: backward of sqrt 's' produced nan"
    })
    void flowFlagsEachSickModel(String model, String line) {
        Cli.Result r = Cli.run("flow", sick(model));
        assertEquals(ExitCodes.CHECK_FAILED, r.exitCode(), r.toString());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith(line)), "expected a line starting '" + line + "' in\n" + r);
    }

    @Test
    void flowJsonHasOneCheckPerLayer() throws IOException {
        Cli.Result r = Cli.run("flow", sick("dead-relu"), "--format", "json");
        assertEquals(ExitCodes.CHECK_FAILED, r.exitCode(), r.toString());
        JsonNode j = JSON.readTree(r.out());
        assertEquals("flow", j.get("command").asText());
        assertEquals(VersionProvider.version(), j.get("version").asText());
        assertEquals(6, j.get("checks").size());
        for (String f : List.of("tool", "version", "command", "passed", "elapsed_ms", "seed", "checks")) {
            assertTrue(j.has(f), "missing " + f);
        }
        assertEquals("dead_relu", j.get("checks").get(2).get("flags").get(0).get("kind").asText());
    }

    @Test
    void flowThresholdsAndLearningRateAreOptions() {
        Cli.Result r = Cli.run("flow", sick("saturated-tanh"), "--saturated-share", "0.9");
        assertEquals(ExitCodes.PASS, r.exitCode(), r.toString());
        Cli.Result lr = Cli.run("flow", TINY, "--lr", "10");
        assertEquals(ExitCodes.CHECK_FAILED, lr.exitCode(), lr.toString());
        assertTrue(lr.out().contains("FLAG exploding z1: param 'W1': update:data ratio"), lr.toString());
        Cli.Result bad = Cli.run("flow", TINY, "--dead-share", "2");
        assertEquals(ExitCodes.USAGE, bad.exitCode(), bad.toString());
        assertTrue(bad.err().contains("--dead-share must be in [0, 1)"), bad.toString());
    }

    @Test
    void trainingStepsAreBounded() {
        Cli.Result flow = Cli.run("flow", TINY, "--lr", "0.1", "--steps", "2147483647");
        assertEquals(ExitCodes.USAGE, flow.exitCode(), flow.toString());
        assertTrue(flow.err().contains("--steps must be 0 (no training) to 10000"), flow.toString());
        Cli.Result sanity = Cli.run("sanity", TINY, "--steps", "2147483647");
        assertEquals(ExitCodes.USAGE, sanity.exitCode(), sanity.toString());
        assertTrue(sanity.err().contains("--steps must be at most 100000"), sanity.toString());
    }

    @Test
    void flowWrtReportsOnlyTheNamedTensors() {
        Cli.Result r = Cli.run("flow", TINY, "--wrt", "W2,b1");
        assertEquals(ExitCodes.PASS, r.exitCode(), r.toString());
        assertTrue(r.out().contains("flow of d loss / d W2, b1, seed 0"), r.toString());
        List<String> rows = r.out().lines().dropWhile(l -> !l.startsWith("param ")).skip(1)
                .takeWhile(l -> !l.isBlank()).map(l -> l.split("\\s+")[0]).toList();
        assertEquals(List.of("W2", "b1"), rows, r.toString());
        // the gradient flows from the loss to W2 and b1, not through z1 = x W1 before them
        assertTrue(r.out().lines().anyMatch(l -> l.matches("z1\\s+matmul\\s+\\[8, 16\\]\\s+-\\s+-.*")), r.toString());
        assertTrue(r.out().lines().anyMatch(l -> l.matches("a1\\s+add\\s+\\[8, 16\\]\\s+0\\.1248\\s.*")), r.toString());
        Cli.Result inputs = Cli.run("flow", TINY, "--wrt", "inputs", "--wrt", "W1");
        assertEquals(ExitCodes.PASS, inputs.exitCode(), inputs.toString());
        assertTrue(inputs.out().contains("\ntensor "), inputs.toString());
        assertTrue(inputs.out().lines().anyMatch(l -> l.startsWith("x (input) ")), inputs.toString());
        assertTrue(inputs.out().lines().anyMatch(l -> l.startsWith("W1 (param) ")), inputs.toString());
        assertFalse(inputs.out().lines().anyMatch(l -> l.startsWith("y ")), "y holds int64 targets: " + inputs);
    }

    @Test
    void flowWrtRefusesANameTheModelCannotDifferentiate() {
        Cli.Result r = Cli.run("flow", TINY, "--wrt", "W3");
        assertEquals(ExitCodes.USAGE, r.exitCode(), "a bad option value, as for check --wrt: " + r);
        assertEquals("", r.out(), r.toString());
        assertTrue(r.err().startsWith("gradcheck flow: --wrt: 'W3' is not an input or param of model 'tiny-mlp' ("
                + TINY + "; it has x, y, W1, b1, W2, b2); did you mean W1, W2"), r.toString());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r);
        Cli.Result node = Cli.run("flow", TINY, "--wrt", "h1");
        assertEquals(ExitCodes.USAGE, node.exitCode(), node.toString());
        assertTrue(node.err().contains("--wrt: 'h1' is a node, not an input or param of model 'tiny-mlp'"), node.toString());
        Cli.Result target = Cli.run("flow", TINY, "--wrt", "y");
        assertEquals(ExitCodes.USAGE, target.exitCode(), target.toString());
        assertTrue(target.err().contains("--wrt: 'y' is int64 (indices or targets) and has no gradient"), target.toString());
        // the same rule, and message, as every other command with --wrt
        Cli.Result check = Cli.run("check", TINY, "--wrt", "W3");
        assertEquals(ExitCodes.USAGE, check.exitCode(), check.toString());
        assertTrue(check.err().contains("--wrt: 'W3' is not an input or param of model 'tiny-mlp' (" + TINY), check.toString());
    }

    @Test
    void flowWrtJsonNamesTheTensorsAndTheirKind() throws IOException {
        Cli.Result r = Cli.run("flow", TINY, "--wrt", "x,W2", "--format", "json");
        assertEquals(ExitCodes.PASS, r.exitCode(), r.toString());
        JsonNode j = JSON.readTree(r.out());
        for (String f : List.of("tool", "version", "command", "passed", "elapsed_ms", "seed", "checks", "loss", "wrt",
                "flags")) {
            assertTrue(j.has(f), "missing " + f + " in " + r.out());
        }
        assertEquals("[\"x\",\"W2\"]", j.get("wrt").toString());
        assertEquals(6, j.get("checks").size(), "one entry per layer: " + r.out());
        List<String> named = new java.util.ArrayList<>();
        j.get("checks").forEach(c -> c.get("params").forEach(p -> named.add(p.get("name").asText() + ":"
                + p.get("kind").asText())));
        assertEquals(List.of("x:input", "W2:param"), named, r.out());
        JsonNode x = j.get("checks").get(0).get("params").get(0);
        assertTrue(x.get("grad_norm").asDouble() > 0, x.toString());
        assertTrue(x.get("update_data_ratio").isNull(), x.toString());
    }

    @Test
    void flowSvgNeverOverwritesWithoutForce() throws IOException {
        Path svg = dir.resolve("flow.svg");
        Cli.Result r = Cli.run("flow", sick("vanishing"), "--svg", svg.toString());
        assertEquals(ExitCodes.CHECK_FAILED, r.exitCode(), r.toString());
        String text = Files.readString(svg);
        assertEquals("rw-r--r--", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(svg)), "not the temporary file's owner-only permissions");
        assertTrue(text.contains("<svg") && text.contains("gradient flow: vanishing"), text.substring(0, 200));
        assertTrue(text.contains("s2"), "layer names on the axis");
        Files.writeString(svg, "mine");
        Files.setPosixFilePermissions(svg, java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw-r--"));
        Cli.Result again = Cli.run("flow", sick("vanishing"), "--svg", svg.toString());
        assertEquals(ExitCodes.USAGE, again.exitCode(), again.toString());
        assertTrue(again.err().contains("the file exists; add --force"), again.toString());
        assertEquals("mine", Files.readString(svg));
        Cli.Result forced = Cli.run("flow", sick("vanishing"), "--svg", svg.toString(), "--force");
        assertEquals(ExitCodes.CHECK_FAILED, forced.exitCode(), forced.toString());
        assertTrue(Files.readString(svg).contains("<svg"));
        try (var s = Files.list(dir)) {
            assertEquals(List.of(svg), s.toList(), "no temporary file left behind");
        }
        assertEquals("rw-rw-r--", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(svg)), "the permissions of the file replaced are kept");
    }

    @Test
    void sanityPassesOnTheExampleAndFlagsADivergingLearningRate() {
        Cli.Result ok = Cli.run("sanity", TINY, "--steps", "100");
        assertEquals(ExitCodes.PASS, ok.exitCode(), ok.toString());
        assertTrue(ok.out().contains("PASS init_loss: loss at init 1.141, expected about -log(1/3) = 1.099"),
                ok.toString());
        assertTrue(ok.out().contains("sanity: all checks passed"), ok.toString());
        Cli.Result bad = Cli.run("sanity", TINY, "--optimizer", "sgd", "--lr", "200", "--steps", "50");
        assertEquals(ExitCodes.CHECK_FAILED, bad.exitCode(), bad.toString());
        assertTrue(bad.out().lines().anyMatch(l -> l.startsWith("FAIL learning_rate: sgd at lr 200 diverges at step ")),
                bad.toString());
    }

    @Test
    void sanityJson() throws IOException {
        Cli.Result r = Cli.run("sanity", sick("dead-relu"), "--steps", "50", "--format", "json");
        assertEquals(ExitCodes.CHECK_FAILED, r.exitCode(), r.toString());
        JsonNode j = JSON.readTree(r.out());
        assertEquals("sanity", j.get("command").asText());
        assertEquals(5, j.get("checks").size());
        assertEquals("overfit", j.get("checks").get(1).get("name").asText());
        assertEquals("fail", j.get("checks").get(1).get("status").asText());
        JsonNode batch = j.get("checks").get(4);
        assertEquals("batch_independence", batch.get("name").asText());
        assertEquals("pass", batch.get("status").asText(), "a dead ReLU blocks gradients, it mixes no samples");
        assertEquals(16, batch.get("batch").get("size").asInt());
    }

    @Test
    void sanityBatchDim() {
        Cli.Result other = Cli.run("sanity", TINY, "--steps", "20", "--batch-dim", "1");
        assertTrue(other.out().startsWith("model 'tiny-mlp' (" + TINY + "): sanity, seed 0, 20 adam steps at lr 0.03, "
                + "batch along dim 1\n"), other.toString());
        assertTrue(other.out().contains("batch_independence: "), other.toString());
        // a dimension no input has is a mistake in the command, refused before any training step
        Cli.Result beyond = Cli.run("sanity", TINY, "--steps", "20", "--batch-dim", "5");
        assertEquals(ExitCodes.USAGE, beyond.exitCode(), beyond.toString());
        assertEquals("", beyond.out(), beyond.toString());
        assertTrue(beyond.err().contains("--batch-dim 5: no input of the model has a dimension 5 (x [8, 4], y [8])"),
                beyond.toString());
        Cli.Result negative = Cli.run("sanity", TINY, "--batch-dim", "-1");
        assertEquals(ExitCodes.USAGE, negative.exitCode(), negative.toString());
        assertTrue(negative.err().contains("--batch-dim must be 0 or more (a dimension of the inputs), got -1"), negative.toString());
    }

    @Test
    void checkFailsOnANanNamingTheProducer() {
        Cli.Result fwd = Cli.run("check", sick("nan-forward"));
        assertEquals(ExitCodes.CHECK_FAILED, fwd.exitCode(), fwd.toString());
        assertTrue(fwd.out().contains("anomaly: forward: log 'lz' produced nan"), fwd.toString());
        Cli.Result bwd = Cli.run("check", sick("nan-backward"), "--format", "json");
        assertEquals(ExitCodes.CHECK_FAILED, bwd.exitCode(), bwd.toString());
        assertTrue(bwd.out().contains("\"name\" : \"s\""), bwd.toString());
        assertTrue(bwd.out().contains("anomaly: backward of sqrt 's' produced nan"), bwd.toString());
        Cli.Result off = Cli.run("check", sick("nan-backward"), "--no-anomaly");
        assertFalse(off.out().contains("anomaly:"), off.toString());
        Cli.Result healthy = Cli.run("check", TINY);
        assertEquals(ExitCodes.PASS, healthy.exitCode(), healthy.toString());
    }

    @Test
    void helpOfEachCommand() {
        for (String c : List.of("shapes", "flow", "sanity")) {
            Cli.Result r = Cli.run(c, "--help");
            assertEquals(ExitCodes.PASS, r.exitCode(), r.toString());
            assertTrue(r.out().contains("gradcheck " + c + " "), r.toString());
        }
    }

    @Test
    void flowStepsTrainsAndReportsEachStep() throws IOException {
        Cli.Result noLr = Cli.run("flow", TINY, "--steps", "3");
        assertEquals(ExitCodes.USAGE, noLr.exitCode(), noLr.toString());
        assertTrue(noLr.err().contains("--steps 3 trains with plain SGD: give its learning rate with --lr"), noLr.err());

        Cli.Result text = Cli.run("flow", "../examples/broken/dead-relu.json", "--steps", "3", "--lr", "0.5");
        assertEquals(ExitCodes.CHECK_FAILED, text.exitCode(), text.toString());
        assertTrue(text.out().contains("training: 3 plain SGD steps at lr 0.5, loss 1.099 -> "), text.out());
        // the largest layer gradient is a1's: the loss's own (always 1) is left out
        assertTrue(text.out().lines().anyMatch(l -> l.matches("3 +[0-9.e+-]+  z1 0 +a1 0\\.2[0-9]+ +\\d+")), text.out());
        assertTrue(text.out().strip().endsWith("over 3 training steps (loss 1.099)"), text.out());
        assertEquals(1, text.out().lines().filter(l -> l.startsWith("FLAG dead_relu a1:")).count(), text.out());

        Cli.Result json = Cli.run("flow", TINY, "--steps", "2", "--lr", "0.1", "--format", "json");
        JsonNode root = JSON.readTree(json.out());
        assertEquals(3, root.get("steps").size(), json.out());
        assertEquals(2, root.get("trained").asInt());
        assertTrue(root.get("steps").get(2).get("grad_norms").has("z1"), json.out());
        assertTrue(root.get("steps").get(1).get("loss").asDouble() < root.get("steps").get(0).get("loss").asDouble(),
                "plain SGD at lr 0.1 lowers the loss: " + json.out());
    }
}

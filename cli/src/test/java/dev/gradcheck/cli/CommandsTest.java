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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @BeforeAll
    static void registerBadOp() {
        TestModels.registerBadOp();
    }

    @Test
    void checkPassesOnACorrectModel() throws IOException {
        Path model = TestModels.write(dir, "tiny.json", TestModels.TINY_MLP);
        Cli.Result r = Cli.run("check", model.toString());
        assertEquals(ExitCodes.PASS, r.exitCode(), r.toString());
        assertTrue(r.out().contains("PASS  W  [3, 2]  6 entries"), r.toString());
        assertTrue(r.out().contains("PASS  b  [2]  2 entries"), r.toString());
        assertTrue(r.out().contains("all 2 checks passed (seed 3)"), r.toString());
        assertEquals("", r.err(), "nothing on stderr for a passing check");
    }

    /**
     * Tester 16, finding 10: a check whose every tensor has no entry read "all 1 checks passed",
     * exit 0; one with three of four tensors empty read "all 4 checks passed".
     */
    @Test
    void aCheckOfNothingIsNoPassAndSkippedChecksAreCounted() throws IOException {
        Path model = TestModels.write(dir, "empty-hidden.json", """
                {"format": "gradcheck-model/1", "name": "empty-hidden", "seed": 3,
                 "inputs": {"x": {"shape": [4, 3], "init": {"normal": {"std": 1}}},
                            "y": {"shape": [4], "dtype": "int64", "init": {"randint": {"low": 0, "high": 2}}}},
                 "params": {"W": {"shape": [3, 0], "init": {"normal": {"std": 0.5}}},
                            "b": {"shape": [0], "init": "zeros"},
                            "W2": {"shape": [0, 2], "init": {"normal": {"std": 0.5}}},
                            "b2": {"shape": [2], "init": {"normal": {"std": 0.5}}}},
                 "nodes": [{"name": "z", "op": "matmul", "inputs": ["x", "W"]},
                           {"name": "a", "op": "add", "inputs": ["z", "b"]},
                           {"name": "h", "op": "tanh", "inputs": ["a"]},
                           {"name": "z2", "op": "matmul", "inputs": ["h", "W2"]},
                           {"name": "logits", "op": "add", "inputs": ["z2", "b2"]},
                           {"name": "loss", "op": "cross_entropy", "inputs": ["logits", "y"]}],
                 "output": "loss"}
                """);
        Cli.Result none = Cli.run("check", model.toString(), "--wrt", "W");
        assertEquals(ExitCodes.CHECK_FAILED, none.exitCode(), none.toString());
        assertTrue(none.out().contains("skipped: 'W' has no entries: nothing to check"), none.toString());
        assertTrue(none.out().strip().endsWith("NOTHING CHECKED: no entry of W could be judged (see SKIPPED above); "
                + "this is not a pass (seed 3)"), none.toString());
        assertFalse(none.out().contains("passed"), none.toString());
        JsonNode json = JSON.readTree(Cli.run("check", model.toString(), "--wrt", "W", "--format", "json").out());
        assertFalse(json.get("passed").asBoolean(), json.toString());
        assertEquals("no entry of W could be judged", json.get("nothing_checked").asText());

        Cli.Result some = Cli.run("check", model.toString());
        assertEquals(ExitCodes.PASS, some.exitCode(), "the non-empty tensors were checked: " + some);
        assertTrue(some.out().contains("checks passed or skipped: "), some.toString());
        assertFalse(some.out().matches("(?s).*all \\d+ checks passed \\(.*"), some.toString());
    }

    @Test
    void checkOfTheShippedExamplePasses() {
        Path example = Path.of("..", "examples", "tiny-mlp.json");
        Cli.Result r = Cli.run("check", example.toString(), "--no-progress");
        assertEquals(ExitCodes.PASS, r.exitCode(), r.toString());
        assertTrue(r.out().contains("all 4 checks passed"), r.toString());
    }

    @Test
    void checkForwardAddsTheEnginesJvpsAndTheAdjointIdentity() throws IOException {
        Path example = Path.of("..", "examples", "tiny-mlp.json");
        Cli.Result r = Cli.run("check", example.toString(), "--forward", "--format", "json");
        assertEquals(ExitCodes.PASS, r.exitCode(), r.toString());
        java.util.List<String> names = new java.util.ArrayList<>();
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.out()).get("checks")
                .forEach(c -> names.add(c.get("name").asText()));
        assertEquals(java.util.List.of("W1", "b1", "W2", "b2", "jvp/W1", "jvp/b1", "jvp/W2", "jvp/b2", "jvp/all",
                "adjoint"), names);
        // a model whose forward is not finite: the forward checks say so, and the run fails
        Cli.Result nan = Cli.run("check", Path.of("..", "examples", "broken", "nan-producer.json").toString(),
                "--forward", "--no-anomaly");
        assertEquals(ExitCodes.CHECK_FAILED, nan.exitCode(), nan.toString());
        assertTrue(nan.out().contains("ERROR jvp/all"), nan.out());
    }

    @Test
    void checkFailsOnAWrongGradientAndSaysWhere() throws IOException {
        Path model = TestModels.write(dir, "bad.json", TestModels.BAD_MODEL);
        Cli.Result r = Cli.run("check", model.toString());
        assertEquals(ExitCodes.CHECK_FAILED, r.exitCode(), r.toString());
        assertTrue(r.out().contains("FAIL  W  [3, 3]"), r.toString());
        assertTrue(r.out().contains("1.5"), "the diagnosis should name the factor 3/2:\n" + r.out());
        assertTrue(r.out().contains("1 of 1 checks failed"), r.toString());
    }

    @Test
    void checkJsonHasEveryFieldOfTheContract() throws IOException {
        Path model = TestModels.write(dir, "bad.json", TestModels.BAD_MODEL);
        Cli.Result r = Cli.run("check", model.toString(), "--format", "json", "--seed", "7");
        assertEquals(ExitCodes.CHECK_FAILED, r.exitCode(), r.toString());
        JsonNode root = JSON.readTree(r.out());
        assertEquals(List.of("tool", "version", "command", "passed", "elapsed_ms", "seed", "model", "output", "wrt",
                "threads", "commit", "checks"),
                fieldNames(root).subList(0, 12), r.out());
        assertEquals("gradcheck", root.get("tool").asText());
        assertEquals(VersionProvider.version(), root.get("version").asText());
        assertEquals("check", root.get("command").asText());
        assertFalse(root.get("passed").asBoolean());
        assertTrue(root.get("elapsed_ms").isNumber() && root.get("elapsed_ms").asDouble() > 0, r.out());
        assertEquals(7, root.get("seed").asLong());
        JsonNode w = root.get("checks").get(0);
        for (String f : new String[] {"name", "passed", "status", "max_abs_error", "max_rel_error", "worst", "diagnosis"}) {
            assertTrue(w.has(f), "check entry lacks '" + f + "': " + w);
        }
        assertEquals("W", w.get("name").asText());
        assertEquals("fail", w.get("status").asText());
        assertFalse(w.get("passed").asBoolean());
        JsonNode worst = w.get("worst").get(0);
        for (String f : new String[] {"index", "analytic", "numeric"}) {
            assertTrue(worst.has(f), "worst entry lacks '" + f + "': " + worst);
        }
        assertEquals(2, worst.get("index").size(), worst.toString());
        // analytic = 1.5 x numeric: the planted 3x instead of 2x
        assertEquals(1.5, worst.get("analytic").asDouble() / worst.get("numeric").asDouble(), 1e-4, worst.toString());
    }

    @Test
    void jsonToAFileLeavesStdoutEmpty() throws IOException {
        Path model = TestModels.write(dir, "tiny.json", TestModels.TINY_MLP);
        Path report = dir.resolve("out/report.json");
        Cli.Result r = Cli.run("check", model.toString(), "--format", "json", "--output", report.toString());
        assertEquals(ExitCodes.PASS, r.exitCode(), r.toString());
        assertEquals("", r.out());
        JsonNode root = JSON.readTree(Files.readString(report));
        assertTrue(root.get("passed").asBoolean(), root.toString());
        assertEquals(2, root.get("checks").size(), root.toString());

        Files.writeString(report, "keep me");
        Cli.Result again = Cli.run("check", model.toString(), "--output", report.toString());
        assertEquals(ExitCodes.USAGE, again.exitCode(), again.toString());
        assertTrue(again.err().contains("--force"), again.err());
        assertEquals("keep me", Files.readString(report), "an existing file is never overwritten without --force");
        assertEquals(ExitCodes.PASS, Cli.run("check", model.toString(), "--output", report.toString(), "--force").exitCode());
        assertTrue(Files.readString(report).contains("PASS  W"), Files.readString(report));
    }

    @Test
    void invalidModelFileIsExit3WithFileAndPlaceAndNoStackTrace() throws IOException {
        Path model = TestModels.write(dir, "broken.json", TestModels.TINY_MLP.replace("\"op\": \"tanh\"", "\"op\": \"tanhh\""));
        Cli.Result r = Cli.run("check", model.toString());
        assertEquals(ExitCodes.INVALID_FILE, r.exitCode(), r.toString());
        assertTrue(r.err().contains(model.toString()), "message names the file: " + r.err());
        assertTrue(r.err().contains("/nodes/2"), "message names the place: " + r.err());
        assertTrue(r.err().contains("tanhh") && r.err().contains("did you mean tanh"), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace without --debug: " + r.err());
        assertEquals("", r.out());
    }

    @Test
    void debugShowsTheStackTrace() throws IOException {
        Path model = TestModels.write(dir, "broken.json", "{\"format\": \"gradcheck-model/1\", ");
        Cli.Result r = Cli.run("check", model.toString(), "--debug");
        assertEquals(ExitCodes.INVALID_FILE, r.exitCode(), r.toString());
        assertTrue(r.err().contains("\tat "), "stack trace with --debug: " + r.err());
    }

    @Test
    void missingFilesAreExit3() {
        Cli.Result r = Cli.run("check", dir.resolve("nope.json").toString());
        assertEquals(ExitCodes.INVALID_FILE, r.exitCode(), r.toString());
        assertTrue(r.err().contains("nope.json"), r.err());
        Cli.Result v = Cli.run("check", Path.of("..", "examples", "tiny-mlp.json").toString(), "--values",
                dir.resolve("none.npz").toString());
        assertEquals(ExitCodes.INVALID_FILE, v.exitCode(), v.toString());
        assertTrue(v.err().contains("none.npz"), v.err());
    }

    @Test
    void usageErrorsAreExit2() throws IOException {
        Path model = TestModels.write(dir, "tiny.json", TestModels.TINY_MLP);
        assertEquals(ExitCodes.USAGE, Cli.run("check").exitCode(), "missing MODEL");
        assertEquals(ExitCodes.USAGE, Cli.run("check", model.toString(), "--mode", "slow").exitCode());
        Cli.Result wrt = Cli.run("check", model.toString(), "--wrt", "Q");
        assertEquals(ExitCodes.USAGE, wrt.exitCode(), wrt.toString());
        assertTrue(wrt.err().contains("'Q' is not an input or param"), wrt.err());
        Cli.Result eps = Cli.run("check", model.toString(), "--eps", "-1");
        assertEquals(ExitCodes.USAGE, eps.exitCode(), eps.toString());
        assertEquals(ExitCodes.USAGE, Cli.run("grads", model.toString()).exitCode(), "missing --out");
        Cli.Result threads = Cli.run("check", model.toString(), "--threads", "-2");
        assertEquals(ExitCodes.USAGE, threads.exitCode(), threads.toString());
        assertTrue(threads.err().contains("--threads"), threads.err());
    }

    @Test
    void wrtInputsChecksTheFloatInputs() throws IOException {
        Path model = TestModels.write(dir, "tiny.json", TestModels.TINY_MLP);
        Cli.Result r = Cli.run("check", model.toString(), "--wrt", "all");
        assertEquals(ExitCodes.PASS, r.exitCode(), r.toString());
        assertTrue(r.out().contains("PASS  x  [4, 3]"), r.toString());
        assertFalse(r.out().contains("PASS  y"), "int64 targets have no gradient: " + r.out());
    }

    @Test
    void fastAndSampledModesRun() throws IOException {
        Path model = TestModels.write(dir, "bad.json", TestModels.BAD_MODEL);
        for (String mode : new String[] {"fast", "sampled"}) {
            Cli.Result r = Cli.run("check", model.toString(), "--mode", mode, "--format", "json");
            assertEquals(ExitCodes.CHECK_FAILED, r.exitCode(), mode + ": " + r);
            assertEquals(mode, JSON.readTree(r.out()).get("checks").get(0).get("mode").asText(), r.out());
        }
    }

    /**
     * FAST mode checks every tensor in one check (one forward and one set of backward passes), and
     * each tensor's result is what its reproduce hint, {@code --wrt NAME}, gives on its own.
     */
    @Test
    void fastModeResultsMatchEachTensorCheckedAlone() throws IOException {
        Path model = TestModels.write(dir, "tiny.json", TestModels.TINY_MLP);
        Cli.Result all = Cli.run("check", model.toString(), "--mode", "fast", "--wrt", "all", "--no-anomaly",
                "--format", "json");
        assertEquals(ExitCodes.PASS, all.exitCode(), all.toString());
        JsonNode checks = JSON.readTree(all.out()).get("checks");
        assertTrue(checks.size() >= 3, all.out());
        for (JsonNode c : checks) {
            String name = c.get("name").asText();
            Cli.Result one = Cli.run("check", model.toString(), "--mode", "fast", "--wrt", name, "--no-anomaly",
                    "--format", "json");
            JsonNode alone = JSON.readTree(one.out()).get("checks").get(0);
            assertEquals(name, alone.get("name").asText(), one.out());
            assertEquals(c.toString(), alone.toString(), "tensor '" + name + "' checked alone");
        }
    }

    /** {@code --probes K} sets FAST mode's projections per tensor (reported, and kept in the reproduce line). */
    @Test
    void probesSetsTheProjectionsOfFastMode() throws IOException {
        Path model = TestModels.write(dir, "tiny.json", TestModels.TINY_MLP);
        for (int k : new int[] {1, 2}) {
            Cli.Result r = Cli.run("check", model.toString(), "--mode", "fast", "--probes", Integer.toString(k),
                    "--no-anomaly", "--format", "json");
            assertEquals(ExitCodes.PASS, r.exitCode(), r.toString());
            JsonNode c = JSON.readTree(r.out()).get("checks").get(0);
            assertEquals(k, c.get("probes").asInt(), r.out());
            assertTrue(c.get("reproduce").asText().contains("--probes " + k), r.out());
        }
        Cli.Result zero = Cli.run("check", model.toString(), "--mode", "fast", "--probes", "0");
        assertEquals(ExitCodes.USAGE, zero.exitCode(), zero.toString());
        assertTrue(zero.err().contains("--probes must be 1 or more, got 0"), zero.err());
        Cli.Result full = Cli.run("check", model.toString(), "--probes", "2");
        assertEquals(ExitCodes.USAGE, full.exitCode(), full.toString());
        assertTrue(full.err().contains("--probes sets the random projections of --mode fast; --mode full checks entries"),
                full.err());
    }

    @Test
    void gradsThenCompareAgreeAndAWrongGradientFails() throws IOException {
        Path model = TestModels.write(dir, "tiny.json", TestModels.TINY_MLP);
        Path g = dir.resolve("g.npz");
        Cli.Result grads = Cli.run("grads", model.toString(), "--out", g.toString());
        assertEquals(ExitCodes.PASS, grads.exitCode(), grads.toString());
        assertTrue(Files.size(g) > 0);
        assertTrue(grads.out().contains("W  [3, 2]"), grads.out());

        Cli.Result same = Cli.run("compare", model.toString(), "--grads", g.toString());
        assertEquals(ExitCodes.PASS, same.exitCode(), same.toString());
        assertTrue(same.out().contains("PASS  W  [3, 2]"), same.out());

        // another seed gives other values, so the saved gradients no longer match
        Cli.Result other = Cli.run("compare", model.toString(), "--grads", g.toString(), "--seed", "99",
                "--format", "json");
        assertEquals(ExitCodes.CHECK_FAILED, other.exitCode(), other.toString());
        JsonNode root = JSON.readTree(other.out());
        assertEquals("compare", root.get("command").asText());
        assertEquals("fail", root.get("checks").get(0).get("status").asText(), other.out());

        Path g2 = dir.resolve("g2.npz");
        Cli.Result json = Cli.run("grads", model.toString(), "--out", g2.toString(), "--format", "json");
        assertEquals(ExitCodes.PASS, json.exitCode(), json.toString());
        JsonNode root2 = JSON.readTree(json.out());
        assertEquals("grads", root2.get("command").asText(), json.out());
        assertEquals("W", root2.get("gradients").get(0).get("name").asText(), json.out());
        assertEquals(Files.size(g), Files.size(g2), "same gradients, same file size");

        Cli.Result again = Cli.run("grads", model.toString(), "--out", g.toString());
        assertEquals(ExitCodes.USAGE, again.exitCode(), "refuses to overwrite: " + again);
        assertEquals(ExitCodes.PASS, Cli.run("grads", model.toString(), "--out", g.toString(), "--force").exitCode());
    }

    @Test
    void compareAgreesWithPyTorchOnTheShippedExample() {
        Path oracle = Path.of("..", "gradcheck", "src", "test", "resources", "oracle", "tiny-mlp");
        Cli.Result r = Cli.run("compare", Path.of("..", "examples", "tiny-mlp.json").toString(),
                "--values", oracle.resolve("values.npz").toString(), "--grads", oracle.resolve("grads.npz").toString(),
                "--rtol", "1e-9", "--atol", "0");
        assertEquals(ExitCodes.PASS, r.exitCode(), r.toString());
    }

    @Test
    void graphPrintsDotAndColoursAFailingParamRed() throws IOException {
        Path good = TestModels.write(dir, "tiny.json", TestModels.TINY_MLP);
        Cli.Result r = Cli.run("graph", good.toString());
        assertEquals(ExitCodes.PASS, r.exitCode(), r.toString());
        assertTrue(r.out().startsWith("digraph \"tiny\" {"), r.out());
        for (String n : new String[] {"x", "y", "W", "b", "z", "logits", "h", "loss"}) {
            assertTrue(r.out().contains("  \"" + n + "\" [label="), "no node " + n + ":\n" + r.out());
        }
        assertTrue(r.out().contains("\"W\" -> \"z\" [headlabel=\"1 other\", labelangle=35];"), r.out());
        assertTrue(r.out().contains("h = tanh\\n[4, 2]\\nvalue: mean"), r.out());
        assertFalse(r.out().matches("(?s).*class=\"(fail|producer|carrier)\".*"), r.out());

        Path bad = TestModels.write(dir, "bad.json", TestModels.BAD_MODEL);
        Cli.Result c = Cli.run("graph", bad.toString(), "--check");
        assertEquals(ExitCodes.CHECK_FAILED, c.exitCode(), c.toString());
        String w = c.out().lines().filter(l -> l.strip().startsWith("\"W\" [")).findFirst().orElseThrow();
        assertTrue(w.contains("check: FAIL") && w.contains("class=\"fail\""), w);
    }

    @Test
    void graphMarksTheNodeThatProducedANanApartFromItsCarriers() throws IOException {
        Path model = TestModels.write(dir, "nan.json", """
                {"format": "gradcheck-model/1", "name": "nan",
                 "inputs": {"x": {"shape": [2], "init": {"value": [-1.0, 4.0]}}},
                 "params": {"W": {"shape": [2], "init": "ones"}},
                 "nodes": [{"name": "z", "op": "mul", "inputs": ["x", "W"]},
                           {"name": "r", "op": "sqrt", "inputs": ["z"]},
                           {"name": "loss", "op": "sum", "inputs": ["r"]}],
                 "output": "loss"}
                """);
        Cli.Result r = Cli.run("graph", model.toString());
        assertEquals(ExitCodes.PASS, r.exitCode(), r.toString());
        String line = r.out().lines().filter(l -> l.strip().startsWith("\"r\" [")).findFirst().orElseThrow();
        assertTrue(line.contains("1 NaN") && line.contains("class=\"producer\"")
                && line.contains("PRODUCES nan in the forward pass"), line);
        String loss = r.out().lines().filter(l -> l.strip().startsWith("\"loss\" [")).findFirst().orElseThrow();
        assertTrue(loss.contains("class=\"carrier\"") && loss.contains("value carries NaN from an earlier node"), loss);
        // checked, the param's check is an error with its reason, not figures nothing measured, and
        // drawn with the carriers: the NaN only reached it
        Cli.Result c = Cli.run("graph", model.toString(), "--check");
        String w = c.out().lines().filter(l -> l.strip().startsWith("\"W\" [")).findFirst().orElseThrow();
        assertTrue(w.contains("check: ERROR: loss is NaN here, so nothing could be checked") && !w.contains("max abs")
                && w.contains("class=\"carrier error\""), w);
    }

    @Test
    void reportsAreIdenticalForAnyThreadCountTimingsAside() throws IOException {
        Path model = TestModels.write(dir, "tiny.json", TestModels.TINY_MLP);
        String one = withoutTiming(Cli.run("check", model.toString(), "--format", "json", "--threads", "1").out());
        String two = withoutTiming(Cli.run("check", model.toString(), "--format", "json", "--threads", "2").out());
        assertEquals(one, two);
        String ops1 = withoutTiming(Cli.run("ops", "--op", "matmul", "--op", "softmax", "--format", "json", "--threads", "1").out());
        String ops2 = withoutTiming(Cli.run("ops", "--op", "matmul", "--op", "softmax", "--format", "json", "--threads", "2").out());
        assertEquals(ops1, ops2);
    }

    @Test
    void valuesOverrideInitsByName() throws IOException {
        Path model = TestModels.write(dir, "tiny.json", TestModels.TINY_MLP);
        Path values = dir.resolve("values.npz");
        // W = 0 and x = 1: every logit is b = 0, so with y in {0, 1} the gradient of b is known exactly
        dev.gradcheck.engine.io.Npz.write(values, java.util.Map.of(
                "W", dev.gradcheck.engine.Tensor.zeros(3, 2),
                "x", dev.gradcheck.engine.Tensor.ones(4, 3)));
        Path g = dir.resolve("g.npz");
        Cli.Result r = Cli.run("grads", model.toString(), "--values", values.toString(), "--out", g.toString());
        assertEquals(ExitCodes.PASS, r.exitCode(), r.toString());
        double[] gb = dev.gradcheck.engine.io.Npz.read(g).get("b").data();
        // softmax of tanh(0) = [0.5, 0.5]; d loss / d b_j = mean over the batch of (0.5 - [y == j])
        assertEquals(0.0, gb[0] + gb[1], 1e-15, "the two entries of db cancel: " + java.util.Arrays.toString(gb));
        assertEquals(ExitCodes.PASS, Cli.run("check", model.toString(), "--values", values.toString()).exitCode());

        Path wrong = dir.resolve("wrong.npz");
        dev.gradcheck.engine.io.Npz.write(wrong, java.util.Map.of("W", dev.gradcheck.engine.Tensor.zeros(2, 3)));
        Cli.Result bad = Cli.run("check", model.toString(), "--values", wrong.toString());
        assertEquals(ExitCodes.INVALID_FILE, bad.exitCode(), bad.toString());
        assertTrue(bad.err().contains("wrong.npz") && bad.err().contains("[2, 3]") && bad.err().contains("[3, 2]"),
                bad.err());
    }

    @Test
    void compareFlagsGradientsTheModelDoesNotHave() throws IOException {
        Path model = TestModels.write(dir, "tiny.json", TestModels.TINY_MLP);
        Path g = dir.resolve("all.npz");
        assertEquals(ExitCodes.PASS, Cli.run("grads", model.toString(), "--wrt", "all", "--out", g.toString()).exitCode());
        Cli.Result r = Cli.run("compare", model.toString(), "--grads", g.toString());
        assertEquals(ExitCodes.CHECK_FAILED, r.exitCode(), r.toString());
        assertTrue(r.out().contains("PASS  W") && r.out().contains("ERROR x"), r.out());
        assertEquals(ExitCodes.PASS, Cli.run("compare", model.toString(), "--wrt", "all", "--grads", g.toString())
                .exitCode());
    }

    private static String withoutTiming(String json) throws IOException {
        com.fasterxml.jackson.databind.node.ObjectNode root = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(json);
        root.remove("elapsed_ms");
        root.remove("threads"); // the setting itself, not a result
        return root.toString();
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}

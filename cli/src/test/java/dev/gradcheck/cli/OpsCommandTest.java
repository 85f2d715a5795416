package dev.gradcheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gradcheck.engine.op.OpRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OpsCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String SQUARE = TestJars.squareOp("Square", "square", "3, 4", "", "");

    /** y = a * b elementwise; the planted bug: db has an extra factor of 2. */
    private static final String BAD_SCALE = """
            package demo;
            public final class BadScale implements dev.gradcheck.CustomOp {
                public String name() { return "bad_scale"; }
                public int[][] inputShapes() { return new int[][] {{5}, {5}}; }
                public double[] forward(double[][] in) {
                    double[] y = new double[5];
                    for (int i = 0; i < 5; i++) y[i] = in[0][i] * in[1][i];
                    return y;
                }
                public double[][] backward(double[][] in, double[] g) {
                    double[] da = new double[5];
                    double[] db = new double[5];
                    for (int i = 0; i < 5; i++) {
                        da[i] = in[1][i] * g[i];
                        db[i] = 2 * in[0][i] * g[i];   // planted bug: an extra factor of 2
                    }
                    return new double[][] {da, db};
                }
            }
            """;

    @TempDir
    Path dir;

    private Path jar() throws IOException {
        return TestJars.customOpJar(dir, Map.of("demo.Square", SQUARE, "demo.BadScale", BAD_SCALE),
                List.of("demo.Square", "demo.BadScale"));
    }

    @Test
    void jarWithAPlantedBugFailsAndNamesEachOp() throws IOException {
        Cli.Result r = Cli.run("ops", "--jar", jar().toString(), "--format", "json");
        assertEquals(ExitCodes.CHECK_FAILED, r.exitCode(), r.toString());
        JsonNode root = JSON.readTree(r.out());
        assertEquals("ops", root.get("command").asText());
        assertFalse(root.get("passed").asBoolean());
        JsonNode checks = root.get("checks");
        assertEquals(2, checks.size(), r.out());
        JsonNode square = find(checks, "square");
        JsonNode bad = find(checks, "bad_scale");
        assertEquals("pass", square.get("status").asText(), square.toString());
        assertTrue(square.get("passed").asBoolean());
        // per input and per draw (3 by default, |x| ~ 1, 10, 100), draw 0's inputs first
        assertEquals(3, square.get("inputs").size(), "per-input results nested: " + square);
        assertEquals("fail", bad.get("status").asText(), bad.toString());
        assertFalse(bad.get("passed").asBoolean());
        JsonNode inputs = bad.get("inputs");
        assertEquals(6, inputs.size(), bad.toString());
        assertEquals("pass", inputs.get(0).get("status").asText(), "input0 is right: " + inputs.get(0));
        assertEquals("fail", inputs.get(1).get("status").asText(), "input1 has the bug: " + inputs.get(1));
        assertTrue(bad.get("diagnosis").asText().contains("2"), "names the factor 2: " + bad.get("diagnosis"));
    }

    @Test
    void jarTextReportAndOpFilter() throws IOException {
        Path jar = jar();
        Cli.Result r = Cli.run("ops", "--jar", jar.toString());
        assertEquals(ExitCodes.CHECK_FAILED, r.exitCode(), r.toString());
        assertTrue(r.out().contains("PASS  square"), r.out());
        assertTrue(r.out().contains("FAIL  bad_scale"), r.out());
        assertTrue(r.out().contains("1 of 2 checks failed"), r.out());

        Cli.Result only = Cli.run("ops", "--jar", jar.toString(), "--op", "square");
        assertEquals(ExitCodes.PASS, only.exitCode(), only.toString());
        assertFalse(only.out().contains("bad_scale"), only.out());

        Cli.Result unknown = Cli.run("ops", "--jar", jar.toString(), "--op", "cube");
        assertEquals(ExitCodes.USAGE, unknown.exitCode(), unknown.toString());
        assertTrue(unknown.err().contains("square, bad_scale"), unknown.err());
    }

    @Test
    void missingOrEmptyJarIsExit3() throws IOException {
        Cli.Result missing = Cli.run("ops", "--jar", dir.resolve("nope.jar").toString());
        assertEquals(ExitCodes.INVALID_FILE, missing.exitCode(), missing.toString());
        assertTrue(missing.err().contains("nope.jar"), missing.err());

        Path notAJar = Files.writeString(dir.resolve("text.jar"), "not a zip");
        Cli.Result bad = Cli.run("ops", "--jar", notAJar.toString());
        assertEquals(ExitCodes.INVALID_FILE, bad.exitCode(), bad.toString());
        assertTrue(bad.err().contains("text.jar"), bad.err());
        assertFalse(bad.err().contains("\tat "), bad.err());
    }

    @Test
    void jarNamingAMissingClassIsExit3() throws IOException {
        Path jar = TestJars.customOpJar(dir, Map.of("demo.Square", SQUARE), List.of("demo.Square", "demo.Gone"));
        Cli.Result r = Cli.run("ops", "--jar", jar.toString());
        assertEquals(ExitCodes.INVALID_FILE, r.exitCode(), r.toString());
        assertTrue(r.err().contains("ops.jar") && r.err().contains("demo.Gone"), r.err());
    }

    @Test
    void registryOpsPassByName() {
        Cli.Result r = Cli.run("ops", "--op", "tanh", "--op", "matmul", "--format", "json");
        assertEquals(ExitCodes.PASS, r.exitCode(), r.toString());
        JsonNode checks = readChecks(r.out());
        assertEquals(2, checks.size());
        assertEquals("tanh", checks.get(0).get("name").asText());
        assertEquals("matmul", checks.get(1).get("name").asText());
        // 3 draws by default, two real inputs for matmul
        assertEquals(6, checks.get(1).get("inputs").size(), checks.get(1).toString());
    }

    @Test
    void aRegisteredOpWithAWrongBackwardFails() {
        TestModels.registerBadOp();
        Cli.Result r = Cli.run("ops", "--op", TestModels.BAD_SQUARE, "--draws", "2");
        assertEquals(ExitCodes.CHECK_FAILED, r.exitCode(), r.toString());
        assertTrue(r.out().contains("FAIL  " + TestModels.BAD_SQUARE), r.out());
        assertTrue(r.out().contains("draw1/input"), r.out());
    }

    @Test
    void everyPublicRegisteredOpPasses() {
        Cli.Result r = Cli.run("ops", "--format", "json");
        JsonNode checks = readChecks(r.out());
        assertEquals(OpRegistry.publicOps().size(), checks.size());
        StringBuilder failed = new StringBuilder();
        for (JsonNode c : checks) {
            if (!c.get("passed").asBoolean()) {
                failed.append(c.get("name").asText()).append(": ").append(c.get("diagnosis")).append(' ')
                        .append(c.get("error")).append('\n');
            }
        }
        assertEquals("", failed.toString(), "ops that failed");
        assertEquals(ExitCodes.PASS, r.exitCode());
    }

    @Test
    void unknownOpSuggestsNames() {
        Cli.Result r = Cli.run("ops", "--op", "tnah");
        assertEquals(ExitCodes.USAGE, r.exitCode(), r.toString());
        assertTrue(r.err().contains("did you mean") && r.err().contains("tanh"), r.err());
    }

    @Test
    void listNamesEveryPublicOp() {
        Cli.Result r = Cli.run("ops", "--list");
        assertEquals(ExitCodes.PASS, r.exitCode(), r.toString());
        for (var op : OpRegistry.publicOps()) {
            assertTrue(r.out().lines().anyMatch(l -> l.startsWith(op.name() + "(")), "--list lacks " + op.name());
        }
        java.util.List<String> lines = r.out().lines().collect(java.util.stream.Collectors.toList());
        assertEquals(OpRegistry.publicOps().size() + " ops", lines.get(lines.size() - 1), "the last line counts them");
    }

    private static JsonNode readChecks(String json) {
        try {
            return JSON.readTree(json).get("checks");
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }

    private static JsonNode find(JsonNode checks, String name) {
        for (JsonNode c : checks) {
            if (c.get("name").asText().equals(name)) {
                return c;
            }
        }
        throw new AssertionError("no check named " + name + " in " + checks);
    }
}

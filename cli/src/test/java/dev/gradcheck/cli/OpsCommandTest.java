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

    /** y = a * b with its forward rule; {@code bad} drops the da·b term of the product rule. */
    static String forwardMul(String cls, String name, boolean bad) {
        return """
                package demo;
                public final class %s implements dev.gradcheck.CustomOp, dev.gradcheck.ForwardDifferentiable {
                    public String name() { return "%s"; }
                    public int[][] inputShapes() { return new int[][] {{2, 3}, {2, 3}}; }
                    public double[] forward(double[][] in) {
                        double[] y = new double[6];
                        for (int i = 0; i < 6; i++) y[i] = in[0][i] * in[1][i];
                        return y;
                    }
                    public double[][] backward(double[][] in, double[] g) {
                        double[] da = new double[6];
                        double[] db = new double[6];
                        for (int i = 0; i < 6; i++) {
                            da[i] = in[1][i] * g[i];
                            db[i] = in[0][i] * g[i];
                        }
                        return new double[][] {da, db};
                    }
                    public double[] jvp(double[][] in, double[][] t) {
                        double[] d = new double[6];
                        for (int i = 0; i < 6; i++) d[i] = (%s) + in[0][i] * t[1][i];
                        return d;
                    }
                }
                """.formatted(cls, name, bad ? "0" : "t[0][i] * in[1][i]");
    }

    @Test
    void opsWithAForwardRuleHaveItCheckedBesideTheBackward() throws IOException {
        Path jar = TestJars.customOpJar(dir, Map.of("demo.Mul", forwardMul("Mul", "mul", false), "demo.HalfMul",
                forwardMul("HalfMul", "half_mul", true)), List.of("demo.Mul", "demo.HalfMul"));
        Cli.Result r = Cli.run("ops", "--jar", jar.toString(), "--format", "json");
        assertEquals(ExitCodes.CHECK_FAILED, r.exitCode(), r.toString());
        JsonNode checks = JSON.readTree(r.out()).get("checks");
        JsonNode mul = checks.get(0);
        assertEquals("pass", mul.get("status").asText(), mul.toPrettyString());
        assertEquals("pass", mul.get("jvp").get("status").asText());
        JsonNode half = checks.get(1);
        assertEquals("fail", half.get("status").asText(), half.toPrettyString());
        assertEquals("fail", half.get("jvp").get("status").asText());
        assertTrue(half.get("diagnosis").asText().startsWith("the forward rule ignores input0's tangent (input1's is"
                + " right: a product-rule term is missing?)"), half.get("diagnosis").asText());
        Cli.Result text = Cli.run("ops", "--jar", jar.toString());
        assertTrue(text.out().contains("jvp: PASS") && text.out().contains("jvp: FAIL"), text.out());
        // the op's first line says the forward rule failed, after the backward's (passing) figures
        assertTrue(text.out().lines().anyMatch(l -> l.matches("FAIL  half_mul  \\d+ entries, max abs \\S+, max rel"
                + " \\S+; forward rule \\(jvp\\): FAIL, max rel \\S+")), text.out());
    }

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

        Cli.Result unknown = Cli.run("ops", "--jar", jar.toString(), "--op", "ops");
        assertEquals(ExitCodes.USAGE, unknown.exitCode(), unknown.toString());
        assertTrue(unknown.err().contains("no CustomOp named 'ops'") && unknown.err().contains("square, bad_scale"),
                unknown.err());

        Path args = Files.writeString(dir.resolve("args.txt"), "ops --jar " + jar + " --op square\n");
        Cli.Result fromFile = Cli.run("@" + args);
        assertEquals(ExitCodes.PASS, fromFile.exitCode(), "an @-file: " + fromFile);
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
    void aServicesFileNamingAMissingClassIsThatEntrysError() throws IOException {
        Path jar = TestJars.customOpJar(dir, Map.of("demo.Square", SQUARE), List.of("demo.Square", "demo.Gone"));
        Cli.Result r = Cli.run("ops", "--jar", jar.toString());
        assertEquals(ExitCodes.CHECK_FAILED, r.exitCode(), r.toString());
        assertTrue(r.out().contains("ERROR demo.Gone"), r.toString());
        assertTrue(r.out().contains("the services file names demo.Gone, which is not on the class path"), r.toString());
        assertTrue(r.out().contains("PASS  square"), r.toString());
    }

    @Test
    void aJvmOptionTheCheckingJvmRefusesIsAUsageError() throws IOException {
        Cli.Result r = Cli.run("ops", "--jar", jar().toString(), "--jvm-option", "-Xmx1k");
        assertEquals(ExitCodes.USAGE, r.exitCode(), r.toString());
        assertTrue(r.err().contains("--jvm-option [-Xmx1k]: the JVM that checks the ops ended as it started"),
                r.err());
    }

    @Test
    void reproduceLinesQuoteNamesAndPathsForTheShell() throws IOException {
        String odd = SQUARE.replace("\"square\"", "\"neureka.x_times_sum(x)\"").replace("d[i] = 2 *", "d[i] = 3 *");
        Path jar = TestJars.customOpJar(dir.resolve("with space"), Map.of("demo.Square", odd), List.of("demo.Square"));
        Cli.Result r = Cli.run("ops", "--jar", jar.toString(), "--draws", "2", "--magnitudes", "1,5");
        assertEquals(ExitCodes.CHECK_FAILED, r.exitCode(), r.toString());
        assertTrue(r.out().contains("reproduce: gradcheck ops --jar '" + jar + "' --op 'neureka.x_times_sum(x)' "
                + "--seed 0 --draws 2 --magnitudes 1.0,5.0"), r.out());
        assertTrue(r.out().contains("(draw 1, |x|~5.00)") && !r.out().contains("(draw 2"), "--draws and --magnitudes "
                + "are honoured for CustomOps: " + r.out());
    }

    /**
     * The checking JVM sees an op's optional methods as the op declares them: a log whose
     * {@code domain(0)} is x &gt; 0 gets only positive draws (no note of a re-draw), the same op
     * without the declaration is re-drawn (a note says so).
     */
    @Test
    void anOpsDeclaredDomainReachesTheChecker() throws IOException {
        String log = """
                package demo;
                public final class %s implements dev.gradcheck.CustomOp {
                    public String name() { return "%s"; }
                    public int[][] inputShapes() { return new int[][] {{4}}; }
                    public double[] forward(double[][] in) {
                        double[] y = new double[4];
                        for (int i = 0; i < 4; i++) y[i] = Math.log(in[0][i]);
                        return y;
                    }
                    public double[][] backward(double[][] in, double[] g) {
                        double[] d = new double[4];
                        for (int i = 0; i < 4; i++) d[i] = g[i] / in[0][i];
                        return new double[][] {d};
                    }
                    %s
                }
                """;
        Path jar = TestJars.customOpJar(dir, Map.of(
                "demo.DeclaredLog", log.formatted("DeclaredLog", "declared_log",
                        "public dev.gradcheck.Domain domain(int i) { return dev.gradcheck.Domain.greaterThan(0); }"),
                "demo.PlainLog", log.formatted("PlainLog", "plain_log", "")), List.of("demo.DeclaredLog", "demo.PlainLog"));
        Cli.Result r = Cli.run("ops", "--jar", jar.toString(), "--format", "json");
        assertEquals(ExitCodes.PASS, r.exitCode(), r.toString());
        JsonNode checks = readChecks(r.out());
        assertFalse(find(checks, "declared_log").toString().contains("\"note\""), r.out());
        assertTrue(find(checks, "plain_log").toString().contains("\"note\""), r.out());
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
        assertTrue(lines.contains("cross_entropy(input, target:int64|float64, weight?:const) ignore_index, reduction, "
                + "label_smoothing"), "both target forms: " + r.out());
    }

    @Test
    void listInJsonGivesEveryOpsInputsAndAttributes() throws IOException {
        Cli.Result r = Cli.run("ops", "--list", "--format", "json");
        assertEquals(ExitCodes.PASS, r.exitCode(), r.toString());
        JsonNode root = JSON.readTree(r.out());
        assertEquals("ops", root.get("command").asText(), r.out());
        assertEquals(VersionProvider.version(), root.get("version").asText(), "the build's version, as every report");
        JsonNode ops = root.get("ops");
        assertEquals(OpRegistry.publicOps().size(), ops.size(), "one entry per public op");
        for (var op : OpRegistry.publicOps()) {
            JsonNode o = null;
            for (JsonNode e : ops) {
                o = e.get("name").asText().equals(op.name()) ? e : o;
            }
            assertTrue(o != null, "--list --format json lacks " + op.name());
            List<String> attrs = new java.util.ArrayList<>();
            o.get("attrs").forEach(a -> attrs.add(a.get("name").asText()));
            assertEquals(List.copyOf(op.attrs().keySet()), attrs, op.name());
            assertTrue(o.get("inputs").size() >= 1, op.name());
        }
        JsonNode ce = null;
        for (JsonNode e : ops) {
            ce = e.get("name").asText().equals("cross_entropy") ? e : ce;
        }
        assertEquals("int64_or_real", ce.get("inputs").get(1).get("kind").asText(), ce.toString());
        assertTrue(ce.get("summary").asText().contains("float64 class probabilities of the input's shape"),
                ce.toString());
        for (JsonNode e : ops) {
            if (e.get("name").asText().equals("nll_loss")) {
                assertEquals("int64", e.get("inputs").get(1).get("kind").asText(), e.toString());
            }
        }
        JsonNode reduction = null;
        for (JsonNode a : ce.get("attrs")) {
            reduction = a.get("name").asText().equals("reduction") ? a : reduction;
        }
        assertEquals("mean", reduction.get("default").asText(), ce.toString());
        assertTrue(reduction.get("choices").toString().contains("sum"), ce.toString());
    }

    @Test
    void listGoesToTheOutputFile(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("ops.txt");
        Cli.Result r = Cli.run("ops", "--list", "-o", out.toString());
        assertEquals(ExitCodes.PASS, r.exitCode(), r.toString());
        assertEquals("", r.out(), "nothing on stdout");
        assertTrue(Files.readString(out).startsWith("abs("), "the list is in the file");
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

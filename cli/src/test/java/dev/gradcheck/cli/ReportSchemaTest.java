package dev.gradcheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Every kind of JSON report validates against docs/report.schema.json, and the schema can fail. */
public class ReportSchemaTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Schema schema;

    @BeforeAll
    static void load() throws IOException {
        schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                .getSchema(Files.readString(Path.of("..", "docs", "report.schema.json")));
    }

    /** The ways {@code report} breaks docs/report.schema.json; empty when it holds (for tests elsewhere). */
    public static List<Error> validate(JsonNode report) throws IOException {
        if (schema == null) {
            load();
        }
        return schema.validate(report);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "check ../examples/tiny-mlp.json --format json | 0",
        "check ../examples/tiny-mlp.json --mode fast --format json | 0",
        "check ../examples/tiny-mlp.json --forward --format json | 0",
        "check ../examples/broken/nan-producer.json --format json | 1",
        "check ../examples/broken/dead-relu.json --format json | 0",
        "check ../examples/tiny-mlp.json --format json --timeout 1 | 5",
        "ops --op tanh --op matmul --format json | 0",
        "flow ../examples/broken/dead-relu.json --format json | 1",
        "flow ../examples/tiny-mlp.json --steps 2 --lr 0.1 --format json | 1",
        "sanity ../examples/tiny-mlp.json --steps 20 --format json | 0",
        "sanity ../examples/broken/batch-mix.json --steps 20 --format json | 1",
        "sanity ../examples/batchnorm-mlp.json --steps 20 --format json | 1",
        "shapes ../examples/attention.json --format json | 0",
        "shapes ../examples/broken/shape-mismatch.json --format json | 3",
        "compare ../examples/onnx/cnn.onnx --values ../examples/onnx/cnn.values.npz --grads ../examples/onnx/cnn.grads.npz --format json | 0",
    })
    void everyReportValidates(String args, int exit) throws IOException {
        Cli.Result r = Cli.run(args.split(" "));
        assertEquals(exit, r.exitCode(), r.toString());
        JsonNode report = JSON.readTree(r.out());
        List<Error> errors = schema.validate(report);
        assertEquals(List.of(), errors, r.out());
    }

    @Test
    void aGradsReportValidates(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Cli.Result r = Cli.run("grads", "../examples/tiny-mlp.json", "--out", dir.resolve("g.npz").toString(),
                "--format", "json");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(List.of(), schema.validate(JSON.readTree(r.out())), r.out());
    }

    @Test
    void aGradsReportOfNonFiniteGradientsValidatesAndMustSayNothingWasWritten(@org.junit.jupiter.api.io.TempDir Path dir)
            throws IOException {
        Cli.Result r = Cli.run("grads", "../examples/broken/nan-producer.json", "--out", dir.resolve("g.npz").toString(),
                "--format", "json");
        assertEquals(1, r.exitCode(), r.toString());
        JsonNode report = JSON.readTree(r.out());
        assertEquals(List.of(), schema.validate(report), r.out());
        ((ObjectNode) report).put("file", dir.resolve("g.npz").toString());
        assertFalse(schema.validate(report).isEmpty(), "a failed grads report naming a file is refused");
    }

    @Test
    void everyCommandNamesTheModelItRanOn() throws IOException {
        for (String[] args : List.of(
                new String[] {"compare", "../examples/onnx/cnn.onnx", "--values", "../examples/onnx/cnn.values.npz",
                    "--grads", "../examples/onnx/cnn.grads.npz"},
                new String[] {"flow", "../examples/tiny-mlp.json"},
                new String[] {"sanity", "../examples/tiny-mlp.json", "--steps", "5"},
                new String[] {"shapes", "../examples/tiny-mlp.json"})) {
            JsonNode report = jsonReport(args);
            assertEquals(args[1], report.path("model").asText(), args[0] + ": " + report);
            assertTrue(report.has("commit") && report.has("threads") && report.has("wrt"), args[0] + ": " + report);
        }
    }

    /** The JSON report of the command line {@code args} (with {@code --format json} added). */
    private static JsonNode jsonReport(String... args) throws IOException {
        String[] json = java.util.Arrays.copyOf(args, args.length + 2);
        json[args.length] = "--format";
        json[args.length + 1] = "json";
        return JSON.readTree(Cli.run(json).out());
    }

    /** {@code model} is the path exactly as typed: not tidied ({@code //}, {@code ./}), not made absolute. */
    @Test
    void theModelIsThePathAsTyped() throws IOException {
        for (String[] args : List.of(
                new String[] {"check", "../examples//tiny-mlp.json"},
                new String[] {"check", "./../examples/./tiny-mlp.json", "--mode", "fast"},
                new String[] {"flow", "..//examples/tiny-mlp.json"},
                new String[] {"sanity", "../examples//tiny-mlp.json", "--steps", "5"},
                new String[] {"shapes", "../examples//tiny-mlp.json"})) {
            JsonNode report = jsonReport(args);
            assertEquals(args[1], report.path("model").asText(), args[0] + ": " + report);
        }
        String text = Cli.run("check", "../examples//tiny-mlp.json").out();
        assertTrue(text.startsWith("model 'tiny-mlp' (../examples//tiny-mlp.json): "), text);
    }

    @Test
    void aFastCheckWhoseProjectionsAgreedShowsNoEntryFigures() throws IOException {
        JsonNode report = JSON.readTree(Cli.run("check", "../examples/small-cnn.json", "--mode", "fast", "--format",
                "json").out());
        for (JsonNode c : report.get("checks")) {
            assertEquals(0, c.get("worst").size(), "no entry compared on its own: " + c);
            assertTrue(c.get("max_abs_error").isNull() && c.get("max_rel_error").isNull(), "not a made-up 0: " + c);
        }
        String text = Cli.run("check", "../examples/small-cnn.json", "--mode", "fast").out();
        assertTrue(text.contains("27 entries (4 probes)") && !text.contains("max abs"), text);
    }

    @Test
    void theAnomalyAndTheNullFiguresAreStructured() throws IOException {
        JsonNode report = JSON.readTree(Cli.run("check", "../examples/broken/nan-producer.json", "--format", "json").out());
        assertEquals("../examples/broken/nan-producer.json", report.get("model").asText());
        assertEquals("loss", report.get("output").asText());
        assertEquals(List.of("W1", "b1", "W2", "b2"), JSON.convertValue(report.get("wrt"), List.class));
        assertTrue(report.get("threads").asInt() >= 1 && report.has("commit"), report.toString());
        JsonNode h1 = report.get("checks").get(0);
        assertTrue(h1.get("max_abs_error").isNull() && h1.get("max_rel_error").isNull(), h1.toString());
        JsonNode a = h1.get("anomaly");
        assertEquals("h1", a.get("node").asText());
        assertEquals("sqrt", a.get("op").asText());
        assertEquals("nan", a.get("kind").asText());
        assertEquals("forward", a.get("direction").asText());
        assertEquals("NaN", a.get("value").asText());
        assertEquals("[0,1]", a.get("index").toString());
        assertTrue(a.get("input").isNull(), "forward: no input's gradient");
    }

    /**
     * leaky_relu with slope 0, then sqrt: finite forward, but the backward of sqrt at (-)0 is infinite, and
     * leaky_relu's multiplies it by 0 (as PyTorch's does), so the gradients hold NaN (relu's backward
     * selects and would drop it: the gradients would be finite and {@code grads} would pass).
     */
    static final String SQRT_OF_FLAT_LEAKY_RELU = """
            {"format": "gradcheck-model/1", "name": "nan-bwd", "seed": 0,
             "inputs": {"x": {"shape": [8, 4], "init": {"normal": {"std": 1}}},
                        "y": {"shape": [8], "dtype": "int64", "init": {"randint": {"low": 0, "high": 3}}}},
             "params": {"W1": {"shape": [4, 16], "init": {"normal": {"std": 0.5}}}, "b1": {"shape": [16], "init": "zeros"},
                        "W2": {"shape": [16, 3], "init": {"uniform": {"low": -0.25, "high": 0.25}}}},
             "nodes": [{"name": "z1", "op": "matmul", "inputs": ["x", "W1"]},
                       {"name": "a1", "op": "add", "inputs": ["z1", "b1"]},
                       {"name": "r", "op": "leaky_relu", "inputs": ["a1"], "attrs": {"negative_slope": 0.0}},
                       {"name": "h1", "op": "sqrt", "inputs": ["r"]},
                       {"name": "logits", "op": "matmul", "inputs": ["h1", "W2"]},
                       {"name": "loss", "op": "cross_entropy", "inputs": ["logits", "y"]}],
             "output": "loss"}
            """;

    @Test
    void aBackwardAnomalyHasItsValueAndIndexInEveryCommandThatReportsIt(@org.junit.jupiter.api.io.TempDir Path dir)
            throws IOException {
        Path model = Files.writeString(dir.resolve("nan-bwd.json"), SQRT_OF_FLAT_LEAKY_RELU);
        List<JsonNode> anomalies = new java.util.ArrayList<>();
        for (String[] args : List.of(new String[] {"check", model.toString()},
                new String[] {"grads", model.toString(), "--out", dir.resolve("g.npz").toString()},
                new String[] {"flow", model.toString()})) {
            String[] json = java.util.Arrays.copyOf(args, args.length + 2);
            json[args.length] = "--format";
            json[args.length + 1] = "json";
            Cli.Result r = Cli.run(json);
            assertEquals(1, r.exitCode(), r.toString());
            JsonNode report = JSON.readTree(r.out());
            assertEquals(List.of(), schema.validate(report), r.out());
            JsonNode a = args[0].equals("flow") ? report.get("flags").get(0).get("anomaly")
                    : report.get("checks").get(0).get("anomaly");
            assertTrue(a != null && a.isObject(), args[0] + ": " + r.out());
            anomalies.add(a);
        }
        for (JsonNode a : anomalies) {
            assertEquals("h1", a.get("node").asText(), a.toString());
            assertEquals("sqrt", a.get("op").asText(), a.toString());
            assertEquals("inf", a.get("kind").asText(), a.toString());
            assertEquals("backward", a.get("direction").asText(), a.toString());
            // leaky_relu's 0 · x is -0 at x < 0, and sqrt's backward there 1 / (2 · -0) = -inf
            assertEquals("-Infinity", a.get("value").asText(), a.toString());
            assertEquals(0, a.get("input").asInt(), "sqrt's one input: " + a);
            JsonNode index = a.get("index");
            assertTrue(index.isArray() && index.size() == 2, a.toString());
            assertTrue(a.get("detail").asText().endsWith("first at [" + index.get(0).asInt() + ", " + index.get(1).asInt()
                    + "] = -Infinity"), "the figures are the detail's: " + a);
        }
        ObjectNode noValue = (ObjectNode) JSON.readTree(Cli.run("flow", model.toString(), "--format", "json").out());
        ((ObjectNode) noValue.get("flags").get(0).get("anomaly")).remove("value");
        assertFalse(schema.validate(noValue).isEmpty(), "a flag's anomaly is the schema's anomaly, value required");
    }

    @Test
    void anOpsReportWithForwardRulesValidates(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Path jar = TestJars.customOpJar(dir, java.util.Map.of("demo.Mul", OpsCommandTest.forwardMul("Mul", "mul", false),
                "demo.HalfMul", OpsCommandTest.forwardMul("HalfMul", "half_mul", true)), List.of("demo.Mul", "demo.HalfMul"));
        Cli.Result r = Cli.run("ops", "--jar", jar.toString(), "--format", "json");
        assertEquals(1, r.exitCode(), r.toString());
        JsonNode report = JSON.readTree(r.out());
        assertTrue(report.get("checks").get(1).has("jvp"), r.out());
        assertEquals(List.of(), schema.validate(report), r.out());
        ObjectNode badJvp = report.deepCopy();
        ((ObjectNode) badJvp.get("checks").get(1).get("jvp")).put("status", "wrong");
        assertFalse(schema.validate(badJvp).isEmpty(), "jvp is a check of the report");
    }

    @Test
    void theSchemaRejectsWhatTheContractForbids() throws IOException {
        ObjectNode report = (ObjectNode) JSON.readTree(Cli.run("check", "../examples/tiny-mlp.json", "--mode", "fast",
                "--format", "json").out());
        assertTrue(schema.validate(report).isEmpty());
        ObjectNode noChecks = report.deepCopy();
        noChecks.remove("checks");
        assertFalse(schema.validate(noChecks).isEmpty(), "checks is required");
        ObjectNode passedError = report.deepCopy();
        ((ObjectNode) passedError.get("checks").get(0)).put("status", "error");
        assertFalse(schema.validate(passedError).isEmpty(), "an error has not passed and says why");
        ObjectNode incomplete = report.deepCopy();
        incomplete.put("incomplete", true);
        incomplete.put("incomplete_reason", "--timeout 1 ms ran out");
        assertFalse(schema.validate(incomplete).isEmpty(), "an incomplete run has not passed");
        ObjectNode cutFast = report.deepCopy();
        ObjectNode w1 = (ObjectNode) cutFast.get("checks").get(0);
        w1.put("incomplete", true);
        w1.put("entries_total", w1.get("entries_checked").asLong());
        assertFalse(schema.validate(cutFast).isEmpty(), "a fast check cut inside its projections counts them");
        w1.put("projections_checked", 1);
        w1.put("projections_total", 4);
        assertEquals(List.of(), schema.validate(cutFast), cutFast.toString());
    }
}

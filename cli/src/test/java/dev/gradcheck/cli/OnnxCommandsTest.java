package dev.gradcheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.model.DataFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every command that takes a MODEL reads ONNX: the examples under examples/onnx (exported from
 * PyTorch with tools/onnx_export.py) pass {@code check}, {@code compare} agrees with PyTorch's
 * gradients, {@code grads} writes them to 1e-9; {@code --loss}/{@code --target} for a graph that
 * ends in logits; notes in text and JSON; bad ONNX input is exit 3.
 */
class OnnxCommandsTest {
    static final Path EXAMPLES = Path.of("..", "examples", "onnx");
    static final Path FIXTURES = Path.of("..", "gradcheck", "src", "test", "resources", "onnx");
    private static final ObjectMapper JSON = new ObjectMapper();

    static Stream<String> examples() throws IOException {
        try (Stream<Path> files = Files.list(EXAMPLES)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".onnx"))
                    .map(n -> n.substring(0, n.length() - 5)).sorted().toList().stream();
        }
    }

    private static String ex(String name, String suffix) {
        return EXAMPLES.resolve(name + suffix).toString();
    }

    @ParameterizedTest
    @MethodSource("examples")
    void exampleChecksComparesAndExportsItsGradients(String name, @TempDir Path dir) throws IOException {
        Cli.Result check = Cli.run("check", ex(name, ".onnx"), "--values", ex(name, ".values.npz"));
        assertEquals(ExitCodes.PASS, check.exitCode(), check.toString());
        assertTrue(check.out().contains("note: computed in float64"), check.out());

        Cli.Result compare = Cli.run("compare", ex(name, ".onnx"), "--values", ex(name, ".values.npz"),
                "--grads", ex(name, ".grads.npz"), "--rtol", "1e-9", "--atol", "1e-15");
        assertEquals(ExitCodes.PASS, compare.exitCode(), compare.toString());

        Path out = dir.resolve("g.npz");
        Cli.Result grads = Cli.run("grads", ex(name, ".onnx"), "--values", ex(name, ".values.npz"), "--out",
                out.toString());
        assertEquals(ExitCodes.PASS, grads.exitCode(), grads.toString());
        Map<String, Tensor> ours = DataFiles.read(out);
        Map<String, Tensor> torch = DataFiles.read(Path.of(ex(name, ".grads.npz")));
        assertEquals(torch.keySet(), ours.keySet());
        double scale = 0;
        for (Tensor t : torch.values()) {
            for (double v : t.data()) {
                scale = Math.max(scale, Math.abs(v));
            }
        }
        for (String p : torch.keySet()) {
            double[] a = ours.get(p).data();
            double[] b = torch.get(p).data();
            for (int i = 0; i < a.length; i++) {
                assertTrue(Math.abs(a[i] - b[i]) <= 1e-9 * scale, name + " " + p + "[" + i + "]: " + a[i] + " vs "
                        + b[i]);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("examples")
    void everyCommandTakingAModelReadsTheExample(String name) {
        String model = ex(name, ".onnx");
        String values = ex(name, ".values.npz");
        for (List<String> args : List.of(List.of("shapes", model), List.of("flow", model, "--values", values),
                List.of("sanity", model, "--values", values, "--steps", "5"), List.of("graph", model))) {
            Cli.Result r = Cli.run(args.toArray(String[]::new));
            assertTrue(r.exitCode() == ExitCodes.PASS || (args.get(0).equals("sanity") && r.exitCode() == 1),
                    args + ": " + r);
            assertTrue(r.out().contains("note: computed in float64"), args + ": " + r.out());
        }
    }

    @Test
    void anUnknownValuesNameListsTheNamesToGiveNotTheExportersConstants(@TempDir Path dir) throws IOException {
        Map<String, Tensor> values = new LinkedHashMap<>(DataFiles.read(Path.of(ex("transformer", ".values.npz"))));
        values.put("bogus", Tensor.of(new double[] {0, 0}, 2));
        Path file = dir.resolve("v.npz");
        DataFiles.writeNpz(file, values, true);
        Cli.Result r = Cli.run("check", ex("transformer", ".onnx"), "--values", file.toString());
        assertEquals(ExitCodes.INVALID_FILE, r.exitCode(), r.toString());
        assertTrue(r.err().contains("'bogus' is not an input or param or buffer of model 'transformer' (it has x, "
                + "ln1.weight,"), r.err());
        assertTrue(r.err().contains("ff2.bias, and 4 constants the exporter made)"), r.err());
        assertTrue(!r.err().contains("/Constant"), r.err());
    }

    @Test
    void notesAreAFieldOfTheJsonReport() throws IOException {
        Cli.Result r = Cli.run("check", ex("mlp", ".onnx"), "--values", ex("mlp", ".values.npz"), "--format", "json",
                "--mode", "fast");
        assertEquals(ExitCodes.PASS, r.exitCode(), r.toString());
        JsonNode root = JSON.readTree(r.out());
        assertTrue(root.get("notes").get(0).asText().startsWith("computed in float64"), r.out());
        assertEquals(4, root.get("checks").size());
        Cli.Result shapes = Cli.run("shapes", ex("mlp", ".onnx"), "--format", "json");
        assertTrue(JSON.readTree(shapes.out()).get("notes").isArray(), shapes.out());
    }

    @Test
    void jsonModelsHaveNoNotesField() throws IOException {
        Cli.Result r = Cli.run("check", Path.of("..", "examples", "tiny-mlp.json").toString(), "--format", "json",
                "--mode", "fast");
        assertEquals(null, JSON.readTree(r.out()).get("notes"), r.out());
    }

    @Test
    void aGraphEndingInLogitsTakesLossAndTarget() {
        String model = FIXTURES.resolve("logits.onnx").toString();
        String values = FIXTURES.resolve("logits.values.npz").toString();
        Cli.Result none = Cli.run("check", model, "--values", values);
        assertEquals(ExitCodes.USAGE, none.exitCode(), none.toString());
        assertTrue(none.err().contains("not a scalar loss: give --loss OP and --target NAME"), none.err());
        for (String command : List.of("check", "compare", "grads", "shapes", "flow", "sanity", "graph")) {
            Cli.Result r = Cli.run(command, model);
            assertEquals(ExitCodes.USAGE, r.exitCode(), command + ": " + r);
        }
        Cli.Result ok = Cli.run("compare", model, "--values", values, "--grads",
                FIXTURES.resolve("logits.grads.npz").toString(), "--loss", "cross_entropy", "--target", "y");
        assertEquals(ExitCodes.PASS, ok.exitCode(), ok.toString());
        assertTrue(ok.out().contains("note: the loss is cross_entropy(output, y)"), ok.out());
        Cli.Result sum = Cli.run("check", model, "--values", values, "--loss", "cross_entropy", "--target", "y",
                "--reduction", "sum", "--mode", "fast");
        assertEquals(ExitCodes.PASS, sum.exitCode(), sum.toString());
        Cli.Result wrong = Cli.run("check", model, "--values", values, "--loss", "relu", "--target", "y");
        assertEquals(ExitCodes.USAGE, wrong.exitCode(), wrong.toString());
        assertTrue(wrong.err().contains("--loss relu: not a loss op"), wrong.err());
        Cli.Result indices = Cli.run("check", model, "--values", values, "--loss", "mse_loss", "--target", "y");
        assertEquals(ExitCodes.USAGE, indices.exitCode(), indices.toString());
        assertTrue(indices.err().contains("--loss mse_loss compares the output 'output' [6, 4] with a float64 target of "
                + "its shape, but --target y is int64 [6]: for class indices use a loss that takes them (cross_entropy"),
                indices.err());
        Cli.Result scalar = Cli.run("check", ex("mlp", ".onnx"), "--loss", "mse_loss", "--target", "t");
        assertEquals(ExitCodes.USAGE, scalar.exitCode(), scalar.toString());
    }

    @Test
    void theReproduceLineKeepsTheLoss(@TempDir Path dir) throws IOException {
        Map<String, Tensor> g = new LinkedHashMap<>(DataFiles.read(FIXTURES.resolve("logits.grads.npz")));
        g.put("net.0.bias", g.get("net.0.bias").mul(-1.0));
        Path bad = dir.resolve("bad.npz");
        DataFiles.writeNpz(bad, g, false);
        Cli.Result r = Cli.run("compare", FIXTURES.resolve("logits.onnx").toString(), "--values",
                FIXTURES.resolve("logits.values.npz").toString(), "--grads", bad.toString(), "--loss", "cross_entropy",
                "--target", "y");
        assertEquals(ExitCodes.CHECK_FAILED, r.exitCode(), r.toString());
        assertTrue(r.out().contains("--loss cross_entropy --target y --grads " + bad), r.out());
    }

    @Test
    void aPlantedFactorInTheirGradientsIsNamed(@TempDir Path dir) throws IOException {
        Map<String, Tensor> g = new LinkedHashMap<>(DataFiles.read(Path.of(ex("cnn", ".grads.npz"))));
        g.put("conv.weight", g.get("conv.weight").mul(2.0));
        Path bad = dir.resolve("bad.npz");
        DataFiles.writeNpz(bad, g, false);
        Cli.Result r = Cli.run("compare", ex("cnn", ".onnx"), "--values", ex("cnn", ".values.npz"), "--grads",
                bad.toString());
        assertEquals(ExitCodes.CHECK_FAILED, r.exitCode(), r.toString());
        assertTrue(r.out().contains("FAIL  conv.weight"), r.out());
    }

    @Test
    void symbolicDimensionsComeFromTheValues() {
        String model = FIXTURES.resolve("cnn_view.onnx").toString();
        Cli.Result shapes = Cli.run("shapes", model);
        assertTrue(shapes.out().contains("note: symbolic dimension 'batch' is 2"), shapes.out());
        Cli.Result bound = Cli.run("shapes", model, "--values", FIXTURES.resolve("cnn_view.values.npz").toString());
        assertEquals(ExitCodes.PASS, bound.exitCode(), bound.toString());
        assertTrue(bound.out().contains("x [3, 2, 8, 8]"), bound.out());
    }

    @Test
    void badOnnxIsExitThreeNamingTheFileAndNode(@TempDir Path dir) throws IOException {
        byte[] full = Files.readAllBytes(Path.of(ex("mlp", ".onnx")));
        Path cut = dir.resolve("cut.onnx");
        Files.write(cut, java.util.Arrays.copyOf(full, full.length - 40));
        Cli.Result r = Cli.run("check", cut.toString());
        assertEquals(ExitCodes.INVALID_FILE, r.exitCode(), r.toString());
        assertTrue(r.err().contains(cut + ": ") && r.err().contains("not a valid ONNX file"), r.err());
        assertTrue(!r.err().contains("at dev.gradcheck"), "no stack trace: " + r.err());

        // the Tanh node's op_type (field 4, 4 bytes long: 0x22 0x04 "Tanh") changed to one no table row has
        byte[] renamed = full.clone();
        int at = indexOf(renamed, new byte[] {0x22, 0x04, 'T', 'a', 'n', 'h'});
        assertTrue(at > 0);
        System.arraycopy("Celu".getBytes(), 0, renamed, at + 2, 4);
        Path unknown = dir.resolve("unknown.onnx");
        Files.write(unknown, renamed);
        Cli.Result u = Cli.run("compare", unknown.toString(), "--grads", ex("mlp", ".grads.npz"));
        assertEquals(ExitCodes.INVALID_FILE, u.exitCode(), u.toString());
        assertTrue(u.err().contains("(op Celu, opset 17): op Celu is not supported; supported ops: "), u.err());
    }

    @Test
    void shapesPrintsTheEngineGraph() {
        Cli.Result r = Cli.run("shapes", ex("cnn", ".onnx"));
        assertEquals(ExitCodes.PASS, r.exitCode(), r.toString());
        for (String op : List.of("conv2d", "batch_norm", "relu", "max_pool2d", "reshape", "linear", "cross_entropy")) {
            assertTrue(r.out().contains(op), op + " in " + r.out());
        }
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int k = 0; k < needle.length; k++) {
                if (hay[i + k] != needle[k]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}

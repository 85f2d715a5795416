package dev.gradcheck.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code grads} on a model whose loss or gradients are NaN or infinite: exit 1, nothing written,
 * the producer named by the anomaly pass and each gradient that is not finite listed.
 */
class GradsNonFiniteTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NAN_PRODUCER = "../examples/broken/nan-producer.json";

    /** The loss is NaN (log of a negative input) while the gradient with respect to W is finite. */
    private static final String NAN_LOSS = """
            {
              "format": "gradcheck-model/1",
              "name": "nan-loss",
              "seed": 1,
              "inputs": {
                "x": {"shape": [4, 3], "init": {"normal": {"std": 1}}},
                "c": {"shape": [2], "init": {"uniform": {"low": -2, "high": -1}}}
              },
              "params": {"W": {"shape": [3, 2], "init": {"normal": {"std": 0.5}}}},
              "nodes": [
                {"name": "z", "op": "matmul", "inputs": ["x", "W"]},
                {"name": "s", "op": "sum", "inputs": ["z"]},
                {"name": "lc", "op": "log", "inputs": ["c"]},
                {"name": "t", "op": "sum", "inputs": ["lc"]},
                {"name": "loss", "op": "add", "inputs": ["s", "t"]}
              ],
              "output": "loss"
            }
            """;

    /** exp(800) overflows: the loss and both gradients are infinite. */
    private static final String OVERFLOW = """
            {
              "format": "gradcheck-model/1",
              "name": "overflow",
              "inputs": {"x": {"shape": [1, 2], "init": {"uniform": {"low": 800, "high": 801}}}},
              "params": {"W": {"shape": [2, 1], "init": "ones"}, "b": {"shape": [1], "init": "zeros"}},
              "nodes": [
                {"name": "z", "op": "matmul", "inputs": ["x", "W"]},
                {"name": "a", "op": "add", "inputs": ["z", "b"]},
                {"name": "e", "op": "exp", "inputs": ["a"]},
                {"name": "loss", "op": "sum", "inputs": ["e"]}
              ],
              "output": "loss"
            }
            """;

    @Test
    void aNanGradientFailsNamingTheProducerAndEachGradientAndWritesNothing(@TempDir Path dir) {
        Path out = dir.resolve("g.npz");
        Cli.Result r = Cli.run("grads", NAN_PRODUCER, "--out", out.toString());
        assertEquals(ExitCodes.CHECK_FAILED, r.exitCode(), r.toString());
        assertFalse(Files.exists(out), "no file of NaN gradients");
        assertEquals(java.util.List.of(), list(dir), "no temporary file either");
        String text = r.out();
        assertTrue(text.contains("4 of 4 gradients not finite, the loss is NaN; nothing written to " + out), text);
        assertTrue(text.contains("ERROR h1\n      error: anomaly: forward: sqrt 'h1' produced nan"), text);
        assertTrue(text.contains("ERROR W1  [4, 16]\n      error: gradient not finite, not written: 64 of 64 entries "
                + "NaN, first at [0, 0] = NaN"), text);
        assertTrue(text.contains("ERROR b2  [3]\n      error: gradient not finite, not written: 3 of 3 entries NaN"),
                text);
        assertFalse(text.contains("wrote "), text);
    }

    @Test
    void theJsonReportCarriesTheAnomalyAndNoFile(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("g.safetensors");
        Cli.Result r = Cli.run("grads", NAN_PRODUCER, "--out", out.toString(), "--format", "json");
        assertEquals(ExitCodes.CHECK_FAILED, r.exitCode(), r.toString());
        assertFalse(Files.exists(out));
        JsonNode report = JSON.readTree(r.out());
        assertEquals("grads", report.get("command").asText());
        assertFalse(report.get("passed").asBoolean(), r.out());
        assertTrue(report.get("file").isNull(), r.out());
        assertEquals("NaN", report.get("loss").asText(), r.out());
        JsonNode anomaly = report.get("checks").get(0).get("anomaly");
        assertEquals("h1", anomaly.get("node").asText());
        assertEquals("sqrt", anomaly.get("op").asText());
        assertEquals("nan", anomaly.get("kind").asText());
        assertEquals("forward", anomaly.get("direction").asText());
        assertEquals("NaN", anomaly.get("value").asText());
        JsonNode w1 = report.get("gradients").get(0);
        assertEquals("W1", w1.get("name").asText());
        assertEquals(64, w1.get("non_finite").asInt());
        assertEquals("[0,0]", w1.get("first_non_finite").toString());
    }

    @Test
    void anExistingFileIsLeftAsItWasAndTheMessageSaysItIsNotTheseGradients(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("g.npz");
        Path good = dir.resolve("good.npz");
        assertEquals(0, Cli.run("grads", "../examples/tiny-mlp.json", "--out", good.toString()).exitCode());
        Files.copy(good, out);
        byte[] before = Files.readAllBytes(out);
        Cli.Result r = Cli.run("grads", NAN_PRODUCER, "--out", out.toString(), "--force");
        assertEquals(ExitCodes.CHECK_FAILED, r.exitCode(), r.toString());
        assertArrayEquals(before, Files.readAllBytes(out), "the user's file is not touched");
        assertTrue(r.out().contains("nothing written to " + out + " (the file already there is left as it was: it "
                + "does not hold these gradients)"), r.out());
    }

    @Test
    void aNanLossFailsEvenWhenTheGradientsAreFinite(@TempDir Path dir) throws IOException {
        Path model = Files.writeString(dir.resolve("nan-loss.json"), NAN_LOSS);
        Path out = dir.resolve("g.npz");
        Cli.Result r = Cli.run("grads", model.toString(), "--out", out.toString());
        assertEquals(ExitCodes.CHECK_FAILED, r.exitCode(), r.toString());
        assertFalse(Files.exists(out));
        assertTrue(r.out().contains("seed 1: the loss is NaN; nothing written to"), r.out());
        assertTrue(r.out().contains("forward: log 'lc' produced nan"), r.out());
        JsonNode report = JSON.readTree(Cli.run("grads", model.toString(), "--out", out.toString(), "--format", "json")
                .out());
        assertEquals(0, report.get("gradients").get(0).get("non_finite").asInt(), report.toString());
        assertTrue(report.get("gradients").get(0).get("first_non_finite").isNull(), report.toString());
        assertEquals("lc", report.get("checks").get(0).get("anomaly").get("node").asText(), report.toString());
    }

    @Test
    void anInfiniteGradientFailsNamingTheOverflow(@TempDir Path dir) throws IOException {
        Path model = Files.writeString(dir.resolve("overflow.json"), OVERFLOW);
        Path out = dir.resolve("g.npz");
        Cli.Result r = Cli.run("grads", model.toString(), "--out", out.toString());
        assertEquals(ExitCodes.CHECK_FAILED, r.exitCode(), r.toString());
        assertFalse(Files.exists(out));
        assertTrue(r.out().contains("2 of 2 gradients not finite, the loss is Infinity"), r.out());
        assertTrue(r.out().contains("forward: exp 'e' produced inf"), r.out());
        assertTrue(r.out().contains("ERROR W  [2, 1]\n      error: gradient not finite, not written: 2 of 2 entries "
                + "infinite, first at [0, 0] = Infinity"), r.out());
    }

    @Test
    void finiteGradientsAreWrittenAsBefore(@TempDir Path dir) {
        Path out = dir.resolve("g.npz");
        Cli.Result r = Cli.run("grads", "../examples/tiny-mlp.json", "--out", out.toString());
        assertEquals(ExitCodes.PASS, r.exitCode(), r.toString());
        assertTrue(Files.exists(out));
        assertTrue(r.out().startsWith("wrote 4 gradients of 'loss' (model tiny-mlp, seed 0) to " + out), r.out());
    }

    private static java.util.List<String> list(Path dir) {
        try (java.util.stream.Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

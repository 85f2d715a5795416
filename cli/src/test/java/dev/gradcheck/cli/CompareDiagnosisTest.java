package dev.gradcheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.model.DataFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * compare names what is wrong with gradients from elsewhere with the checker's diagnoser: a planted
 * factor, a flipped sign, a transpose, one wrong row, two rows swapped; text columns "theirs" /
 * "reference", JSON keeping analytic / numeric; and a hint at --values when it is missing.
 */
class CompareDiagnosisTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private int planted;

    /** The model's own gradients at values.npz, with {@code change} applied to the one named {@code name}. */
    private Path[] plant(String name, UnaryOperator<double[]> change) throws IOException {
        Path model = TestModels.write(dir, "tiny.json", TestModels.TINY_MLP);
        Path g = dir.resolve("g" + (++planted) + ".npz");
        assertEquals(ExitCodes.PASS, Cli.run("grads", model.toString(), "--out", g.toString(), "--seed", "3").exitCode());
        Map<String, Tensor> grads = new LinkedHashMap<>(DataFiles.read(g));
        Tensor t = grads.get(name);
        grads.put(name, Tensor.of(change.apply(t.data()), t.shape().dims()));
        Path out = dir.resolve("planted" + planted + ".npz");
        DataFiles.writeNpz(out, grads, true);
        return new Path[] {model, out};
    }

    @Test
    void aDoubledTensorIsNamedWithItsFactor() throws IOException {
        Path[] p = plant("W", d -> {
            for (int i = 0; i < d.length; i++) {
                d[i] *= 2;
            }
            return d;
        });
        Cli.Result r = Cli.run("compare", p[0].toString(), "--grads", p[1].toString(), "--seed", "3");
        assertEquals(ExitCodes.CHECK_FAILED, r.exitCode(), r.toString());
        assertTrue(r.out().contains("FAIL  W  [3, 2]"), r.out());
        assertTrue(r.out().contains("diagnosis: theirs = 2.0 x reference on every entry: an extra factor of 2"), r.out());
        assertTrue(r.out().contains("theirs                 reference"), r.out());
        assertTrue(r.out().contains("PASS  b"), "the other tensors pass:\n" + r.out());

        Cli.Result json = Cli.run("compare", p[0].toString(), "--grads", p[1].toString(), "--seed", "3", "--format",
                "json");
        JsonNode w = JSON.readTree(json.out()).get("checks").get(0);
        assertEquals("W", w.get("name").asText());
        assertEquals("factor", w.get("findings").get(0).asText(), json.out());
        assertTrue(w.get("worst").get(0).has("analytic") && w.get("worst").get(0).has("numeric"), json.out());
        assertFalse(json.out().contains("\"theirs\""), json.out());
    }

    @Test
    void aLooseRtolPassesAFactorButStillReportsItsRelativeError() throws IOException {
        Path[] p = plant("W", d -> {
            for (int i = 0; i < d.length; i++) {
                d[i] *= 2;
            }
            return d;
        });
        Cli.Result json = Cli.run("compare", p[0].toString(), "--grads", p[1].toString(), "--seed", "3", "--rtol", "10",
                "--format", "json");
        assertEquals(ExitCodes.PASS, json.exitCode(), json.toString());
        JsonNode w = JSON.readTree(json.out()).get("checks").get(0);
        assertEquals("W", w.get("name").asText());
        assertEquals(0.5, w.get("max_rel_error").asDouble(), 1e-9, json.out());
    }

    @Test
    void aFlippedSignAndOneWrongRowAreNamed() throws IOException {
        Path[] sign = plant("b", d -> {
            for (int i = 0; i < d.length; i++) {
                d[i] = -d[i];
            }
            return d;
        });
        Cli.Result r = Cli.run("compare", sign[0].toString(), "--grads", sign[1].toString(), "--seed", "3");
        assertEquals(ExitCodes.CHECK_FAILED, r.exitCode(), r.toString());
        assertTrue(r.out().contains("sign flipped: theirs = -reference on every entry"), r.out());

        Path[] row = plant("W", d -> {
            d[4] += 1; // W is [3, 2]: row 2
            d[5] -= 3;
            return d;
        });
        Cli.Result rr = Cli.run("compare", row[0].toString(), "--grads", row[1].toString(), "--seed", "3");
        assertTrue(rr.out().contains("wrong only in row 2 (the last)"), rr.out());
    }

    @Test
    void swappedRowsAreNamedWithWhichMovedWhere() throws IOException {
        // W is [3, 2]: rows 0 and 1 swapped (0 and 2 would be the three rows reversed, its own finding)
        Path[] p = plant("W", d -> new double[] {d[2], d[3], d[0], d[1], d[4], d[5]});
        Cli.Result r = Cli.run("compare", p[0].toString(), "--grads", p[1].toString(), "--seed", "3");
        assertEquals(ExitCodes.CHECK_FAILED, r.exitCode(), r.toString());
        assertTrue(r.out().contains("FAIL  W  [3, 2]"), r.out());
        assertTrue(r.out().contains("diagnosis: rows 0 and 1 are swapped (theirs row 0 = reference row 1 and row 1 ="
                + " row 0; the other row right): an index mixed up in the backward"), r.out());
        Cli.Result json = Cli.run("compare", p[0].toString(), "--grads", p[1].toString(), "--seed", "3", "--format",
                "json");
        JsonNode w = JSON.readTree(json.out()).get("checks").get(0);
        assertEquals("W", w.get("name").asText());
        assertEquals("permuted", w.get("findings").get(0).asText(), json.out());
    }

    @Test
    void aTrueZeroGradientIsNoHundredPercentError() throws IOException {
        // the conv bias before a batch norm: a true gradient of 0, rounding noise on both sides
        Path onnx = Path.of("..", "examples", "onnx");
        Cli.Result r = Cli.run("compare", onnx.resolve("cnn.onnx").toString(), "--values",
                onnx.resolve("cnn.values.npz").toString(), "--grads", onnx.resolve("cnn.grads.npz").toString(),
                "--format", "json");
        assertEquals(ExitCodes.PASS, r.exitCode(), r.toString());
        for (JsonNode c : JSON.readTree(r.out()).get("checks")) {
            assertTrue(c.get("max_rel_error").asDouble() < 1e-3, c::toString);
        }
    }

    @Test
    void aMissingValuesFileIsHinted() throws IOException {
        Path[] p = plant("W", d -> d);
        Cli.Result r = Cli.run("compare", p[0].toString(), "--grads", p[1].toString(), "--seed", "3");
        assertEquals(ExitCodes.PASS, r.exitCode(), r.toString());
        assertTrue(r.out().startsWith("note: no --values given: the reference gradients are taken at the model's own"
                + " initial values (seed 3)"), r.out());
        Cli.Result given = Cli.run("compare", p[0].toString(), "--grads", p[1].toString(), "--seed", "3", "--values",
                p[1].toString());
        assertFalse(given.out().contains("no --values given"), given.out());
    }
}

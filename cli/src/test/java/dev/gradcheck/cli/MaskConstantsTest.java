package dev.gradcheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcheck.engine.Tensor;
import dev.gradcheck.model.DataFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A constant holding -inf where scores are masked out (as PyTorch's attention masks and their ONNX
 * exports do) is part of the model: {@code check} passes a correct masked model and notes the
 * mask, and {@code flow} flags nothing about it, instead of failing it as an anomaly "before any op";
 * the same for an infinity a later op drops (sqrt's backward at relu's dead entries).
 */
class MaskConstantsTest {
    private static final String MODEL = """
            {
              "format": "gradcheck-model/1",
              "name": "masked-scores",
              "seed": 3,
              "inputs": {
                "x": {"shape": [2, 3], "init": {"normal": {"std": 1}}},
                "mask": {"shape": [2, 3], "constant": true}
              },
              "params": {"W": {"shape": [3, 3], "init": {"normal": {"std": 1}}}},
              "nodes": [
                {"name": "s", "op": "matmul", "inputs": ["x", "W"]},
                {"name": "m", "op": "add", "inputs": ["s", "mask"]},
                {"name": "p", "op": "softmax", "inputs": ["m"], "attrs": {"dim": 1}},
                {"name": "px", "op": "mul", "inputs": ["p", "x"]},
                {"name": "loss", "op": "sum", "inputs": ["px"]}
              ],
              "output": "loss"
            }
            """;

    @Test
    void aMinusInfinityMaskPassesCheckWithANote(@TempDir Path dir) throws IOException {
        Path model = write(dir, new double[] {0, Double.NEGATIVE_INFINITY, 0, 0, 0, Double.NEGATIVE_INFINITY});
        Cli.Result r = Cli.run("check", model.toString(), "--values", dir.resolve("mask.npz").toString());
        assertEquals(ExitCodes.PASS, r.exitCode(), r.toString());
        assertTrue(r.out().contains("note: 'mask' holds inf before any op (2 of 6 entries infinite or bad, first at"
                + " [0, 1] = -Infinity): taken for a mask, not an anomaly, as the loss and every gradient are finite"),
                r.out());
        Cli.Result flow = Cli.run("flow", model.toString(), "--values", dir.resolve("mask.npz").toString());
        assertFalse(flow.out().contains("FLAG inf"), flow.toString());
        assertFalse(flow.out().contains("before any op"), flow.toString());
    }

    @Test
    void aMaskThatCoversAWholeRowIsTheAnomalyItCauses(@TempDir Path dir) throws IOException {
        double inf = Double.NEGATIVE_INFINITY;
        Path model = write(dir, new double[] {inf, inf, inf, 0, 0, 0});
        Cli.Result r = Cli.run("check", model.toString(), "--values", dir.resolve("mask.npz").toString());
        assertEquals(ExitCodes.CHECK_FAILED, r.exitCode(), r.toString());
        assertTrue(r.out().contains("anomaly: 'mask' already holds inf before any op"), r.out());
    }

    @Test
    void anInfinityThatReluDropsPassesCheckWithANote() {
        // sqrt(relu(x W)): sqrt's backward gives +inf at the dead entries, relu's backward selects 0 there
        Cli.Result r = Cli.run("check", "../gradcheck/src/test/resources/health/sqrt-of-relu.json");
        assertEquals(ExitCodes.PASS, r.exitCode(), r.toString());
        assertTrue(r.out().contains("note: backward of sqrt 'r' produced inf from finite inputs [4, 2]")
                && r.out().contains(": dropped by a later op, not an anomaly, as the loss and every gradient are"
                + " finite"), r.out());
    }

    private static Path write(Path dir, double[] mask) throws IOException {
        Path model = dir.resolve("masked.json");
        Files.writeString(model, MODEL);
        DataFiles.writeNpz(dir.resolve("mask.npz"), Map.of("mask", Tensor.of(mask, 2, 3)), false);
        return model;
    }
}

package dev.gradcheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcheck.engine.Tensor;
import dev.gradcheck.model.DataFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * cross_entropy with soft labels, a float64 target of class probabilities of the logits' shape,
 * from the command line: a model file checks (the target too, with --wrt); an ONNX graph ending in
 * logits, exported from PyTorch with such a target (fixture logits_prob, tools/onnx_fixtures.py),
 * compares with PyTorch's gradients under {@code --loss cross_entropy --target p}; a target of the
 * wrong dtype or shape, or a loss that takes class indices only, is a usage error naming the forms.
 */
class ClassProbabilityTargetsTest {
    private static final Path FIXTURES = OnnxCommandsTest.FIXTURES;
    private static final String MODEL = FIXTURES.resolve("logits_prob.onnx").toString();
    private static final String VALUES = FIXTURES.resolve("logits_prob.values.npz").toString();
    private static final String GRADS = FIXTURES.resolve("logits_prob.grads.npz").toString();

    static final String SOFT_LABELS = """
            {
              "format": "gradcheck-model/1",
              "name": "soft",
              "seed": 5,
              "inputs": {
                "x": {"shape": [4, 3], "init": {"normal": {"mean": 0, "std": 1}}},
                "p": {"shape": [4, 2], "init": {"value": [[0.2, 0.8], [0.5, 0.5], [1, 0], [0.9, 0.1]]}}
              },
              "params": {
                "W": {"shape": [3, 2], "init": {"normal": {"std": 0.5}}},
                "b": {"shape": [2], "init": "zeros"}
              },
              "nodes": [
                {"name": "z", "op": "matmul", "inputs": ["x", "W"]},
                {"name": "logits", "op": "add", "inputs": ["z", "b"]},
                {"name": "loss", "op": "cross_entropy", "inputs": ["logits", "p"],
                 "attrs": {"reduction": "sum", "label_smoothing": 0.1}}
              ],
              "output": "loss"
            }
            """;

    @Test
    void aModelFileWithSoftLabelsChecksTheTargetToo(@TempDir Path dir) throws IOException {
        Path model = TestModels.write(dir, "soft.json", SOFT_LABELS);
        Cli.Result r = Cli.run("check", model.toString(), "--wrt", "all");
        assertEquals(ExitCodes.PASS, r.exitCode(), r.toString());
        assertTrue(r.out().contains("PASS  p  [4, 2]"), "the probabilities get a gradient: " + r.out());
        assertTrue(r.out().contains("PASS  W  [3, 2]"), r.out());
    }

    @Test
    void anOnnxGraphEndingInLogitsComparesWithPyTorchsGradients(@TempDir Path dir) throws IOException {
        Cli.Result ok = Cli.run("compare", MODEL, "--values", VALUES, "--grads", GRADS, "--loss", "cross_entropy",
                "--target", "p", "--rtol", "1e-9", "--atol", "1e-15");
        assertEquals(ExitCodes.PASS, ok.exitCode(), ok.toString());
        assertTrue(ok.out().contains("note: the loss is cross_entropy(output, p)"), ok.out());
        Cli.Result check = Cli.run("check", MODEL, "--values", VALUES, "--loss", "cross_entropy", "--target", "p",
                "--wrt", "p,net.2.bias", "--reduction", "sum");
        assertEquals(ExitCodes.PASS, check.exitCode(), check.toString());
        assertTrue(check.out().contains("PASS  p  [5, 4]"), check.out());

        // PyTorch's gradients of the index-target loss would not do: the comparison can fail
        Map<String, Tensor> g = new LinkedHashMap<>(DataFiles.read(Path.of(GRADS)));
        g.put("net.2.bias", g.get("net.2.bias").mul(2.0));
        Path bad = dir.resolve("bad.npz");
        DataFiles.writeNpz(bad, g, false);
        Cli.Result wrong = Cli.run("compare", MODEL, "--values", VALUES, "--grads", bad.toString(), "--loss",
                "cross_entropy", "--target", "p");
        assertEquals(ExitCodes.CHECK_FAILED, wrong.exitCode(), wrong.toString());
        assertTrue(wrong.out().contains("FAIL  net.2.bias"), wrong.out());
    }

    @Test
    void aTargetThatFitsNeitherFormOrALossOfIndicesIsAUsageError(@TempDir Path dir) throws IOException {
        Cli.Result nll = Cli.run("check", MODEL, "--values", VALUES, "--loss", "nll_loss", "--target", "p");
        assertEquals(ExitCodes.USAGE, nll.exitCode(), nll.toString());
        assertTrue(nll.err().contains("--loss nll_loss takes an int64 target (class indices), but --target p is "
                + "float64 [5, 4]: for class probabilities of the output's shape [5, 4] use a loss that takes a "
                + "float64 target ("), nll.err());
        assertTrue(nll.err().contains("cross_entropy"), nll.err());

        Map<String, Tensor> values = new LinkedHashMap<>(DataFiles.read(Path.of(VALUES)));
        values.put("p", Tensor.zeros(5, 3));
        Path narrow = dir.resolve("narrow.npz");
        DataFiles.writeNpz(narrow, values, false);
        Cli.Result shape = Cli.run("check", MODEL, "--values", narrow.toString(), "--loss", "cross_entropy",
                "--target", "p");
        assertEquals(ExitCodes.USAGE, shape.exitCode(), shape.toString());
        assertTrue(shape.err().contains("target [5, 3] does not fit input [5, 4]: expected int64 class indices of "
                + "shape [5] (the input's shape without the class dimension 1) or float64 class probabilities of the "
                + "input's shape [5, 4]"), shape.err());

        values.put("p", Tensor.ofLongs(new long[20], 5, 4));
        Path ints = dir.resolve("ints.npz");
        DataFiles.writeNpz(ints, values, false);
        Cli.Result dtype = Cli.run("check", MODEL, "--values", ints.toString(), "--loss", "cross_entropy",
                "--target", "p");
        assertEquals(ExitCodes.USAGE, dtype.exitCode(), dtype.toString());
        assertTrue(dtype.err().contains("input 'target' must be float64, got int64 of shape [5, 4]"), dtype.err());
    }

    /** The form fits --loss but a class is out of range: bad data (exit 3), the file holding it named. */
    @Test
    void aClassIndexOutOfRangeNamesTheValuesFile(@TempDir Path dir) throws IOException {
        Map<String, Tensor> values = new LinkedHashMap<>(DataFiles.read(Path.of(VALUES)));
        values.put("y", Tensor.ofLongs(new long[] {0, 1, 7, 3, 2}, 5));
        Path bad = dir.resolve("classes.npz");
        DataFiles.writeNpz(bad, values, false);
        Cli.Result r = Cli.run("check", MODEL, "--values", bad.toString(), "--loss", "cross_entropy", "--target", "y");
        assertEquals(ExitCodes.INVALID_FILE, r.exitCode(), r.toString());
        assertTrue(r.err().contains("class target 'y' holds 7 at index [2], outside [0, 4) (read from " + bad + ")"),
                r.err());
    }
}

package dev.gradcheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
 * nn.Embedding(padding_idx=…) exported to ONNX: PyTorch's gradient of the padding row is 0, the
 * model's is not (Gather has no padding_idx). compare still fails, and says so instead of
 * blaming an index: the embedding fixture's gradients with row 0 (an index the batch uses)
 * zeroed, as PyTorch's would be with padding_idx=0.
 */
class ComparePaddingRowsTest {
    private static final Path FIXTURES = OnnxCommandsTest.FIXTURES;

    private static Cli.Result compare(Path dir, double otherRowFactor) throws IOException {
        Map<String, Tensor> g = new LinkedHashMap<>(DataFiles.read(FIXTURES.resolve("embedding.grads.npz")));
        double[] w = g.get("emb.weight").data();
        for (int c = 0; c < 4; c++) {
            w[c] = 0;
            w[7 * 4 + c] *= otherRowFactor;
        }
        g.put("emb.weight", Tensor.of(w, 10, 4));
        Path grads = dir.resolve("g.npz");
        DataFiles.writeNpz(grads, g, false);
        return Cli.run("compare", FIXTURES.resolve("embedding.onnx").toString(), "--values",
                FIXTURES.resolve("embedding.values.npz").toString(), "--grads", grads.toString(), "--format", "json");
    }

    @Test
    void aZeroRowOfAnEmbeddingsGradientIsSaidToBePaddingIdx(@TempDir Path dir) throws IOException {
        Cli.Result r = compare(dir, 1);
        assertEquals(ExitCodes.CHECK_FAILED, r.exitCode(), r.toString());
        assertTrue(r.out().contains("theirs is exactly 0 on row 0 of 'emb.weight', where the reference is not, and "
                + "agrees on every other row") && r.out().contains("nn.Embedding's padding_idx, which the ONNX export "
                + "drops"), r.out());
        assertTrue(r.out().contains("\"padding_row\""), r.out());
        assertFalse(r.out().contains("loop bound"), r.out());
    }

    @Test
    void anotherWrongRowBesideItIsNoPaddingRow(@TempDir Path dir) throws IOException {
        Cli.Result r = compare(dir, 2);
        assertEquals(ExitCodes.CHECK_FAILED, r.exitCode(), r.toString());
        assertFalse(r.out().contains("padding_idx"), r.out());
    }
}

package dev.gradcheck.model.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.op.OpRegistry;
import dev.gradcheck.model.DataFiles;
import dev.gradcheck.model.Model;
import dev.gradcheck.model.ModelFileException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The ONNX ops whose converters emit engine ops of the new-ops work (Elu → elu, Selu → selu, a
 * dynamic Where → where, ConvTranspose → conv_transpose2d, 1-d and 2-d), on the
 * PyTorch export {@code new_engine_ops.onnx}. While the registry lacks any of them the model is
 * refused with a message naming the missing engine op; once they are registered it meets the same
 * acceptance as every other export (loss to 1e-12, gradients to 1e-9).
 */
class NewEngineOpsTest {
    static final List<String> ENGINE_OPS = List.of("elu", "selu", "where", "conv_transpose2d");

    @Test
    void newEngineOpsExportMatchesPyTorchOrIsRefusedNamingTheMissingOp() {
        Fixtures.Exported f = Fixtures.exported(ExportedModelsTest.NEEDS_NEW_ENGINE_OPS);
        List<String> missing = ENGINE_OPS.stream().filter(o -> !OpRegistry.contains(o)).toList();
        if (!missing.isEmpty()) {
            ModelFileException e = assertThrows(ModelFileException.class, f::load);
            assertTrue(missing.stream().anyMatch(o -> e.getMessage().contains("engine op " + o)
                    || e.getMessage().contains("engine op '" + o + "'")), e.getMessage());
            return;
        }
        Model m = f.load();
        Map<String, Tensor> v = f.values(m);
        Fixtures.assertRelative(f.loss(), m.loss(v), 1e-12, "loss");
        Map<String, Tensor> torch = DataFiles.read(f.grads());
        Map<String, Tensor> ours = m.gradients(v, m.paramNames());
        assertEquals(torch.keySet(), ours.keySet());
        double floor = Fixtures.largest(torch);
        for (String p : ours.keySet()) {
            Fixtures.assertTensorsClose(torch.get(p), ours.get(p), 1e-9, floor, "d loss / d " + p);
        }
    }
}

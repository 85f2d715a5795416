package dev.gradcheck.model.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcheck.CheckReport;
import dev.gradcheck.GradCheck;
import dev.gradcheck.Mode;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.model.DataFiles;
import dev.gradcheck.model.GradientComparison;
import dev.gradcheck.model.LossFunction;
import dev.gradcheck.model.Model;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The acceptance of issue 15 for every model exported from PyTorch 1.13 at opset 17 in training
 * mode (tools/onnx_fixtures.py: MLPs, CNNs with batch norm, pooling and flatten, attention with
 * layer norm, GELU, split and softmax, multi-head attention, residual blocks, embeddings, a
 * logits-only export read with a loss and target, a float32 export, Elu/Selu/masked_fill/ConvTranspose
 * and the other op forms of the ops and new_engine_ops exports, and dead_rows: F.normalize (ReduceL2) of
 * a dead ReLU row and of a zero input row, sqrt after relu and clamp where they are 0, where PyTorch's
 * gradient is finite because its backward selects): the loss equals PyTorch's
 * float64 loss to 1e-12 relative, the gradients equal PyTorch's to 1e-9 relative, and a full
 * numeric check passes.
 */
class ExportedModelsTest {
    static Stream<String> models() {
        return Fixtures.exportedNames();
    }

    @ParameterizedTest
    @MethodSource("models")
    void lossEqualsPyTorchs(String name) {
        Fixtures.Exported f = Fixtures.exported(name);
        Model m = f.load();
        Fixtures.assertRelative(f.loss(), m.loss(f.values(m)), 1e-12, name + " loss");
    }

    @ParameterizedTest
    @MethodSource("models")
    void gradientsEqualPyTorchs(String name) {
        Fixtures.Exported f = Fixtures.exported(name);
        Model m = f.load();
        Map<String, Tensor> torch = DataFiles.read(f.grads());
        Map<String, Tensor> ours = m.gradients(f.values(m), m.paramNames());
        assertEquals(torch.keySet(), ours.keySet(), name + ": params (the file's initializers, state-dict names)");
        double floor = Fixtures.largest(torch);
        for (String p : ours.keySet()) {
            Fixtures.assertTensorsClose(torch.get(p), ours.get(p), 1e-9, floor, name + " d loss / d " + p);
        }
    }

    /** As {@code gradcheck compare} judges PyTorch's gradients, with its default tolerances. */
    @ParameterizedTest
    @MethodSource("models")
    void compareWithPyTorchsGradientsPasses(String name) {
        Fixtures.Exported f = Fixtures.exported(name);
        Model m = f.load();
        GradientComparison.Result r = GradientComparison.compare(m.gradients(f.values(m), m.paramNames()),
                DataFiles.read(f.grads()), 5);
        assertEquals(List.of(), r.unexpected(), name);
        for (GradientComparison.Param p : r.params()) {
            assertTrue(p.problem() == null && p.passes(1e-10, 1e-7), name + " " + p.name() + ": max abs "
                    + p.maxAbsError() + ", max rel " + p.maxRelError() + (p.problem() == null ? "" : ", " + p.problem()));
        }
    }

    @ParameterizedTest
    @MethodSource("models")
    void fullCheckPasses(String name) {
        Fixtures.Exported f = Fixtures.exported(name);
        Model m = f.load();
        LossFunction fn = m.lossFunction(f.values(m), m.paramNames());
        CheckReport r = GradCheck.of(fn::apply).at(fn.point()).names(fn.names().toArray(String[]::new))
                .mode(Mode.FULL).seed(0).check();
        assertTrue(r.passed(), name + ":\n" + r.toText());
    }

    @ParameterizedTest
    @MethodSource("models")
    void notesSayTheArithmeticIsFloat64(String name) {
        Model m = Fixtures.exported(name).load();
        String widened = Fixtures.exported(name).expected().get("initializers").asText();
        assertTrue(m.notes().get(0).startsWith("computed in float64"), m.notes().toString());
        assertEquals(!widened.equals("float64"), m.notes().get(0).contains(widened + " tensors are widened"),
                m.notes().get(0));
    }
}

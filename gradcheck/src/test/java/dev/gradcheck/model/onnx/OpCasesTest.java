package dev.gradcheck.model.onnx;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcheck.CheckReport;
import dev.gradcheck.GradCheck;
import dev.gradcheck.Mode;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.model.DataFiles;
import dev.gradcheck.model.Limits;
import dev.gradcheck.model.LoadOptions;
import dev.gradcheck.model.LossFunction;
import dev.gradcheck.model.Model;
import dev.gradcheck.model.ModelLoader;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One graph per ONNX op form that PyTorch's exports do not reach (tools/onnx_op_cases.py: Gemm's
 * transA, alpha and beta, opset 18's axes inputs and num_outputs, opset 20's Gelu, inference batch
 * norm, auto_pad, negative slice steps, 1-d pooling, losses with weights and ignore_index, shape
 * sub-graphs folded at load time…): loss and gradients equal PyTorch's, and the numeric check
 * passes.
 */
class OpCasesTest {
    static List<String> cases() {
        return Fixtures.caseNames();
    }

    private static Model load(String name) {
        return ModelLoader.load(Fixtures.CASES.resolve(name + ".onnx"), Limits.DEFAULT, LoadOptions.NONE);
    }

    @ParameterizedTest
    @MethodSource("cases")
    void lossAndGradientsEqualPyTorchs(String name) {
        Model m = load(name);
        Map<String, Tensor> values = m.initialValues();
        double expected = Fixtures.caseExpectations().get(name).get("loss").asDouble();
        Fixtures.assertRelative(expected, m.loss(values), 1e-12, name + " loss");
        Map<String, Tensor> torch = DataFiles.read(Fixtures.CASES.resolve(name + ".grads.npz"));
        Map<String, Tensor> ours = m.gradients(values, m.paramNames());
        double floor = Fixtures.largest(torch);
        for (String p : ours.keySet()) {
            if (torch.containsKey(p)) {
                Fixtures.assertTensorsClose(torch.get(p), ours.get(p), 1e-9, floor, name + " d loss / d " + p);
            } else {
                // PyTorch takes no gradient for it (class weights): ours must be zero
                Fixtures.assertTensorsClose(Tensor.zeros(ours.get(p).shape().dims()), ours.get(p), 0, 1,
                        name + " d loss / d " + p + " (PyTorch: none)");
            }
        }
        assertTrue(ours.keySet().containsAll(torch.keySet()), name + ": PyTorch differentiates " + torch.keySet()
                + ", the model's params are " + ours.keySet());
    }

    @ParameterizedTest
    @MethodSource("cases")
    void fullCheckPasses(String name) {
        Model m = load(name);
        LossFunction fn = m.lossFunction(m.initialValues(), m.paramNames());
        CheckReport r = GradCheck.of(fn::apply).at(fn.point()).names(fn.names().toArray(String[]::new))
                .mode(Mode.FULL).seed(0).check();
        assertTrue(r.passed(), name + ":\n" + r.toText());
    }
}

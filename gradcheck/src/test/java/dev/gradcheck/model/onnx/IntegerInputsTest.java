package dev.gradcheck.model.onnx;

import static dev.gradcheck.model.onnx.OnnxBuilder.attrInt;
import static dev.gradcheck.model.onnx.OnnxBuilder.attrTensor;
import static dev.gradcheck.model.onnx.OnnxBuilder.longs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcheck.engine.DType;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.model.InitSpec;
import dev.gradcheck.model.Limits;
import dev.gradcheck.model.Model;
import dev.gradcheck.model.ModelFileException;
import dev.gradcheck.model.ModelLoader;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * int64 graph inputs moved by shape ops, as PyTorch code moves its targets: the moved tensor is
 * int64, gets no gradient, and a target drawn from the seed keeps the range of the loss its moved
 * copy feeds; a float and an int64 tensor in one Concat are refused naming the node. The JSON
 * format takes the same ops on int64.
 */
class IntegerInputsTest {
    /** The language-model loss: cross_entropy(logits.view(-1, 4), y.view(-1)), logits [2, 3, 4]. */
    private static OnnxBuilder lmLoss() {
        return new OnnxBuilder().input("logits", OnnxBuilder.DOUBLE, 2, 3, 4).input("y", OnnxBuilder.INT64, 2, 3)
                .node("c1", "Constant", List.of(), List.of("s1"), attrTensor("value", longs(null, new long[] {2}, -1, 4)))
                .node("c2", "Constant", List.of(), List.of("s2"), attrTensor("value", longs(null, new long[] {1}, -1)))
                .node("r1", "Reshape", List.of("logits", "s1"), List.of("flat"))
                .node("r2", "Reshape", List.of("y", "s2"), List.of("yflat"))
                .node("ce", "SoftmaxCrossEntropyLoss", List.of("flat", "yflat"), List.of("loss"))
                .output("loss");
    }

    @Test
    void reshapedTargetsAreInt64AndKeepTheLossesRange() {
        Model m = OnnxReaderTest.read(lmLoss().build());
        assertEquals(DType.INT64, m.dtype("yflat"));
        InitSpec.RandInt init = assertInstanceOf(InitSpec.RandInt.class, m.inputs().get("y").init());
        assertEquals(4, init.high());
        Map<String, Tensor> v = m.initialValues();
        // cross_entropy of the flattened logits and targets equals the loss of each position, averaged
        double[] x = v.get("logits").data();
        double[] y = v.get("y").data();
        double expected = 0;
        for (int p = 0; p < 6; p++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < 4; c++) {
                max = Math.max(max, x[p * 4 + c]);
            }
            double sum = 0;
            for (int c = 0; c < 4; c++) {
                sum += Math.exp(x[p * 4 + c] - max);
            }
            expected += max + Math.log(sum) - x[p * 4 + (int) y[p]];
        }
        assertEquals(expected / 6, m.loss(v), 1e-12);
        assertEquals(List.of("logits"), List.copyOf(m.gradients(v, List.of("logits")).keySet()));
    }

    @Test
    void aFloatAndAnInt64TensorInOneConcatAreRefused() {
        byte[] b = new OnnxBuilder().input("x", OnnxBuilder.DOUBLE, 3).input("y", OnnxBuilder.INT64, 3)
                .node("cat", "Concat", List.of("x", "y"), List.of("c"), attrInt("axis", 0))
                .node("sum", "ReduceSum", List.of("c"), List.of("loss"), attrInt("keepdims", 0)).output("loss").build();
        ModelFileException e = assertThrows(ModelFileException.class, () -> OnnxReaderTest.read(b));
        assertTrue(e.getMessage().contains("/graph/node/0: Concat 'cat' (opset 17): cat: input 'tensors' is int64 "
                + "where another is float64"), e.getMessage());
    }

    @Test
    void arithmeticOnAnInt64InputIsRefusedNamingIt() {
        byte[] b = new OnnxBuilder().input("x", OnnxBuilder.DOUBLE, 3).input("y", OnnxBuilder.INT64, 3)
                .node("add", "Add", List.of("x", "y"), List.of("s"))
                .node("sum", "ReduceSum", List.of("s"), List.of("loss"), attrInt("keepdims", 0)).output("loss").build();
        ModelFileException e = assertThrows(ModelFileException.class, () -> OnnxReaderTest.read(b));
        assertTrue(e.getMessage().contains("Add 'add' (opset 17): add: input 'other' must be float64, got int64 'y' of "
                + "shape [3] (integer tensors that depend on graph inputs are not computed with, except by ops that "
                + "only move them"), e.getMessage());
    }

    @Test
    void jsonModelsReshapeInt64Too() {
        String json = """
                {"format": "gradcheck-model/1",
                 "inputs": {"x": {"shape": [6, 3]}, "y": {"shape": [2, 3], "dtype": "int64", "init": {"randint": {"high": 3}}}},
                 "params": {},
                 "nodes": [{"name": "t", "op": "reshape", "inputs": ["y"], "attrs": {"shape": [-1]}},
                           {"name": "loss", "op": "cross_entropy", "inputs": ["x", "t"]}],
                 "output": "loss"}""";
        Model m = ModelLoader.parse(json, null, null, Limits.DEFAULT);
        assertEquals(DType.INT64, m.dtype("t"));
        Map<String, Tensor> v = m.initialValues();
        assertTrue(Double.isFinite(m.loss(v)));
    }
}

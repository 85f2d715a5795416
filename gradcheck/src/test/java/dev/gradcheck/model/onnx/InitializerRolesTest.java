package dev.gradcheck.model.onnx;

import static dev.gradcheck.model.onnx.OnnxBuilder.attrInt;
import static dev.gradcheck.model.onnx.OnnxBuilder.attrTensor;
import static dev.gradcheck.model.onnx.OnnxBuilder.doubles;
import static dev.gradcheck.model.onnx.OnnxBuilder.longs;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcheck.engine.Tensor;
import dev.gradcheck.model.LoadOptions;
import dev.gradcheck.model.Model;
import dev.gradcheck.model.ModelFileException;
import dev.gradcheck.model.StateDictFit;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Which initializers are params: those a differentiable path leads from to the output. A float
 * buffer reaching it only through inputs without a gradient (compared with {@code ==}, class
 * weights behind a Cast) is a constant read at load time, as PyTorch gives it no gradient; a
 * state dict naming it, or an int64 buffer used as indices, is accepted with the value used.
 */
class InitializerRolesTest {
    private static final Path VALUES = Path.of("state.npz");

    /** logits = x · fc (x [3, 4], fc [4, 3]), cross entropy with class weights Cast(w) (w [3]). */
    private static byte[] castClassWeights() {
        return new OnnxBuilder().input("x", OnnxBuilder.DOUBLE, 3, 4).input("y", OnnxBuilder.INT64, 3)
                .initializer(doubles("fc", new long[] {4, 3}, 0.1, -0.2, 0.3, 0.4, 0.5, -0.6, 0.7, 0.8, -0.9, 1.0, 1.1,
                        -1.2))
                .initializer(doubles("w", new long[] {3}, 0.5, 1.0, 2.0))
                .node("mm", "MatMul", List.of("x", "fc"), List.of("logits"))
                .node("cast", "Cast", List.of("w"), List.of("wd"), attrInt("to", OnnxBuilder.DOUBLE))
                .node("ce", "SoftmaxCrossEntropyLoss", List.of("logits", "y", "wd"), List.of("loss"))
                .output("loss").build();
    }

    /** scores = x · fc (x [2, 2], fc [2, 2]) masked where tril == 0 (tril a float buffer) to -10, summed. */
    private static byte[] comparedBuffer() {
        return new OnnxBuilder().input("x", OnnxBuilder.DOUBLE, 2, 2)
                .initializer(doubles("fc", new long[] {2, 2}, 0.5, -1, 2, 0.25))
                .initializer(doubles("tril", new long[] {2, 2}, 1, 0, 1, 1))
                .initializer(doubles("zero", new long[] {}, 0))
                .node("c", "Constant", List.of(), List.of("low"), attrTensor("value", doubles(null, new long[] {}, -10)))
                .node("mm", "MatMul", List.of("x", "fc"), List.of("s"))
                .node("eq", "Equal", List.of("tril", "zero"), List.of("m"))
                .node("wh", "Where", List.of("m", "low", "s"), List.of("ms"))
                .node("sum", "ReduceSum", List.of("ms"), List.of("loss"), attrInt("keepdims", 0))
                .output("loss").build();
    }

    /** x [2, 3] + pe [2, 3], its columns permuted by the int64 buffer perm (Gather axis 1), summed with squares. */
    private static byte[] addedBufferAndIndexBuffer() {
        return new OnnxBuilder().input("x", OnnxBuilder.DOUBLE, 2, 3)
                .initializer(doubles("pe", new long[] {2, 3}, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6))
                .initializer(doubles("c", new long[] {3}, 1, 2, 3))
                .initializer(longs("perm", new long[] {3}, 2, 0, 1))
                .node("add", "Add", List.of("x", "pe"), List.of("h"))
                .node("g", "Gather", List.of("h", "perm"), List.of("hp"), attrInt("axis", 1))
                .node("mul", "Mul", List.of("hp", "c"), List.of("hc"))
                .node("sq", "Mul", List.of("hc", "hp"), List.of("q"))
                .node("sum", "ReduceSum", List.of("q"), List.of("loss"), attrInt("keepdims", 0))
                .output("loss").build();
    }

    private static Tensor vector(double... v) {
        return Tensor.of(v, v.length);
    }

    @Test
    void classWeightsBehindACastAreAConstantNotAParam() {
        Model m = OnnxReaderTest.read(castClassWeights());
        assertEquals(List.of("fc"), m.paramNames());
        assertArrayEquals(new double[] {0.5, 1.0, 2.0}, m.loadTimeConstants().get("w").data());
        assertTrue(m.notes().stream().anyMatch(n -> n.startsWith("read as constants, not params (no gradient, as "
                + "PyTorch's buffers): w, float initializers")), m.notes().toString());
    }

    @Test
    void aFloatBufferComparedWithEqualIsAConstantAndTheMaskFolds() {
        Model m = OnnxReaderTest.read(comparedBuffer());
        assertEquals(List.of("fc"), m.paramNames());
        Map<String, Tensor> v = m.withValues(m.initialValues(), Map.of("x", Tensor.of(new double[] {1, 2, 3, 4}, 2, 2)),
                VALUES);
        // s = [[4.5, -0.5], [9.5, -2]]; tril == 0 only at [0, 1], which becomes -10
        assertEquals(4.5 - 10 + 9.5 - 2, m.loss(v), 1e-12);
    }

    @Test
    void aBufferAddedToTheInputStaysAParamAndAnIndexBufferIsAConstant() {
        Model m = OnnxReaderTest.read(addedBufferAndIndexBuffer());
        // the file cannot tell a buffer on a differentiable path from a param: PyTorch's file lacks its gradient
        assertEquals(List.of("pe", "c"), m.paramNames());
        assertArrayEquals(new double[] {2, 0, 1}, m.loadTimeConstants().get("perm").data());
    }

    @Test
    void aStateDictNamingLoadTimeConstantsIsAcceptedWithTheirValues() {
        Model m = OnnxReaderTest.read(addedBufferAndIndexBuffer());
        Tensor zeros = Tensor.of(new double[] {0, 0, 0, 0, 0, 0}, 2, 3);
        Map<String, Tensor> state = Map.of("x", zeros, "pe", zeros, "c", vector(1, 1, 1),
                "perm", Tensor.ofLongs(new long[] {2, 0, 1}, 3));
        StateDictFit fit = StateDictFit.fit(m, state, VALUES);
        Map<String, Tensor> v = m.withValues(m.initialValues(), fit.values(), VALUES);
        assertEquals(0, m.loss(v), 0);
        // other values than the model was loaded with cannot be put in afterwards: said, and how
        ModelFileException e = assertThrows(ModelFileException.class, () -> m.withValues(m.initialValues(),
                Map.of("perm", Tensor.ofLongs(new long[] {0, 1, 2}, 3)), VALUES));
        assertTrue(e.getMessage().contains("'perm' holds other values than the model was loaded with: it is a tensor "
                + "of t.onnx read at load time") && e.getMessage().contains("give it in the values the model is "
                + "loaded with"), e.getMessage());
    }

    @Test
    void valuesGivenAtLoadReplaceTheFilesLoadTimeConstants() {
        Map<String, Tensor> state = Map.of("x", Tensor.of(new double[] {1, 0, 0, 0, 0, 0}, 2, 3),
                "perm", Tensor.ofLongs(new long[] {0, 1, 2}, 3));
        LoadOptions options = new LoadOptions(state, VALUES, null, null, null);
        Model file = OnnxReaderTest.read(addedBufferAndIndexBuffer());
        Model given = OnnxReaderTest.read(addedBufferAndIndexBuffer(), options);
        Map<String, Tensor> fv = file.withValues(file.initialValues(), Map.of("x", state.get("x")), VALUES);
        Map<String, Tensor> gv = given.withValues(given.initialValues(), Map.of("x", state.get("x"), "perm",
                state.get("perm")), VALUES);
        // h = x + pe: the identity permutation weights its columns by c = 1, 2, 3 in order
        double[] h = {1.1, 0.2, 0.3, 0.4, 0.5, 0.6};
        assertEquals(h[0] * h[0] + 2 * h[1] * h[1] + 3 * h[2] * h[2] + h[3] * h[3] + 2 * h[4] * h[4] + 3 * h[5] * h[5],
                given.loss(gv), 1e-12);
        assertNotEquals(given.loss(gv), file.loss(fv));
        assertTrue(given.notes().stream().anyMatch(n -> n.startsWith("'perm' is read at load time") && n.contains(
                "with its value from state.npz")), given.notes().toString());
        // a shape that does not fit is the values file's error
        LoadOptions wrong = new LoadOptions(Map.of("perm", Tensor.ofLongs(new long[] {0, 1}, 2)), VALUES, null, null,
                null);
        ModelFileException e = assertThrows(ModelFileException.class,
                () -> OnnxReaderTest.read(addedBufferAndIndexBuffer(), wrong));
        assertTrue(e.getMessage().startsWith("state.npz") && e.getMessage().contains("'perm' is int64 [2], but the "
                + "ONNX graph t.onnx has it as int64 [3]"), e.getMessage());
    }
}

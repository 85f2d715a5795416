package dev.gradcheck.model.onnx;

import static dev.gradcheck.model.onnx.OnnxBuilder.attrFloat;
import static dev.gradcheck.model.onnx.OnnxBuilder.attrInt;
import static dev.gradcheck.model.onnx.OnnxBuilder.doubles;
import static dev.gradcheck.model.onnx.OnnxBuilder.tensor;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcheck.engine.DType;
import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.model.InitSpec;
import dev.gradcheck.model.Limits;
import dev.gradcheck.model.LoadOptions;
import dev.gradcheck.model.Model;
import dev.gradcheck.model.ModelFileException;
import dev.gradcheck.model.ModelLoader;
import dev.gradcheck.model.ModelUsageException;
import dev.gradcheck.model.NodeSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the reader maps an ONNX graph: widening, params and buffers, symbolic dimensions, inputs, the loss. */
class OnnxReaderTest {
    static final Path FILE = Path.of("t.onnx");

    static Model read(byte[] bytes) {
        return read(bytes, LoadOptions.NONE);
    }

    static Model read(byte[] bytes, LoadOptions options) {
        return OnnxReader.read(bytes, FILE, Path.of("").toAbsolutePath(), Limits.DEFAULT, options);
    }

    private static OnnxBuilder single(OnnxBuilder.Msg init) {
        return new OnnxBuilder().initializer(init)
                .node("s", "ReduceSum", List.of("w"), List.of("loss"), attrInt("keepdims", 0)).output("loss");
    }

    private static double[] param(Model m, String name) {
        return m.initialValues().get(name).data();
    }

    @Test
    void float32InitializersAreWidenedExactly() {
        Model m = read(single(tensor("w", OnnxBuilder.FLOAT, 3).packedFloats(4, 0.1f, -2.5f, 1e-30f)).build());
        assertArrayEquals(new double[] {0.1f, -2.5f, 1e-30f}, param(m, "w"));
        assertTrue(m.notes().get(0).contains("float32 tensors are widened to float64"), m.notes().toString());
    }

    @Test
    void float32RawDataIsLittleEndian() {
        byte[] raw = new byte[8];
        java.nio.ByteBuffer.wrap(raw).order(java.nio.ByteOrder.LITTLE_ENDIAN).putFloat(1.5f).putFloat(-0.75f);
        Model m = read(single(tensor("w", OnnxBuilder.FLOAT, 2).bytes(9, raw)).build());
        assertArrayEquals(new double[] {1.5, -0.75}, param(m, "w"));
    }

    @Test
    void float16InitializersAreWidenedExactlyFromRawAndInt32Data() {
        // 1.0, -2.0, 65504 (the largest half), 2^-24 (the smallest subnormal), 0.333251953125
        int[] bits = {0x3C00, 0xC000, 0x7BFF, 0x0001, 0x3555};
        double[] expected = {1.0, -2.0, 65504.0, Math.scalb(1.0, -24), 0.333251953125};
        byte[] raw = new byte[bits.length * 2];
        for (int i = 0; i < bits.length; i++) {
            raw[2 * i] = (byte) bits[i];
            raw[2 * i + 1] = (byte) (bits[i] >> 8);
        }
        Model fromRaw = read(single(tensor("w", OnnxBuilder.FLOAT16, bits.length).bytes(9, raw)).build());
        assertArrayEquals(expected, param(fromRaw, "w"));
        long[] asInts = java.util.Arrays.stream(bits).asLongStream().toArray();
        Model fromInts = read(single(tensor("w", OnnxBuilder.FLOAT16, bits.length).packedLongs(5, asInts)).build());
        assertArrayEquals(expected, param(fromInts, "w"));
        assertTrue(fromInts.notes().get(0).contains("float16 tensors are widened"), fromInts.notes().toString());
    }

    @Test
    void bfloat16InitializersAreWidenedExactly() {
        Model m = read(single(tensor("w", OnnxBuilder.BFLOAT16, 3).packedLongs(5, 0x3F80, 0x4049, 0xBF00)).build());
        assertArrayEquals(new double[] {1.0, 3.140625, -0.5}, param(m, "w"));
        assertTrue(m.notes().get(0).contains("bfloat16"), m.notes().toString());
    }

    @Test
    void float64InitializersInDoubleDataAreTakenAsTheyAre() {
        Model m = read(single(tensor("w", OnnxBuilder.DOUBLE, 2).packedDoubles(10, 0.1, Math.PI)).build());
        assertArrayEquals(new double[] {0.1, Math.PI}, param(m, "w"));
        assertTrue(m.notes().get(0).contains("tensors are float64"), m.notes().toString());
    }

    @Test
    void float32AttributesAreWidenedThroughTheirShortestDecimal() {
        byte[] b = new OnnxBuilder().initializer(doubles("w", new long[] {2}, -1, 2))
                .node("a", "LeakyRelu", List.of("w"), List.of("h"), attrFloat("alpha", 0.01f))
                .node("s", "ReduceSum", List.of("h"), List.of("loss"), attrInt("keepdims", 0)).output("loss").build();
        Model m = read(b);
        NodeSpec relu = m.nodes().get(0);
        assertEquals("leaky_relu", relu.op().name());
        assertEquals(0.01, relu.attrs().getDouble("negative_slope"));
        assertEquals(-0.01 + 2, m.loss(m.initialValues()), 1e-15);
    }

    @Test
    void floatInitializersAreParamsNamedAsInTheFileAndInputsAreInputs() {
        Model m = read(OnnxBuilder.linear().build());
        assertEquals(List.of("W", "b"), m.paramNames());
        assertEquals(List.of("x"), List.copyOf(m.inputs().keySet()));
        assertEquals(Shape.of(2, 3), m.shape("x"));
        assertInstanceOf(InitSpec.Normal.class, m.inputs().get("x").init(), "a float input is drawn from N(0, 1)");
        assertEquals("linear", m.nodes().get(0).op().name(), "Gemm with transB = 1 is nn.Linear's linear");
        assertEquals("h", m.nodes().get(0).name(), "the engine node takes the ONNX output's name");
    }

    @Test
    void batchNormRunningStatisticsAreBuffersThatValuesMayReplace() {
        byte[] b = new OnnxBuilder().input("x", OnnxBuilder.DOUBLE, 2, 2)
                .initializer(doubles("bn.weight", new long[] {2}, 1, 2))
                .initializer(doubles("bn.bias", new long[] {2}, 0, 1))
                .initializer(doubles("bn.running_mean", new long[] {2}, 0.5, -0.5))
                .initializer(doubles("bn.running_var", new long[] {2}, 4, 1))
                .node("bn", "BatchNormalization", List.of("x", "bn.weight", "bn.bias", "bn.running_mean",
                        "bn.running_var"), List.of("h"), attrFloat("epsilon", 0f))
                .node("s", "ReduceSum", List.of("h"), List.of("loss"), attrInt("keepdims", 0)).output("loss").build();
        Model m = read(b);
        assertEquals(List.of("bn.weight", "bn.bias"), m.paramNames());
        assertTrue(m.constants().keySet().containsAll(List.of("bn.running_mean", "bn.running_var")),
                m.constants().keySet().toString());
        Map<String, Tensor> v = m.withValues(m.initialValues(), Map.of("x", Tensor.of(new double[] {1, 1, 3, 0}, 2, 2)),
                null);
        // inference: (x - mean) / sqrt(var) * w + b = (0.25 + 1.25) + 2 * (1.5 + 0.5) + 2 * 1
        assertEquals(1.5 + 4 + 2, m.loss(v), 1e-15);
        Map<String, Tensor> zeroMean = m.withValues(v, Map.of("bn.running_mean", Tensor.zeros(2)), null);
        assertEquals((0.5 + 1.5) + 2 * (1 + 0) + 2, m.loss(zeroMean), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> m.gradients(v, List.of("bn.running_mean")));
    }

    @Test
    void symbolicDimensionsDefaultToTwoWithANote() {
        byte[] b = new OnnxBuilder().input("x", OnnxBuilder.DOUBLE, "batch", 3)
                .initializer(doubles("W", new long[] {1, 3}, 1, 2, 3))
                .node("fc", "Gemm", List.of("x", "W"), List.of("h"), attrInt("transB", 1))
                .node("s", "ReduceSum", List.of("h"), List.of("loss"), attrInt("keepdims", 0)).output("loss").build();
        Model m = read(b);
        assertEquals(Shape.of(2, 3), m.shape("x"));
        assertTrue(m.notes().contains("symbolic dimension 'batch' is 2 (the default; give 'x' in --values to set it)"),
                m.notes().toString());
        Model bound = read(b, new LoadOptions(Map.of("x", Tensor.zeros(5, 3)), Path.of("v.npz"), null, null, null));
        assertEquals(Shape.of(5, 3), bound.shape("x"));
        assertFalse(bound.notes().stream().anyMatch(n -> n.contains("symbolic")), bound.notes().toString());
    }

    @Test
    void aSymbolicDimensionBoundTwoWaysIsAnErrorNamingBoth() {
        byte[] b = new OnnxBuilder().input("x", OnnxBuilder.DOUBLE, "batch", 3).input("y", OnnxBuilder.DOUBLE, "batch")
                .node("s", "ReduceSum", List.of("y"), List.of("loss"), attrInt("keepdims", 0)).output("loss").build();
        ModelFileException e = assertThrows(ModelFileException.class, () -> read(b, new LoadOptions(
                Map.of("x", Tensor.zeros(4, 3), "y", Tensor.zeros(5)), Path.of("v.npz"), null, null, null)));
        assertTrue(e.getMessage().startsWith("v.npz"), e.getMessage());
        assertTrue(e.getMessage().contains("'batch'") && e.getMessage().contains("4 in 'x' but 5 in 'y'"),
                e.getMessage());
    }

    @Test
    void valuesThatContradictAFixedDimensionAreAnErrorOfTheValuesFile() {
        ModelFileException e = assertThrows(ModelFileException.class, () -> read(OnnxBuilder.linear().build(),
                new LoadOptions(Map.of("x", Tensor.zeros(2, 5)), Path.of("v.npz"), null, null, null)));
        assertTrue(e.getMessage().startsWith("v.npz") && e.getMessage().contains("[2, 5]"), e.getMessage());
    }

    @Test
    void int64TargetsAreDrawnInTheRangeTheirLossAccepts() {
        byte[] b = new OnnxBuilder().input("x", OnnxBuilder.DOUBLE, 64, 5).input("y", OnnxBuilder.INT64, 64)
                .node("l", "SoftmaxCrossEntropyLoss", List.of("x", "y"), List.of("loss")).output("loss").build();
        Model m = read(b);
        assertEquals(DType.INT64, m.inputs().get("y").dtype());
        assertEquals(new InitSpec.RandInt(0, 5), m.inputs().get("y").init());
        double[] y = m.initialValues(3).get("y").data();
        assertTrue(java.util.Arrays.stream(y).allMatch(v -> v >= 0 && v < 5 && v == Math.rint(v)));
        assertTrue(java.util.Arrays.stream(y).distinct().count() > 1, "drawn, not constant");
    }

    @Test
    void gatherIndicesAreDrawnInTheRangeOfTheGatheredAxis() {
        byte[] b = new OnnxBuilder().input("i", OnnxBuilder.INT64, 3, 2)
                .initializer(doubles("E", new long[] {2, 7}, new double[14]))
                .node("g", "Gather", List.of("E", "i"), List.of("h"), attrInt("axis", 1))
                .node("s", "ReduceSum", List.of("h"), List.of("loss"), attrInt("keepdims", 0)).output("loss").build();
        assertEquals(new InitSpec.RandInt(0, 7), read(b).inputs().get("i").init());
    }

    @Test
    void aGraphEndingInLogitsNeedsLossAndTarget() {
        byte[] b = new OnnxBuilder().input("x", OnnxBuilder.DOUBLE, 4, 3).initializer(doubles("W", new long[] {3, 3},
                1, 0, 0, 0, 1, 0, 0, 0, 1)).node("fc", "MatMul", List.of("x", "W"), List.of("logits")).output("logits")
                .build();
        ModelUsageException none = assertThrows(ModelUsageException.class, () -> read(b));
        assertTrue(none.getMessage().contains("has shape [4, 3], not a scalar loss: give --loss OP and --target NAME"),
                none.getMessage());
        Tensor y = Tensor.ofLongs(new long[] {0, 2, 1, 2}, 4);
        LoadOptions ok = new LoadOptions(Map.of("y", y), Path.of("v.npz"), "cross_entropy", "sum", "y");
        Model m = read(b, ok);
        assertEquals("loss", m.output());
        assertEquals("cross_entropy", m.nodes().get(m.nodes().size() - 1).op().name());
        assertEquals("sum", m.nodes().get(m.nodes().size() - 1).attrs().getString("reduction"));
        assertEquals(List.of("x", "y"), List.copyOf(m.inputs().keySet()));
        assertTrue(m.notes().contains("the loss is cross_entropy(logits, y) with reduction sum"), m.notes().toString());

        ModelUsageException notLoss = assertThrows(ModelUsageException.class, () -> read(b, new LoadOptions(
                Map.of("y", y), null, "relu", null, "y")));
        assertTrue(notLoss.getMessage().contains("not a loss op") && notLoss.getMessage().contains("mse_loss"),
                notLoss.getMessage());
        ModelUsageException noTarget = assertThrows(ModelUsageException.class, () -> read(b, new LoadOptions(
                Map.of("t", y), Path.of("v.npz"), "cross_entropy", null, "y")));
        assertTrue(noTarget.getMessage().contains("v.npz has no tensor 'y' (it has t)"), noTarget.getMessage());
        ModelUsageException badTarget = assertThrows(ModelUsageException.class, () -> read(b, new LoadOptions(
                Map.of("y", Tensor.zeros(4)), null, "cross_entropy", null, "y")));
        assertTrue(badTarget.getMessage().contains("target") && badTarget.getMessage().contains("int64"),
                badTarget.getMessage());
    }

    @Test
    void aLossForAModelThatEndsInAScalarIsAUsageError() {
        ModelUsageException e = assertThrows(ModelUsageException.class, () -> read(OnnxBuilder.linear().build(),
                new LoadOptions(Map.of(), null, "mse_loss", null, "t")));
        assertTrue(e.getMessage().contains("already a scalar"), e.getMessage());
    }

    @Test
    void onnxIsToldByContentWhateverTheFileIsCalled(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("model.bin");
        Files.write(f, OnnxBuilder.linear().build());
        Model m = ModelLoader.load(f);
        assertEquals(List.of("W", "b"), m.paramNames());
        assertEquals("model.bin", m.name());
    }

    @Test
    void aPyTorchCheckpointGivenAsAModelIsNamedForWhatItIs(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("model.pt");
        Files.write(f, new byte[] {'P', 'K', 3, 4, 0, 0, 0, 0});
        ModelFileException e = assertThrows(ModelFileException.class, () -> ModelLoader.load(f));
        assertTrue(e.getMessage().contains("PyTorch checkpoint?") && e.getMessage().contains("torch.onnx.export"),
                e.getMessage());
    }

    @Test
    void aJsonModelTakesNoLoss() {
        Path tiny = Path.of("..", "examples", "tiny-mlp.json");
        ModelUsageException e = assertThrows(ModelUsageException.class, () -> ModelLoader.load(tiny, Limits.DEFAULT,
                new LoadOptions(Map.of(), null, "mse_loss", null, "t")));
        assertTrue(e.getMessage().contains("tiny-mlp.json names its loss itself"), e.getMessage());
    }
}

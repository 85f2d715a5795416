package dev.gradcheck.model.onnx;

import static dev.gradcheck.model.onnx.OnnxBuilder.attrInt;
import static dev.gradcheck.model.onnx.OnnxBuilder.attrString;
import static dev.gradcheck.model.onnx.OnnxBuilder.doubles;
import static dev.gradcheck.model.onnx.OnnxBuilder.tensor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.gradcheck.model.Limits;
import dev.gradcheck.model.LoadOptions;
import dev.gradcheck.model.Model;
import dev.gradcheck.model.ModelFileException;
import dev.gradcheck.model.ModelLoader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Unsupported or malformed ONNX input is a {@link ModelFileException} (exit 3 on the command line)
 * naming the file, the place in it and the node, found before anything large is allocated.
 */
class OnnxMalformedTest {
    private static ModelFileException fails(byte[] bytes) {
        return fails(bytes, Path.of("").toAbsolutePath(), Limits.DEFAULT);
    }

    private static ModelFileException fails(byte[] bytes, Path dir, Limits limits) {
        ModelFileException e = assertThrows(ModelFileException.class,
                () -> OnnxReader.read(bytes, Path.of("bad.onnx"), dir, limits, LoadOptions.NONE));
        assertTrue(e.getMessage().startsWith("bad.onnx"), e.getMessage());
        return e;
    }

    private static void contains(ModelFileException e, String... parts) {
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "'" + p + "' not in: " + e.getMessage());
        }
    }

    private static OnnxBuilder withInitializer(OnnxBuilder.Msg w) {
        return new OnnxBuilder().initializer(w)
                .node("s", "ReduceSum", List.of("w"), List.of("loss"), attrInt("keepdims", 0)).output("loss");
    }

    @Test
    void everyTruncationOfARealExportIsACleanError() throws IOException {
        byte[] full = Files.readAllBytes(Fixtures.DIR.resolve("cnn_bn.onnx"));
        for (int n = 0; n < full.length; n++) {
            byte[] cut = Arrays.copyOf(full, n);
            try {
                OnnxReader.read(cut, Path.of("cut.onnx"), Path.of("").toAbsolutePath(), Limits.DEFAULT,
                        LoadOptions.NONE);
                fail("a file cut to " + n + " of " + full.length + " bytes loaded");
            } catch (ModelFileException e) {
                assertTrue(e.getMessage().startsWith("cut.onnx"), e.getMessage());
            }
        }
    }

    @Test
    void aTruncatedFileNamesWhereDecodingStopped() throws IOException {
        byte[] full = Files.readAllBytes(Fixtures.DIR.resolve("mlp.onnx"));
        ModelFileException e = fails(Arrays.copyOf(full, full.length / 2));
        contains(e, "not a valid ONNX file", "/graph");
    }

    @Test
    void anUnknownOpNamesTheNodeItsOpTypeAndOpsetAndTheSupportedOps() {
        byte[] b = new OnnxBuilder().input("x", OnnxBuilder.DOUBLE, 3)
                .node("weird_7", "Celu", List.of("x"), List.of("h"))
                .node("s", "ReduceSum", List.of("h"), List.of("loss"), attrInt("keepdims", 0)).output("loss").build();
        ModelFileException e = fails(b);
        contains(e, "bad.onnx: /graph/node/0", "node 'weird_7' (op Celu, opset 17)", "op Celu is not supported",
                "supported ops: Abs, Add,", "Gemm", "SoftmaxCrossEntropyLoss");
        assertEquals("weird_7", e.node());
    }

    @Test
    void anInt64ConstantBeyondTwoToThe53IsAnErrorNotACrash() {
        // found by OnnxFuzzTest: a class-target constant no float64 holds exactly made Tensor.ofLongs throw
        byte[] b = new OnnxBuilder().input("x", OnnxBuilder.DOUBLE, 2, 3)
                .initializer(OnnxBuilder.longs("y", new long[] {2}, 1, -3963167672086036479L))
                .node("nll", "NegativeLogLikelihoodLoss", List.of("x", "y"), List.of("loss")).output("loss").build();
        contains(fails(b), "bad.onnx: /graph", "the int64 constant 'y' [2] holds -3963167672086036479 at index [1], "
                + "beyond 2^53");
    }

    @Test
    void anOpOfAnotherDomainIsNotSupported() {
        byte[] b = new OnnxBuilder().input("x", OnnxBuilder.DOUBLE, 3)
                .node("g", "Gelu", "com.microsoft", List.of("x"), List.of("loss")).output("loss").build();
        contains(fails(b), "op com.microsoft.Gelu", "of domain 'com.microsoft' is not supported");
    }

    @Test
    void opsetsOutsideThirteenToTwentyAreRefused() {
        contains(fails(OnnxBuilder.linear().opset(12).build()), "opset 12 of ai.onnx is not supported", "13 to 20");
        contains(fails(OnnxBuilder.linear().opset(21).build()), "opset 21");
        contains(fails(OnnxBuilder.linear().opsetDomain("ai.onnx.ml").build()), "imports no opset of the ai.onnx");
    }

    @Test
    void anOpNewerThanTheModelsOpsetIsRefused() {
        byte[] b = new OnnxBuilder().opset(18).input("x", OnnxBuilder.DOUBLE, 3)
                .node("g", "Gelu", List.of("x"), List.of("h"))
                .node("s", "ReduceSum", List.of("h"), List.of("loss"), attrInt("keepdims", 0)).output("loss").build();
        contains(fails(b), "op Gelu exists from opset 20 on, but the model imports opset 18");
    }

    @Test
    void anAttributeTheConverterDoesNotReadIsRefused() {
        byte[] b = new OnnxBuilder().input("x", OnnxBuilder.DOUBLE, 3)
                .node("r", "Relu", List.of("x"), List.of("h"), attrInt("inplace", 1))
                .node("s", "ReduceSum", List.of("h"), List.of("loss"), attrInt("keepdims", 0)).output("loss").build();
        contains(fails(b), "Relu 'r' (opset 17): attribute 'inplace' is not supported");
    }

    @Test
    void dropoutInTrainingModeWithARatioIsRefused() {
        byte[] b = new OnnxBuilder().input("x", OnnxBuilder.DOUBLE, 3)
                .initializer(doubles("ratio", new long[] {}, 0.5))
                .initializer(tensor("train", OnnxBuilder.BOOL).packedLongs(5, 1))
                .node("d", "Dropout", List.of("x", "ratio", "train"), List.of("h"))
                .node("s", "ReduceSum", List.of("h"), List.of("loss"), attrInt("keepdims", 0)).output("loss").build();
        contains(fails(b), "Dropout 'd'", "ratio 0.5 in training mode draws a random mask");
    }

    @Test
    void anUnsupportedDtypeIsNamed() {
        contains(fails(withInitializer(tensor("w", OnnxBuilder.COMPLEX64, 2).packedFloats(4, 1, 2, 3, 4)).build()),
                "/graph/initializer/0", "initializer 'w' has element type complex64, which gradcheck does not read");
        contains(fails(withInitializer(tensor("w", OnnxBuilder.STRING, 1)).build()), "element type string");
        contains(fails(withInitializer(tensor("w", 17, 1)).build()), "element type data type 17");
        byte[] in = new OnnxBuilder().input("s", OnnxBuilder.STRING, 2)
                .node("r", "Identity", List.of("s"), List.of("loss")).output("loss").build();
        contains(fails(in), "/graph/input/0", "input 's' has element type string");
    }

    @Test
    void dataThatContradictsTheShapeIsNamed() {
        contains(fails(withInitializer(tensor("w", OnnxBuilder.DOUBLE, 3).bytes(9, new byte[16])).build()),
                "initializer 'w' has shape [3] of float64 (24 bytes), but its raw_data has 16 bytes");
        contains(fails(withInitializer(tensor("w", OnnxBuilder.FLOAT, 2, 2).packedFloats(4, 1, 2, 3)).build()),
                "shape [2, 2] (4 elements), but its float_data holds 3 values");
        contains(fails(withInitializer(tensor("w", OnnxBuilder.FLOAT16, 3).packedLongs(5, 1, 2, 3, 4)).build()),
                "int32_data holds more values");
        contains(fails(withInitializer(tensor("w", OnnxBuilder.DOUBLE, 5)).build()), "holds no data");
    }

    @Test
    void absurdSizesAreRefusedBeforeAnythingIsAllocated() {
        contains(fails(withInitializer(tensor("w", OnnxBuilder.DOUBLE, 1L << 40).bytes(9, new byte[8])).build()),
                "absurd dimension 1099511627776");
        contains(fails(withInitializer(tensor("w", OnnxBuilder.DOUBLE, 100_000, 100_000).bytes(9, new byte[8]))
                .build()), "has more than the limit of 16000000 elements per tensor");
        contains(fails(withInitializer(tensor("w", OnnxBuilder.DOUBLE, -3).bytes(9, new byte[8])).build()),
                "negative dimension");
        byte[] hugeInput = new OnnxBuilder().input("x", OnnxBuilder.DOUBLE, 4_000_000, 8)
                .node("s", "ReduceSum", List.of("x"), List.of("loss"), attrInt("keepdims", 0)).output("loss").build();
        contains(fails(hugeInput), "input 'x' of shape [4000000, 8] has more than the limit");
        byte[] expand = new OnnxBuilder().input("x", OnnxBuilder.DOUBLE, 1)
                .initializer(OnnxBuilder.longs("shape", new long[] {2}, 50_000, 50_000))
                .node("e", "Expand", List.of("x", "shape"), List.of("h"))
                .node("s", "ReduceSum", List.of("h"), List.of("loss"), attrInt("keepdims", 0)).output("loss").build();
        contains(fails(expand), "Expand 'e'", "more than the limit of 16000000 elements");
        Limits small = Limits.DEFAULT.withElements(1000, 1500);
        byte[] many = new OnnxBuilder().initializer(doubles("a", new long[] {800}, new double[800]))
                .initializer(doubles("b", new long[] {800}, new double[800]))
                .node("m", "Mul", List.of("a", "b"), List.of("h"))
                .node("s", "ReduceSum", List.of("h"), List.of("loss"), attrInt("keepdims", 0)).output("loss").build();
        contains(fails(many, Path.of("").toAbsolutePath(), small), "more than the limit of 1500 elements");
        // the node count is checked as the graph is decoded, before any node is converted
        ModelFileException nodes = fails(many, Path.of("").toAbsolutePath(), Limits.DEFAULT.withMaxNodes(1));
        contains(nodes, "more than 1 nodes, the limit (--max-model-nodes raises it)");
        assertEquals("/graph/node/1", nodes.pointer());
    }

    @Test
    void aFieldOfTheWrongWireTypeIsCorrupt() {
        // field 7 (graph) as a varint
        contains(fails(new byte[] {0x08, 0x08, 0x38, 0x01}), "not a valid ONNX file", "field graph (number 7) has wire type 0");
        // a group (wire type 3), which no ONNX message uses
        contains(fails(new byte[] {0x08, 0x08, 0x0B}), "wire type 3");
    }

    @Test
    void emptyAndGarbageFilesAreNotModels() {
        contains(fails(new byte[0]), "the file is empty");
        contains(fails(new byte[] {0x08, 0x08}), "not an ONNX model: it has no graph");
        contains(fails("not a model at all".getBytes()), "not a valid ONNX file");
    }

    @Test
    void aShapelessInputNeedsValues() {
        byte[] b = new OnnxBuilder().inputWithoutShape("x", OnnxBuilder.DOUBLE)
                .node("s", "ReduceSum", List.of("x"), List.of("loss"), attrInt("keepdims", 0)).output("loss").build();
        contains(fails(b), "input 'x' declares no shape; give it in --values");
    }

    @Test
    void graphsOutOfOrderOrWithoutOutputsAreRefused() {
        byte[] later = new OnnxBuilder().input("x", OnnxBuilder.DOUBLE, 3)
                .node("s", "ReduceSum", List.of("h"), List.of("loss"), attrInt("keepdims", 0))
                .node("r", "Relu", List.of("x"), List.of("h")).output("loss").build();
        contains(fails(later), "/graph/node/0", "input 'h' is not a graph input, an initializer or the output of an "
                + "earlier node");
        byte[] twice = new OnnxBuilder().input("x", OnnxBuilder.DOUBLE, 3)
                .node("a", "Relu", List.of("x"), List.of("h")).node("b", "Relu", List.of("x"), List.of("h"))
                .output("h").build();
        contains(fails(twice), "value 'h' is produced twice");
        byte[] noOutputs = new OnnxBuilder().input("x", OnnxBuilder.DOUBLE, 3).build();
        contains(fails(noOutputs), "the graph has no outputs");
        byte[] constant = new OnnxBuilder().initializer(OnnxBuilder.longs("k", new long[] {1}, 3))
                .node("c", "Cast", List.of("k"), List.of("loss"), attrInt("to", 11)).output("loss").build();
        contains(fails(constant), "output 'loss' is a constant");
    }

    @Test
    void aBadAttributeValueIsNamed() {
        byte[] b = new OnnxBuilder().input("x", OnnxBuilder.DOUBLE, 1, 1, 4, 4)
                .node("p", "MaxPool", List.of("x"), List.of("h"), OnnxBuilder.attrInts("kernel_shape", 2, 2),
                        attrString("auto_pad", "SIDEWAYS"))
                .node("s", "ReduceSum", List.of("h"), List.of("loss"), attrInt("keepdims", 0)).output("loss").build();
        contains(fails(b), "MaxPool 'p' (opset 17): auto_pad \"SIDEWAYS\" is not one of");
    }

    @Test
    void aShapeMismatchNamesTheNodeAndBothShapes() {
        byte[] b = new OnnxBuilder().input("x", OnnxBuilder.DOUBLE, 2, 3)
                .initializer(doubles("W", new long[] {4, 5}, new double[20]))
                .node("fc", "MatMul", List.of("x", "W"), List.of("h"))
                .node("s", "ReduceSum", List.of("h"), List.of("loss"), attrInt("keepdims", 0)).output("loss").build();
        ModelFileException e = fails(b);
        contains(e, "/graph/node/0", "MatMul 'fc' (opset 17)", "[2, 3]", "[4, 5]");
        assertEquals("fc", e.node());
    }

    // ------------------------------------------------------------------ external data

    private static byte[] externalModel(String location, long length) {
        OnnxBuilder.Msg w = tensor("w", OnnxBuilder.DOUBLE, 3)
                .msg(13, new OnnxBuilder.Msg().string(1, "location").string(2, location))
                .varint(14, 1);
        if (length >= 0) {
            w.msg(13, new OnnxBuilder.Msg().string(1, "length").string(2, Long.toString(length)));
        }
        return withInitializer(w).build();
    }

    private static byte[] doublesBytes(double... v) {
        byte[] b = new byte[v.length * 8];
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().put(v);
        return b;
    }

    @Test
    void externalDataInTheModelsFolderIsRead(@TempDir Path dir) throws IOException {
        Files.write(dir.resolve("w.bin"), doublesBytes(1.5, 2.5, -1));
        Model m = OnnxReader.read(externalModel("w.bin", 24), Path.of("m.onnx"), dir, Limits.DEFAULT,
                LoadOptions.NONE);
        assertEquals(3.0, m.loss(m.initialValues()));
    }

    @Test
    void externalDataThatIsMissingShortOrOutsideTheFolderIsRefused(@TempDir Path dir) throws IOException {
        Path models = Files.createDirectory(dir.resolve("models"));
        contains(fails(externalModel("w.bin", -1), models, Limits.DEFAULT), "initializer 'w'",
                "external data file \"w.bin\" does not exist");
        Files.write(dir.resolve("secret.bin"), doublesBytes(1, 2, 3));
        contains(fails(externalModel("../secret.bin", -1), models, Limits.DEFAULT),
                "is outside the model's folder", "--allow-outside-files");
        contains(fails(externalModel(dir.resolve("secret.bin").toString(), -1), models, Limits.DEFAULT),
                "is outside the model's folder");
        Files.createSymbolicLink(models.resolve("link.bin"), dir.resolve("secret.bin"));
        contains(fails(externalModel("link.bin", -1), models, Limits.DEFAULT), "links outside the model's folder");
        Model allowed = OnnxReader.read(externalModel("../secret.bin", -1), Path.of("m.onnx"), models,
                Limits.DEFAULT.withAllowOutsideFiles(true), LoadOptions.NONE);
        assertEquals(6.0, allowed.loss(allowed.initialValues()));
        Files.write(models.resolve("short.bin"), doublesBytes(1));
        contains(fails(externalModel("short.bin", -1), models, Limits.DEFAULT), "has 8 bytes, too few for 24 bytes");
        contains(fails(externalModel("short.bin", 8), models, Limits.DEFAULT),
                "(24 bytes), but its external data has length 8");
    }

    @Test
    void aModelFileThroughTheLoaderNamesTheFile(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("broken.onnx");
        byte[] full = OnnxBuilder.linear().build();
        Files.write(f, Arrays.copyOf(full, full.length - 5));
        ModelFileException e = assertThrows(ModelFileException.class, () -> ModelLoader.load(f));
        assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
    }
}

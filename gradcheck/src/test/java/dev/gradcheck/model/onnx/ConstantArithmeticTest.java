package dev.gradcheck.model.onnx;

import static dev.gradcheck.model.onnx.OnnxBuilder.attrInt;
import static dev.gradcheck.model.onnx.OnnxBuilder.attrInts;
import static dev.gradcheck.model.onnx.OnnxBuilder.attrTensor;
import static dev.gradcheck.model.onnx.OnnxBuilder.doubles;
import static dev.gradcheck.model.onnx.OnnxBuilder.longs;
import static dev.gradcheck.model.onnx.OnnxBuilder.tensor;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcheck.engine.Tensor;
import dev.gradcheck.model.FloatPrecision;
import dev.gradcheck.model.Model;
import dev.gradcheck.model.ModelFileException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Shape arithmetic exporters emit on constants (ReduceProd of gathered dims for {@code var} and
 * {@code view(x.size(0), -1)}, Min/Max/Mod/Tile/rounding), folded at load time, and refused on
 * data; and the precision of a graph's float constants.
 */
class ConstantArithmeticTest {
    /** x [2, 3, 4] reshaped to (dim 0, product of the others) by shape arithmetic, then summed. */
    private static OnnxBuilder flattenByShapeArithmetic(int opset) {
        OnnxBuilder b = new OnnxBuilder().opset(opset).input("x", OnnxBuilder.DOUBLE, 2, 3, 4)
                .initializer(longs("zero", new long[] {1}, 0))
                .initializer(longs("one", new long[] {1}, 1))
                .initializer(longs("big", new long[] {1}, 99))
                .node("shape", "Shape", List.of("x"), List.of("s"))
                .node("first", "Slice", List.of("s", "zero", "one"), List.of("s0"))
                .node("rest", "Slice", List.of("s", "one", "big"), List.of("sr"));
        if (opset >= 18) {
            b.initializer(longs("axes", new long[] {1}, 0))
                    .node("prod", "ReduceProd", List.of("sr", "axes"), List.of("p"), attrInt("keepdims", 1));
        } else {
            b.node("prod", "ReduceProd", List.of("sr"), List.of("p"), attrInts("axes", 0), attrInt("keepdims", 1));
        }
        return b.node("cat", "Concat", List.of("s0", "p"), List.of("target"), attrInt("axis", 0))
                .node("reshape", "Reshape", List.of("x", "target"), List.of("h"))
                .node("sum", "ReduceSum", List.of("h"), List.of("loss"), attrInt("keepdims", 0))
                .output("loss");
    }

    @Test
    void reduceProdOfAShapeFoldsAtOpsets13To18() {
        for (int opset : new int[] {13, 15, 17, 18}) {
            Model m = OnnxReaderTest.read(flattenByShapeArithmetic(opset).build());
            assertArrayEquals(new int[] {2, 12}, m.shape("h").dims(), "opset " + opset);
        }
    }

    @Test
    void minMaxModTileAndRoundingFoldExactly() {
        // Min([5, -7, 2], [4, 9, -1]) = [4, -7, -1]; mod 3 (the divisor's sign, as Python's %) = [1, 2, 2];
        // Max with 1 = [1, 2, 2]; Floor([1.5, -2.5, 0.5]) = [1, -3, 0]; Round (half to even) = [2, -2, 0];
        // Sign = [1, -1, 1]; each tiled twice, multiplied into x = ones(6) and summed
        OnnxBuilder b = new OnnxBuilder().input("x", OnnxBuilder.DOUBLE, 6)
                .initializer(longs("a", new long[] {3}, 5, -7, 2))
                .initializer(longs("b", new long[] {3}, 4, 9, -1))
                .initializer(longs("one", new long[] {}, 1))
                .initializer(longs("three", new long[] {}, 3))
                .initializer(longs("reps", new long[] {1}, 2))
                .initializer(doubles("half", new long[] {3}, 1.5, -2.5, 0.5))
                .node("min", "Min", List.of("a", "b"), List.of("mn"))
                .node("mod", "Mod", List.of("mn", "three"), List.of("md"))
                .node("max", "Max", List.of("md", "one"), List.of("mx"))
                .node("tile", "Tile", List.of("mx", "reps"), List.of("t"))
                .node("cast", "Cast", List.of("t"), List.of("tf"), attrInt("to", OnnxBuilder.DOUBLE))
                .node("floor", "Floor", List.of("half"), List.of("fl"))
                .node("round", "Round", List.of("half"), List.of("rd"))
                .node("sign", "Sign", List.of("half"), List.of("sg"))
                .node("tile2", "Tile", List.of("fl", "reps"), List.of("fl2"))
                .node("mul", "Mul", List.of("x", "tf"), List.of("h"))
                .node("mul2", "Mul", List.of("h", "fl2"), List.of("h2"))
                .node("add", "Add", List.of("rd", "sg"), List.of("rs"))
                .node("tile3", "Tile", List.of("rs", "reps"), List.of("rs2"))
                .node("mul3", "Mul", List.of("h2", "rs2"), List.of("h3"))
                .node("sum", "ReduceSum", List.of("h3"), List.of("loss"), attrInt("keepdims", 0))
                .output("loss");
        Model m = OnnxReaderTest.read(b.build());
        Tensor x = Tensor.of(new double[] {1, 1, 1, 1, 1, 1}, 6);
        double loss = m.evaluate(m.withValues(m.initialValues(), Map.of("x", x), null), List.of()).loss().item();
        // Round + Sign = [3, -3, 1]
        assertEquals(2 * (1 * 1 * 3 + 2 * -3 * -3 + 2 * 0 * 1), loss, 0);
    }

    @Test
    void reduceProdOfDataIsRefusedNamingTheNode() {
        byte[] b = new OnnxBuilder().input("x", OnnxBuilder.DOUBLE, 2, 3)
                .node("prod", "ReduceProd", List.of("x"), List.of("loss"), attrInt("keepdims", 0)).output("loss")
                .build();
        ModelFileException e = assertThrows(ModelFileException.class, () -> OnnxReaderTest.read(b));
        assertTrue(e.getMessage().contains("ReduceProd 'prod'") && e.getMessage().contains("must be a constant known "
                + "at load time"), e.getMessage());
    }

    @Test
    void aComparisonOfDataIsRefusedAsADataDependentMask() {
        byte[] b = new OnnxBuilder().input("x", OnnxBuilder.DOUBLE, 3)
                .initializer(doubles("zero", new long[] {}, 0))
                .node("gt", "Greater", List.of("x", "zero"), List.of("m"))
                .node("where", "Where", List.of("m", "x", "zero"), List.of("h"))
                .node("sum", "ReduceSum", List.of("h"), List.of("loss"), attrInt("keepdims", 0)).output("loss")
                .build();
        ModelFileException e = assertThrows(ModelFileException.class, () -> OnnxReaderTest.read(b));
        assertTrue(e.getMessage().contains("Greater 'gt'") && e.getMessage().contains("data-dependent mask"),
                e.getMessage());
    }

    @Test
    void aMaskComputedFromIntegerInputsSaysToGiveItAsAnInput() {
        byte[] b = new OnnxBuilder().input("x", OnnxBuilder.DOUBLE, 3).input("tok", OnnxBuilder.INT64, 3)
                .node("z", "Constant", List.of(), List.of("zero"), attrTensor("value", OnnxBuilder.longs(null,
                        new long[] {}, 0)))
                .node("c", "Constant", List.of(), List.of("low"), attrTensor("value", doubles(null, new long[] {}, -9)))
                .node("eq", "Equal", List.of("tok", "zero"), List.of("m"))
                .node("where", "Where", List.of("m", "low", "x"), List.of("h"))
                .node("sum", "ReduceSum", List.of("h"), List.of("loss"), attrInt("keepdims", 0)).output("loss")
                .build();
        ModelFileException e = assertThrows(ModelFileException.class, () -> OnnxReaderTest.read(b));
        assertTrue(e.getMessage().contains("Equal 'eq'") && e.getMessage().contains("compares 'tok', which depends on "
                + "the graph's integer inputs: a mask computed from them (as key_padding_mask=(tokens == 0) exports)")
                && e.getMessage().contains("give the mask as a float input of its own"), e.getMessage());
        assertTrue(!e.getMessage().contains("leaky_relu"), e.getMessage());
    }

    private static Model withConstant(float value) {
        return OnnxReaderTest.read(new OnnxBuilder().input("x", OnnxBuilder.DOUBLE, 3)
                .node("c", "Constant", List.of(), List.of("k"),
                        attrTensor("value", tensor(null, OnnxBuilder.FLOAT).packedFloats(4, value)))
                .node("mul", "Mul", List.of("x", "k"), List.of("h"))
                .node("sum", "ReduceSum", List.of("h"), List.of("loss"), attrInt("keepdims", 0)).output("loss")
                .build());
    }

    @Test
    void float32ConstantsTheExporterRoundedMakeTheModelFloat32Precise() {
        assertEquals(FloatPrecision.FLOAT32, withConstant(0.044715f).constantsPrecision());
        assertEquals(FloatPrecision.FLOAT32, withConstant((float) Math.sqrt(2 / Math.PI)).constantsPrecision());
        // 0.5 and 3 are what they read as: nothing was rounded
        assertEquals(FloatPrecision.FLOAT64, withConstant(0.5f).constantsPrecision());
        assertEquals(FloatPrecision.FLOAT64, withConstant(3f).constantsPrecision());
        assertEquals(FloatPrecision.FLOAT64, OnnxReaderTest.read(OnnxBuilder.linear().build()).constantsPrecision());
    }
}

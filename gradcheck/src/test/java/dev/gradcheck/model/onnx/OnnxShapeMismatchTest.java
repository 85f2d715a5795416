package dev.gradcheck.model.onnx;

import static dev.gradcheck.model.onnx.OnnxBuilder.attrInts;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcheck.health.ShapeReport;
import dev.gradcheck.health.Shapes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code shapes} on an ONNX model that fails shape inference: the raw JSON graph that gives a
 * model file's failing row its op and inputs does not exist, so the row is the node alone, and
 * the text shows no placeholder op and no empty inputs line.
 */
class OnnxShapeMismatchTest {
    @Test
    void theMismatchOfAnOnnxModelShowsNoPlaceholders(@TempDir Path dir) throws IOException {
        // a 2x2 average pool of a 1x1 image: an output of size 0
        byte[] b = new OnnxBuilder().input("x", OnnxBuilder.DOUBLE, 1, 1, 1, 1)
                .node("pool", "AveragePool", List.of("x"), List.of("h"), attrInts("kernel_shape", 2, 2))
                .node("s", "ReduceSum", List.of("h"), List.of("loss"), OnnxBuilder.attrInt("keepdims", 0))
                .output("loss").build();
        Path file = Files.write(dir.resolve("pool.onnx"), b);
        ShapeReport r = Shapes.of(file);
        assertFalse(r.ok());
        assertNull(r.mismatch().row().op(), "no made-up op");
        String text = r.toText();
        assertTrue(text.contains("MISMATCH at node 'pool' (/graph/node/0)\n"), text);
        assertFalse(text.contains("inputs: \n") || text.contains("(?"), text);
        assertTrue(text.contains("smaller than the kernel"), text);
    }
}

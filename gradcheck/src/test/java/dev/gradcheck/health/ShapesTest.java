package dev.gradcheck.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcheck.engine.Shape;
import dev.gradcheck.model.ModelFileException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShapesTest {
    @TempDir
    Path dir;

    @Test
    void tableOfTinyMlp() {
        ShapeReport r = Shapes.of(Path.of("../examples/tiny-mlp.json"));
        assertTrue(r.ok());
        assertEquals(6, r.rows().size());
        ShapeRow z1 = r.rows().get(0);
        assertEquals("z1", z1.node());
        assertEquals("matmul", z1.op());
        assertEquals(List.of(Shape.of(8, 4), Shape.of(4, 16)), z1.inputShapes());
        assertEquals(Shape.of(8, 16), z1.output());
        assertEquals(64, z1.paramCount());
        assertEquals(4 * 16 + 16 + 16 * 3 + 3, r.paramCount());
        assertTrue(r.toText().contains("shapes: 6 nodes fit; 131 param entries; output 'loss' []"), r.toText());
    }

    @Test
    void mismatchNamesNodeOpBothShapesAndTheTranspose() {
        ShapeReport r = Shapes.of(SickModels.sick("shape-mismatch"));
        ShapeMismatch m = r.mismatch();
        assertEquals("z1", m.row().node());
        assertEquals("matmul", m.row().op());
        assertEquals(List.of(Shape.of(8, 4), Shape.of(16, 4)), m.row().inputShapes());
        assertTrue(m.problem().contains("[8, 4]") && m.problem().contains("[16, 4]"), m.problem());
        assertEquals("transposing W1 ([16, 4] → [4, 16]) would fit", m.hint());
        assertEquals("/nodes/0", m.pointer());
        assertTrue(r.toText().contains("MISMATCH at node 'z1' (matmul, /nodes/0)"), r.toText());
    }

    @Test
    void rowsBeforeALaterMismatchAndASwapHint() throws IOException {
        Path f = dir.resolve("late.json");
        Files.writeString(f, """
                {"format": "gradcheck-model/1",
                 "inputs": {"x": {"shape": [8, 4]}},
                 "params": {"W": {"shape": [4, 6]}, "V": {"shape": [3, 8]}},
                 "nodes": [
                   {"name": "h", "op": "matmul", "inputs": ["x", "W"]},
                   {"name": "t", "op": "tanh", "inputs": ["h"]},
                   {"name": "o", "op": "matmul", "inputs": ["t", "V"]},
                   {"name": "loss", "op": "sum", "inputs": ["o"]}],
                 "output": "loss"}
                """);
        ShapeReport r = Shapes.of(f);
        assertEquals(List.of("h", "t"), r.rows().stream().map(ShapeRow::node).toList());
        assertEquals(24, r.rows().get(0).paramCount());
        assertEquals("o", r.mismatch().row().node());
        // [8, 6] x [3, 8] fits neither transposed; V @ t ([3, 8] x [8, 6]) does
        assertEquals("swapping the inputs of matmul ('V' first, then 't') would fit", r.mismatch().hint());
    }

    @Test
    void layersShorthandMismatchWithoutHint() throws IOException {
        Path f = dir.resolve("layers.json");
        Files.writeString(f, """
                {"format": "gradcheck-model/1",
                 "inputs": {"x": {"shape": [5, 4]}, "y": {"shape": [5], "dtype": "int64"}},
                 "layers": [{"type": "linear", "in": 4, "out": 8}, {"type": "tanh"}, {"type": "linear", "in": 7, "out": 3}],
                 "input": "x", "target": "y", "loss": "cross_entropy"}
                """);
        ShapeReport r = Shapes.of(f);
        assertEquals(List.of("h0", "h1"), r.rows().stream().map(ShapeRow::node).toList());
        assertEquals("h2", r.mismatch().row().node());
        assertEquals("linear", r.mismatch().row().op());
        assertEquals(List.of("h1", "2.weight", "2.bias"), r.mismatch().row().inputs());
        assertNull(r.mismatch().hint(), "no transpose of [3, 7] or [5, 8] fits");
    }

    @Test
    void broadcastMismatchWithAReshapeHint() throws IOException {
        Path f = dir.resolve("bias.json");
        Files.writeString(f, """
                {"format": "gradcheck-model/1",
                 "inputs": {"x": {"shape": [8, 16]}},
                 "params": {"b": {"shape": [8]}},
                 "nodes": [
                   {"name": "a", "op": "add", "inputs": ["x", "b"]},
                   {"name": "loss", "op": "sum", "inputs": ["a"]}],
                 "output": "loss"}
                """);
        ShapeMismatch m = Shapes.of(f).mismatch();
        assertEquals("a", m.row().node());
        assertTrue(m.problem().contains("[8, 16]") && m.problem().contains("[8]"), m.problem());
        assertEquals("reshaping b ([8] → [8, 1]) would fit", m.hint());
    }

    @Test
    void otherProblemsStayFileErrors() throws IOException {
        Path f = dir.resolve("bad.json");
        Files.writeString(f, "{\"format\": \"gradcheck-model/1\", \"inputs\": {}, \"nodes\": []}");
        assertThrows(ModelFileException.class, () -> Shapes.of(f));
    }
}

package dev.gradcheck.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcheck.engine.DType;
import dev.gradcheck.engine.Shape;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The model loader's dispatch to a reader by content, and the graph builder used without JSON. */
class ModelReadersTest {
    @TempDir
    Path dir;

    @Test
    void aJsonModelIsRecognisedByContentWhateverItsName() throws IOException {
        Path renamed = dir.resolve("tiny-mlp.model");
        Files.copy(Examples.path("tiny-mlp.json"), renamed);
        Model m = ModelLoader.load(renamed);
        Model original = ModelLoader.load(Examples.path("tiny-mlp.json"));
        assertEquals(original.nodes(), m.nodes());
        assertEquals(original.loss(original.initialValues()), m.loss(m.initialValues()), 0);
    }

    @Test
    void theJsonReaderRecognisesAnObjectAfterAByteOrderMarkAndWhiteSpace() {
        JsonModelReader json = new JsonModelReader();
        assertTrue(json.recognizes(file("{\"format\": 1}".getBytes(StandardCharsets.UTF_8))));
        assertTrue(json.recognizes(file("\uFEFF \n\t{}".getBytes(StandardCharsets.UTF_8))));
        assertFalse(json.recognizes(file("[1, 2]".getBytes(StandardCharsets.UTF_8))));
        assertFalse(json.recognizes(file(new byte[0])));
        assertFalse(json.recognizes(file(new byte[] {0x08, 0x07, 0x12, 0x04})));
    }

    @Test
    void whatNoReaderRecognisesGetsTheJsonReadersMessage() throws IOException {
        ModelFile binary = file(new byte[] {0x08, 0x07, (byte) 0xFF, (byte) 0xFE});
        assertTrue(ModelLoader.readerFor(binary) instanceof JsonModelReader);
        Path f = dir.resolve("weights.bin");
        Files.write(f, binary.content());
        ModelFileException e = assertThrows(ModelFileException.class, () -> ModelLoader.load(f));
        assertEquals("not valid JSON: the file is not UTF-8 text", e.problem());
        assertSame(f, e.file());
    }

    @Test
    void aSecondReaderBuildsAndValidatesItsGraphWithTheBuilder() {
        ProblemSite site = (pointer, node, problem, cause) -> new ModelFileException(null, pointer, -1, -1, node,
                problem, cause);
        GraphBuilder graph = new GraphBuilder(site, Limits.DEFAULT);
        TensorSpec x = new TensorSpec("x", false, Shape.of(2, 3), DType.FLOAT64, new InitSpec.Ones(), "graph/input/0");
        TensorSpec w = new TensorSpec("w", true, Shape.of(3, 4), DType.FLOAT64, new InitSpec.Uniform(-1, 1),
                "graph/initializer/0");
        for (TensorSpec s : List.of(x, w)) {
            graph.declare(s.name(), s.pointer());
            graph.addLeaf(s);
        }
        List<NodeSpec> nodes = graph.addNodes(List.of(
                NodeDraft.at("graph/node/0", "y", "matmul", List.of("x", "w"), Map.of()),
                NodeDraft.at("graph/node/1", "loss", "sum", List.of("y"), new LinkedHashMap<>())));
        assertEquals(Shape.of(2, 4), nodes.get(0).shape());
        Model m = graph.model("onnx-like", 0, null, Map.of("x", x), Map.of("w", w), nodes, "loss", "graph/output/0",
                false);
        assertEquals(List.of("w"), m.paramNames());
        assertEquals(Shape.of(), m.shape("loss"));

        GraphBuilder bad = new GraphBuilder(site, Limits.DEFAULT);
        bad.declare("x", "graph/input/0");
        bad.addLeaf(x);
        ModelFileException e = assertThrows(ModelFileException.class, () -> bad.addNodes(List.of(
                NodeDraft.at("graph/node/0", "y", "matmul", List.of("x", "x1"), Map.of()))));
        assertEquals("graph/node/0", e.pointer());
        assertEquals("y", e.node());
        assertEquals("node 'y': undefined name 'x1'; did you mean x?", e.problem());
        ModelFileException shape = assertThrows(ModelFileException.class, () -> bad.addNodes(List.of(
                NodeDraft.at("graph/node/0", "y", "matmul", List.of("x", "x"), Map.of()))));
        assertTrue(shape.problem().startsWith("matmul 'y': "), shape.problem());
        assertTrue(shape.problem().contains("[2, 3]"), shape.problem());
    }

    private static ModelFile file(byte[] content) {
        return new ModelFile(Path.of("model"), content, Limits.DEFAULT);
    }
}

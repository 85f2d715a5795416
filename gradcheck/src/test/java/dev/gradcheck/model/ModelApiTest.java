package dev.gradcheck.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.io.Npz;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Evaluating a model: forward, loss, gradients, the function view, overrides, export and comparison. */
class ModelApiTest {
    @TempDir
    Path dir;

    @Test
    void anIndexOutOfRangeFoundWhileEvaluatingIsAnInvalidFileNamingTheNode() throws IOException {
        Path f = dir.resolve("gather.json");
        Files.writeString(f, "{\"format\": \"gradcheck-model/1\", \"inputs\": {\"idx\": {\"shape\": [2, 1], "
                + "\"dtype\": \"int64\", \"init\": {\"value\": [[0], [5]]}}}, \"params\": {\"v\": {\"shape\": [2, 3]}},"
                + " \"nodes\": [{\"name\": \"g\", \"op\": \"gather\", \"inputs\": [\"v\", \"idx\"], \"attrs\": {\"dim\": 1}},"
                + " {\"name\": \"loss\", \"op\": \"sum\", \"inputs\": [\"g\"]}], \"output\": \"loss\"}");
        Model m = ModelLoader.load(f);
        ModelFileException e = assertThrows(ModelFileException.class, () -> m.loss(m.initialValues()));
        assertEquals(f + ": gather 'g': index 5 is out of bounds for dimension 1 with size 3 (input [2, 3], index [2, 1], "
                + "at index position [1, 0])", e.getMessage());
        assertEquals("g", e.node());
    }

    @Test
    void forwardGivesEveryNodesTensor() {
        Model m = ModelLoader.load(Examples.path("tiny-mlp.json"));
        Evaluation ev = m.evaluate(m.initialValues(), m.paramNames());
        assertEquals(List.of("x", "y", "W1", "b1", "W2", "b2", "z1", "a1", "h1", "z2", "logits", "loss"),
                List.copyOf(ev.tensors().keySet()));
        for (NodeSpec n : m.nodes()) {
            assertEquals(n.shape(), ev.tensor(n.name()).shape(), "static shape of " + n.name() + " = actual shape");
        }
        assertEquals(m.loss(m.initialValues()), ev.loss().item(), 0);
        Map<String, Tensor> g = ev.gradients();
        assertEquals(m.paramNames(), List.copyOf(g.keySet()));
        for (String p : m.paramNames()) {
            assertEquals(m.shape(p), g.get(p).shape());
        }
    }

    @Test
    void gradientsAgreeWithFiniteDifferences() {
        Model m = ModelLoader.load(Examples.path("two-layer.json"));
        Map<String, Tensor> v = m.initialValues();
        Map<String, Tensor> g = m.gradients(v, List.of("weights1", "input"));
        LossFunction f = m.lossFunction(v, List.of("weights1", "input"));
        double[][] x = f.flatPoint();
        double h = 1e-6;
        for (int i = 0; i < x.length; i++) {
            double[] analytic = g.get(f.names().get(i)).data();
            for (int k = 0; k < x[i].length; k++) {
                double[][] p = {x[0].clone(), x[1].clone()};
                double[][] q = {x[0].clone(), x[1].clone()};
                p[i][k] += h;
                q[i][k] -= h;
                double numeric = (f.forward(p)[0] - f.forward(q)[0]) / (2 * h);
                assertEquals(numeric, analytic[k], 1e-6, f.names().get(i) + "[" + k + "]");
            }
        }
        double[][] b = f.backward(x, new double[] {2});
        assertEquals(2 * g.get("weights1").data()[3], b[0][3], 1e-15);
    }

    @Test
    void lossFunctionIsDifferentiableAndLeavesValuesAlone() {
        Model m = ModelLoader.load(Examples.path("tiny-mlp.json"));
        Map<String, Tensor> v = m.initialValues();
        LossFunction f = m.lossFunction(v, m.paramNames());
        Tensor[] grads = f.gradient(f.point());
        Map<String, Tensor> ref = m.gradients(v, m.paramNames());
        for (int i = 0; i < grads.length; i++) {
            assertArrayEquals(ref.get(f.names().get(i)).data(), grads[i].data(), 0);
        }
        assertEquals(m.loss(v), f.value(f.point()), 0);
        assertTrue(v.get("W1").grad() == null, "the caller's tensors collect no gradient");
        assertThrows(IllegalArgumentException.class, () -> m.lossFunction(v, List.of("y")), "int64 input has no gradient");
        assertThrows(IllegalArgumentException.class, () -> m.lossFunction(v, List.of("nope")));
    }

    @Test
    void layersShorthandNamesParamsLikeNnSequential() {
        Model m = ModelLoader.load(Examples.path("mlp-layers.json"));
        assertTrue(m.fromLayers());
        assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias"), m.paramNames());
        assertEquals(Shape.of(8, 4), m.shape("0.weight"));
        assertEquals(Shape.of(3), m.shape("2.bias"));
        assertEquals(List.of("h0", "h1", "h2", "loss"), m.nodes().stream().map(NodeSpec::name).toList());
        double bound = 1 / Math.sqrt(4);
        assertTrue(java.util.Arrays.stream(m.initialValues().get("0.weight").data()).allMatch(x -> Math.abs(x) <= bound));
    }

    @Test
    void layersShorthandOptions() throws IOException {
        String json = "{\"format\": \"gradcheck-model/1\", \"inputs\": {\"x\": {\"shape\": [4, 6]}, "
                + "\"t\": {\"shape\": [4, 2]}}, \"layers\": [{\"type\": \"linear\", \"in\": 6, \"out\": 2, \"bias\": false},"
                + " {\"type\": \"leaky_relu\", \"negative_slope\": 0.2}], \"input\": \"x\", \"target\": \"t\","
                + " \"loss\": {\"op\": \"mse_loss\", \"reduction\": \"sum\"}}";
        Path f = dir.resolve("l.json");
        Files.writeString(f, json);
        Model m = ModelLoader.load(f);
        assertEquals(List.of("0.weight"), m.paramNames());
        assertEquals(0.2, m.nodes().get(1).attrs().getDouble("negative_slope"), 0);
        assertEquals("sum", m.nodes().get(2).attrs().getString("reduction"));
        Files.writeString(f, json.replace("\"leaky_relu\"", "\"leaky_relu\", \"slope\": 1"));
        ModelFileException e = assertThrows(ModelFileException.class, () -> ModelLoader.load(f));
        assertTrue(e.getMessage().contains("/layers/1") && e.getMessage().contains("unknown attribute 'slope'"),
                e.getMessage());
        Files.writeString(f, json.replace("\"out\": 2", "\"out\": 3"));
        e = assertThrows(ModelFileException.class, () -> ModelLoader.load(f));
        assertTrue(e.getMessage().contains("/loss") && e.getMessage().contains("mse_loss 'loss'"), e.getMessage());
        Files.writeString(f, json.replace("\"input\": \"x\"", "\"input\": \"xx\""));
        e = assertThrows(ModelFileException.class, () -> ModelLoader.load(f));
        assertTrue(e.getMessage().contains("/input") && e.getMessage().contains("input 'xx' is not an entry of inputs"),
                e.getMessage());
    }

    @Test
    void valuesOverrideByNameWithChecks() throws IOException {
        Model m = ModelLoader.load(Examples.path("tiny-mlp.json"));
        Path npz = dir.resolve("v.npz");
        Tensor w = Tensor.ones(4, 16);
        Npz.write(npz, Map.of("W1", w));
        Map<String, Tensor> v = m.withValues(m.initialValues(), npz);
        assertArrayEquals(w.data(), v.get("W1").data());
        assertArrayEquals(m.initialValues().get("x").data(), v.get("x").data(), "others keep their init");

        Npz.write(npz, Map.of("W3", w));
        ModelFileException e = assertThrows(ModelFileException.class, () -> m.withValues(m.initialValues(), npz));
        assertTrue(e.getMessage().startsWith(npz.toString()) && e.getMessage().contains("'W3' is not an input or param"),
                e.getMessage());
        Npz.write(npz, Map.of("W1", Tensor.ones(16, 4)));
        e = assertThrows(ModelFileException.class, () -> m.withValues(m.initialValues(), npz));
        assertTrue(e.getMessage().contains("'W1' has shape [16, 4], but the model declares [4, 16]"), e.getMessage());
        Npz.write(npz, Map.of("y", Tensor.ofLongs(new long[] {0, 1, 2, 3, 0, 1, 2, 0}, 8)));
        e = assertThrows(ModelFileException.class, () -> m.withValues(m.initialValues(), npz));
        assertTrue(e.getMessage().contains("class target 'y' holds 3 at index [3], outside [0, 3)"), e.getMessage());
        Npz.write(npz, Map.of("y", Tensor.ones(8)));
        e = assertThrows(ModelFileException.class, () -> m.withValues(m.initialValues(), npz));
        assertTrue(e.getMessage().contains("'y' is float64, but the model declares int64"), e.getMessage());
        e = assertThrows(ModelFileException.class, () -> m.withValues(m.initialValues(), dir.resolve("none.npz")));
        assertTrue(e.getMessage().contains("no such file"), e.getMessage());
        Npz.write(npz, Map.of("W1", w));
        byte[] whole = Files.readAllBytes(npz);
        Files.write(npz, java.util.Arrays.copyOf(whole, whole.length / 2));
        e = assertThrows(ModelFileException.class, () -> m.withValues(m.initialValues(), npz));
        assertTrue(e.getMessage().startsWith(npz.toString()), "a truncated file is named: " + e.getMessage());
    }

    @Test
    void exportAndCompareGradients() throws IOException {
        Model m = ModelLoader.load(Examples.path("tiny-mlp.json"));
        Map<String, Tensor> g = m.gradients(m.initialValues(), m.paramNames());
        Path out = dir.resolve("g.npz");
        DataFiles.writeNpz(out, g, false);
        assertThrows(FileAlreadyExistsException.class, () -> DataFiles.writeNpz(out, g, false));
        DataFiles.writeNpz(out, Map.of("only", Tensor.ones(2)), true);
        assertEquals(List.of("only"), List.copyOf(DataFiles.read(out).keySet()), "overwrite replaces");
        DataFiles.writeNpz(out, g, true);
        try (var files = Files.list(dir)) {
            assertEquals(List.of(out), files.toList(), "no temporary file left behind");
        }
        Map<String, Tensor> back = DataFiles.read(out);
        GradientComparison.Result same = GradientComparison.compare(g, back, 3);
        assertTrue(same.passes(0, 0), "a round trip is exact");
        assertEquals(0, same.params().get(0).maxAbsError(), 0);

        Map<String, Tensor> bad = new LinkedHashMap<>(back);
        double[] w2 = back.get("W2").data();
        w2[5] *= 2;
        bad.put("W2", Tensor.of(w2, 16, 3));
        bad.remove("b2");
        bad.put("extra", Tensor.ones(1));
        GradientComparison.Result r = GradientComparison.compare(g, bad, 2);
        assertFalse(r.passes(1e-6, 1e-6));
        GradientComparison.Param p = r.params().get(2);
        assertEquals("W2", p.name());
        assertArrayEquals(new int[] {1, 2}, p.worst().get(0).index(), "entry 5 of [16, 3] is [1, 2]");
        assertEquals(Math.abs(g.get("W2").data()[5]), p.maxAbsError(), 1e-18);
        assertEquals(0.5, p.maxRelError(), 1e-12);
        assertTrue(r.params().get(3).problem().contains("no gradient for 'b2'"));
        assertEquals(List.of("extra"), r.unexpected());
        assertTrue(r.params().get(0).passes(0, 0));
    }

    @Test
    void scalarValueInitAndParseFromText() {
        String json = "{\"format\": \"gradcheck-model/1\", \"inputs\": {\"s\": {\"shape\": [], \"init\": {\"value\": 2.5}}},"
                + " \"params\": {\"w\": {\"shape\": [2], \"init\": {\"value\": [1, 3]}}},"
                + " \"nodes\": [{\"name\": \"p\", \"op\": \"mul\", \"inputs\": [\"w\", \"s\"]},"
                + " {\"name\": \"l\", \"op\": \"sum\", \"inputs\": [\"p\"]}], \"output\": \"l\"}";
        Model m = ModelLoader.parse(json, null, null, Limits.DEFAULT);
        assertEquals(10.0, m.loss(m.initialValues()), 0);
        assertArrayEquals(new double[] {2.5, 2.5}, m.gradients(m.initialValues(), List.of("w")).get("w").data(), 0);
    }
}

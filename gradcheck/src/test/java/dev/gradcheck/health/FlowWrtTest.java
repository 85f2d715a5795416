package dev.gradcheck.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.model.Model;
import dev.gradcheck.model.ModelLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link Flow#run(Model, Map, java.util.Collection, FlowOptions)}: per-tensor statistics for chosen params and inputs. */
class FlowWrtTest {
    private static final Model TINY = ModelLoader.load(Path.of("../examples/tiny-mlp.json"));

    private static double norm(Tensor t) {
        double s = 0;
        for (double v : t.data()) {
            s += v * v;
        }
        return Math.sqrt(s);
    }

    @Test
    void aSubsetOfParamsGetsStatisticsAndTheGradientFlowsOnlyOnItsWay() {
        Map<String, Tensor> v = TINY.initialValues();
        FlowReport all = Flow.run(TINY, v, FlowOptions.defaults());
        FlowReport some = Flow.run(TINY, v, List.of("W2", "b1"), FlowOptions.defaults());
        assertEquals(List.of("W2", "b1"), some.params().stream().map(ParamStats::name).toList(), some::toText);
        assertEquals(all.layers().size(), some.layers().size(), "every node is a layer either way");
        // the gradient flows from the loss to W2 and b1: through every layer from a1 = z1 + b1 on, not through z1
        assertFalse(some.layer("z1").gradFlows(), some::toText);
        assertTrue(all.layer("z1").gradFlows(), all::toText);
        for (int i = 1; i < all.layers().size(); i++) {
            LayerStats a = all.layers().get(i);
            LayerStats b = some.layers().get(i);
            assertTrue(b.gradFlows(), "layer " + b.name());
            assertEquals(a.gradNorm(), b.gradNorm(), 0, "layer " + a.name());
            assertEquals(a.actMean(), b.actMean(), 0, "layer " + a.name());
        }
        assertTrue(some.healthy(), some::toText);
        ParamStats w2 = some.params().get(0);
        assertEquals(all.params().get(2).gradNorm(), w2.gradNorm(), 0, "W2's statistics do not depend on the others");
        assertEquals("z2", w2.layer());
        assertFalse(w2.input());
        assertTrue(some.layer("z1").params().isEmpty(), "W1 was not asked for");
        String text = some.toText();
        assertTrue(text.contains("\nparam "), text);
        assertFalse(text.contains("W1 "), text);
    }

    @Test
    void anInputGetsItsGradientStatisticsButNoUpdateRatio() {
        Map<String, Tensor> v = TINY.initialValues();
        FlowReport r = Flow.run(TINY, v, List.of("x", "W1"), FlowOptions.defaults().withLr(0.01));
        ParamStats x = r.params().get(0);
        assertEquals("x", x.name());
        assertTrue(x.input());
        assertEquals("input", x.kind());
        assertEquals("z1", x.layer());
        // the reference: the model's own gradient with respect to x
        double expected = norm(TINY.gradients(v, List.of("x")).get("x"));
        assertTrue(expected > 0, "x gets a gradient");
        assertEquals(expected, x.gradNorm(), 1e-12 * expected);
        assertEquals(norm(v.get("x")), x.dataNorm(), 1e-12);
        assertTrue(Double.isNaN(x.updateDataRatio()), "training does not update an input: " + x.updateDataRatio());
        assertFalse(r.params().get(1).input());
        assertFalse(Double.isNaN(r.params().get(1).updateDataRatio()), "W1 is a param: it has one");
        String text = r.toText();
        assertTrue(text.contains("\ntensor "), text);
        assertTrue(text.contains("x (input) "), text);
        assertTrue(text.contains("W1 (param) "), text);
        // a huge learning rate flags the param's update, never the input's
        FlowReport high = Flow.run(TINY, v, List.of("x", "W1"), FlowOptions.defaults().withLr(1e6));
        assertTrue(high.flags().stream().anyMatch(f -> f.detail().startsWith("param 'W1'")), high::toText);
        assertFalse(high.flags().stream().anyMatch(f -> f.detail().contains("'x'")), high::toText);
    }

    @Test
    void anExplodingInputGradientNamesTheInput() {
        LayerSample z1 = new LayerSample("z1", "matmul", Tensor.of(new double[] {1, 2}, 2),
                Tensor.of(new double[] {0.1, 0.1}, 2), null);
        ParamSample x = new ParamSample("x", "z1", Tensor.of(new double[] {1, 2}, 2),
                Tensor.of(new double[] {3e4, 4e4}, 2), true);
        FlowReport r = Flow.analyze(1.0, List.of(z1), List.of(x), List.of(), FlowOptions.defaults().withLr(0.1));
        assertEquals(1, r.flags().size(), r::toText);
        Flag f = r.flags().get(0);
        assertEquals(FlagKind.EXPLODING, f.kind());
        assertEquals("z1", f.place());
        assertTrue(f.detail().startsWith("gradient norm of input 'x' is ") && f.detail().contains("above 1e+04"),
                f.detail());
        assertEquals(5e4, r.params().get(0).gradNorm(), 1e-9);
    }

    @Test
    void jsonNamesTheTensorsAndTheirKind() {
        FlowReport r = Flow.run(TINY, TINY.initialValues(), List.of("x", "W2"), FlowOptions.defaults());
        JsonNode j = r.toJson(0);
        assertEquals("[\"x\",\"W2\"]", j.get("wrt").toString());
        JsonNode z1 = j.get("checks").get(0);
        assertEquals("z1", z1.get("name").asText());
        assertEquals(1, z1.get("params").size(), z1.toPrettyString());
        assertEquals("x", z1.get("params").get(0).get("name").asText());
        assertEquals("input", z1.get("params").get(0).get("kind").asText());
        assertTrue(z1.get("params").get(0).get("update_data_ratio").isNull());
        JsonNode z2 = j.get("checks").get(3);
        assertEquals("z2", z2.get("name").asText());
        assertEquals("param", z2.get("params").get(0).get("kind").asText());
        assertEquals(0, j.get("checks").get(1).get("params").size(), "b1 was not asked for");
    }

    @Test
    void namesThatAreNoParamOrFloatInputAreRefused() {
        Map<String, Tensor> v = TINY.initialValues();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Flow.run(TINY, v, List.of("W9"), FlowOptions.defaults()));
        assertEquals("'W9' is not a param or float64 input of model 'tiny-mlp'", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Flow.run(TINY, v, List.of("y"), FlowOptions.defaults()),
                "y holds int64 class targets: no gradient");
        assertThrows(IllegalArgumentException.class, () -> Flow.run(TINY, v, List.of("h1"), FlowOptions.defaults()),
                "h1 is a node, not a tensor one differentiates with respect to");
    }
}

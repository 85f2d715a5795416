package dev.gradcheck.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gradcheck.engine.Anomaly;
import dev.gradcheck.model.Model;
import dev.gradcheck.model.ModelLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class FlowTest {
    static Stream<Path> examples() {
        return SickModels.examples().stream();
    }

    private static FlowReport flow(String sick) {
        Model m = SickModels.load(sick);
        return Flow.run(m, m.initialValues(), FlowOptions.defaults());
    }

    /** The flags of {@code r} as "kind place" strings, for messages showing expected and actual. */
    private static List<String> kinds(FlowReport r) {
        return r.flags().stream().map(f -> f.kind().label() + " " + f.place()).toList();
    }

    @ParameterizedTest
    @MethodSource("examples")
    void shippedExamplesAreHealthy(Path example) {
        Model m = ModelLoader.load(example);
        FlowReport r = Flow.run(m, m.initialValues(), FlowOptions.defaults());
        assertTrue(r.healthy(), () -> example + " flagged:\n" + r.toText());
        assertEquals(m.nodes().size(), r.layers().size(), "one layer per node");
        assertEquals(m.paramNames().size(), r.params().size(), "one entry per param");
    }

    /**
     * Tester 16, finding 9: a layer whose gradient is NaN (it carries the NaN of the layer that
     * made it) or exactly 0 (below a dead ReLU) was {@code "status": "pass"} in the JSON, green to
     * any tool reading {@code checks[].status}. No such layer passes; its diagnosis names the flag.
     */
    @Test
    void aLayerWithANanOrZeroGradientIsNoPass() {
        JsonNode nan = Flow.run(SickModels.broken("nan-producer"), SickModels.broken("nan-producer").initialValues(),
                FlowOptions.defaults()).toJson(2);
        JsonNode dead = Flow.run(SickModels.broken("dead-relu"), SickModels.broken("dead-relu").initialValues(),
                FlowOptions.defaults()).toJson(3);
        int carried = 0;
        for (JsonNode report : List.of(nan, dead)) {
            for (JsonNode c : report.get("checks")) {
                JsonNode g = c.path("grad_norm");
                boolean bad = g.isTextual() || g.isNumber() && g.asDouble() == 0;
                if (bad) {
                    assertEquals("fail", c.get("status").asText(), c.toString());
                    assertFalse(c.get("passed").asBoolean(), c.toString());
                    carried++;
                }
            }
        }
        assertEquals(7, carried, "z1, a1, h1 (flagged), z2 and logits of nan-producer, z1 and p1 (flagged) of dead-relu");
        JsonNode z1 = nan.get("checks").get(0);
        assertEquals("gradient NaN here, carried from the nan flagged at h1; nothing about this layer can be judged",
                z1.get("diagnosis").asText());
        assertEquals("no gradient reaches this layer (its norm is exactly 0), below the dead_relu flagged at a1",
                dead.get("checks").get(0).get("diagnosis").asText());
    }

    @Test
    void explodingChainIsFlaggedAtTheLayerNearestTheLoss() {
        FlowReport r = flow("exploding");
        assertEquals(List.of("exploding h3"), kinds(r), r::toText);
        String d = r.flags().get(0).detail();
        assertTrue(d.contains("'W3'") && d.contains("above 1e+04"), d);
        // the gradient grows about 17x per matmul on its way back
        assertTrue(r.layer("h2").gradRatio() > 10, () -> "h2 ratio " + r.layer("h2").gradRatio());
        assertTrue(r.layer("h1").gradRatio() > 10, () -> "h1 ratio " + r.layer("h1").gradRatio());
    }

    @Test
    void explodingByGrowthAloneNamesTheFirstLayerThatGrows() {
        // with the norm bound out of the way, the 10x-per-layer rule is what fires
        Model m = SickModels.load("exploding");
        FlowReport r = Flow.run(m, m.initialValues(), FlowOptions.defaults().withExploding(1e300, 10));
        assertEquals(List.of("exploding h2"), kinds(r), r::toText);
        assertTrue(r.flags().get(0).detail().contains("x that of 'h3'"), r.flags().get(0).detail());
        assertTrue(r.flags().get(0).detail().contains("1 more finding"), r.flags().get(0).detail());
    }

    @Test
    void vanishingSigmoidStackIsFlaggedWhereTheGradientFirstShrinks() {
        FlowReport r = flow("vanishing");
        assertEquals(List.of("vanishing s2"), kinds(r), r::toText);
        assertTrue(r.flags().get(0).detail().contains("smaller than that of 'z3'"), r.flags().get(0).detail());
        assertTrue(r.layer("s2").gradRatio() < 0.1, () -> "ratio " + r.layer("s2").gradRatio());
    }

    @Test
    void vanishingBelowTheBound() {
        Model m = SickModels.load("vanishing");
        FlowReport r = Flow.run(m, m.initialValues(), FlowOptions.defaults().withVanishing(1e-2, 1e6));
        assertEquals(List.of("vanishing s2"), kinds(r), r::toText);
        assertTrue(r.flags().get(0).detail().contains("is below 0.01"), r.flags().get(0).detail());
    }

    @Test
    void deadReluLayerIsFlaggedWithItsUnits() {
        FlowReport r = flow("dead-relu");
        assertEquals(List.of("dead_relu a1", "vanishing p1"), kinds(r), r::toText);
        assertTrue(r.flags().get(0).detail().startsWith("16 of 16 units (100.0%) never positive over the batch of 16"),
                r.flags().get(0).detail());
        assertEquals(1.0, r.layer("a1").deadShare());
        assertEquals(0.0, r.params().get(0).gradNorm(), "no gradient reaches W1");
        assertTrue(r.flags().get(1).detail().contains("(the ReLU layer 'a1' after it is dead)"), r.flags().get(1).detail());
    }

    @Test
    void saturatedTanhIsFlagged() {
        FlowReport r = flow("saturated-tanh");
        assertEquals(List.of("saturated h1"), kinds(r), r::toText);
        double share = r.layer("h1").saturatedShare();
        assertTrue(share > 0.8, "share " + share);
        assertTrue(r.flags().get(0).line().startsWith("FLAG saturated h1: 83.6% of tanh outputs y have |y| > 0.97"),
                r.flags().get(0).line());
    }

    @Test
    void thresholdsAreOptions() {
        Model m = SickModels.load("saturated-tanh");
        FlowReport r = Flow.run(m, m.initialValues(), FlowOptions.defaults().withSaturation(0.97, 0.9));
        assertTrue(r.healthy(), r::toText);
        Model d = SickModels.load("dead-relu");
        FlowReport rd = Flow.run(d, d.initialValues(), FlowOptions.defaults().withDeadShare(0.99));
        assertEquals(1, rd.flags(FlagKind.DEAD_RELU).size(), "100% dead is above 99%: " + kinds(rd));
        // a zero gradient shrinks by any factor, so only a zero bound and no ratio rule leave p1 alone
        Model s = SickModels.load("vanishing");
        FlowReport rs = Flow.run(s, s.initialValues(), FlowOptions.defaults().withVanishing(1e-7, 100));
        assertTrue(rs.healthy(), "20x shrink is within 100x: " + kinds(rs));
    }

    @Test
    void nanInForwardNamesTheProducerAndStops() {
        FlowReport r = flow("nan-forward");
        assertEquals(List.of("nan lz"), kinds(r), r::toText);
        NodeAnomaly a = r.anomalies().get(0);
        assertEquals(Anomaly.Phase.FORWARD, a.anomaly().phase());
        assertEquals("log", a.anomaly().op());
        assertTrue(r.flags().get(0).detail().startsWith("forward: log 'lz' produced nan from finite inputs [8, 3]"),
                r.flags().get(0).detail());
        assertTrue(Double.isNaN(r.loss()));
    }

    @Test
    void nanOnlyInBackwardNamesTheSqrt() {
        FlowReport r = flow("nan-backward");
        assertEquals(List.of("nan s"), kinds(r), r::toText);
        NodeAnomaly a = r.anomalies().get(0);
        assertEquals(Anomaly.Phase.BACKWARD, a.anomaly().phase());
        assertEquals("sqrt", a.anomaly().op());
        assertTrue(Double.isFinite(r.loss()), "the forward pass is finite: " + r.loss());
        assertTrue(r.flags().get(0).detail().startsWith("backward of sqrt 's' produced nan"), r.flags().get(0).detail());
    }

    @Test
    void updateRatioWithALearningRate() {
        Model m = ModelLoader.load(Path.of("../examples/tiny-mlp.json"));
        FlowReport high = Flow.run(m, m.initialValues(), FlowOptions.defaults().withLr(10));
        // W1: 10 * 0.0766 = 0.766, log10 -0.12 > -2
        assertTrue(kinds(high).contains("exploding z1"), () -> kinds(high).toString());
        assertTrue(high.flags().get(0).detail().startsWith("param 'W1': update:data ratio 10^-0.12 for one SGD step at "
                + "lr 10 is above 10^-2"), high.flags().get(0).detail());
        ParamStats w1 = high.params().get(0);
        assertEquals(10 * w1.gradDataRatio(), w1.updateDataRatio(), 1e-15);
        FlowReport low = Flow.run(m, m.initialValues(), FlowOptions.defaults().withLr(1e-6));
        assertTrue(kinds(low).contains("vanishing z1"), () -> kinds(low).toString());
        assertTrue(low.flags().get(0).detail().contains("too low"), low.flags().get(0).detail());
        // zero-initialised biases have no data norm: no ratio, no flag
        assertTrue(Double.isNaN(low.params().get(1).updateDataRatio()));
        assertFalse(kinds(low).contains("vanishing a1"), "b1 (used by a1) has no ratio: " + kinds(low));
        FlowReport right = Flow.run(m, m.initialValues(), FlowOptions.defaults().withLr(0.013));
        assertTrue(right.healthy(), right::toText);
    }

    @Test
    void jsonHasOneCheckPerLayerInTheReportShape() {
        FlowReport r = flow("dead-relu");
        JsonNode j = r.toJson(3);
        assertEquals("flow", j.get("command").asText());
        assertFalse(j.get("passed").asBoolean());
        assertEquals(6, j.get("checks").size(), j.toPrettyString());
        JsonNode a1 = j.get("checks").get(2);
        assertEquals("a1", a1.get("name").asText());
        assertEquals("fail", a1.get("status").asText());
        for (String f : List.of("max_abs_error", "max_rel_error", "worst", "diagnosis", "grad_norm", "dead_share",
                "params", "flags")) {
            assertTrue(a1.has(f), "missing " + f + " in " + a1);
        }
        assertEquals("dead_relu", a1.get("flags").get(0).get("kind").asText());
        JsonNode z1 = j.get("checks").get(0);
        assertEquals("W1", z1.get("params").get(0).get("name").asText());
        assertTrue(j.get("checks").get(5).get("passed").asBoolean());
    }
}

package dev.gradcheck.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcheck.CheckResult;
import dev.gradcheck.Status;
import dev.gradcheck.engine.Anomaly;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.model.Model;
import dev.gradcheck.model.ModelLoader;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AnomalyScanTest {
    @Test
    void healthyModelIsClean() {
        Model m = ModelLoader.load(Path.of("../examples/tiny-mlp.json"));
        AnomalyScan s = AnomalyScan.run(m, m.initialValues(), m.paramNames());
        assertTrue(s.clean(), s.anomalies()::toString);
        assertEquals(List.of(), s.checkResults(0));
        assertEquals(m.paramNames(), List.copyOf(s.gradients().keySet()));
    }

    @Test
    void forwardNanBecomesAnErrorNamedAfterTheNode() {
        Model m = SickModels.load("nan-forward");
        AnomalyScan s = AnomalyScan.run(m, m.initialValues(), m.paramNames());
        assertEquals("lz", s.first().orElseThrow().node());
        CheckResult c = s.checkResults(5).get(0);
        assertEquals("lz", c.name());
        assertEquals(Status.ERROR, c.status());
        assertTrue(c.error().startsWith("anomaly: forward: log 'lz' produced nan"), c.error());
    }

    @Test
    void backwardOnlyNan() {
        Model m = SickModels.load("nan-backward");
        AnomalyScan s = AnomalyScan.run(m, m.initialValues(), m.paramNames());
        assertEquals(1, s.anomalies().size(), s.anomalies()::toString);
        NodeAnomaly a = s.first().orElseThrow();
        assertEquals("s", a.node());
        assertEquals(Anomaly.Phase.BACKWARD, a.anomaly().phase());
        assertEquals(FlagKind.NAN, a.kind());
        assertTrue(Double.isFinite(s.loss()));
    }

    @Test
    void badValueGivenForAnInputIsNamedAsThatInput() {
        Model m = ModelLoader.load(Path.of("../examples/tiny-mlp.json"));
        Map<String, Tensor> v = new LinkedHashMap<>(m.initialValues());
        double[] x = v.get("x").data();
        x[5] = Double.POSITIVE_INFINITY;
        v.put("x", Tensor.of(x, 8, 4));
        AnomalyScan s = AnomalyScan.run(m, v, m.paramNames());
        NodeAnomaly a = s.first().orElseThrow();
        assertEquals("x", a.node());
        assertEquals(FlagKind.INF, a.kind());
        assertTrue(a.describe().startsWith("'x' already holds inf before any op"), a.describe());
    }

    @Test
    void explodingLossBeyondTheThreshold() {
        Model m = SickModels.load("exploding");
        AnomalyScan s = AnomalyScan.run(m, m.initialValues(), m.paramNames(), List.of(), 1e6);
        NodeAnomaly a = s.first().orElseThrow();
        assertEquals(FlagKind.EXPLODING, a.kind());
        assertTrue(List.of("h2", "h3", "loss").contains(a.node()), a.describe());
    }

    @Test
    void aConstantMaskOfMinusInfinityThatSoftmaxAbsorbsIsNotAnAnomaly() {
        Model m = SickModels.load("masked-softmax");
        AnomalyScan s = AnomalyScan.run(m, masked(m, new double[] {0, Double.NEGATIVE_INFINITY, 0, 0, 0,
            Double.NEGATIVE_INFINITY}), m.paramNames());
        assertTrue(s.clean(), s.anomalies()::toString);
        assertEquals(List.of("mask"), s.absorbed().stream().map(NodeAnomaly::node).toList());
        assertTrue(Double.isFinite(s.loss()));
    }

    @Test
    void aMaskOverAWholeRowStaysTheAnomalyItCauses() {
        // every score of row 0 masked: softmax gives NaN there, and the mask is where it came from
        Model m = SickModels.load("masked-softmax");
        double inf = Double.NEGATIVE_INFINITY;
        AnomalyScan s = AnomalyScan.run(m, masked(m, new double[] {inf, inf, inf, 0, 0, 0}), m.paramNames());
        assertEquals("mask", s.first().orElseThrow().node());
        assertEquals(List.of(), s.absorbed());
    }

    @Test
    void infinityInADataInputIsStillAnAnomalyWhenTheLossIsFinite() {
        // x holds the -inf where the mask would: the same numbers, but data, not part of the model
        Model m = SickModels.load("masked-softmax");
        Map<String, Tensor> v = new LinkedHashMap<>(m.initialValues());
        double[] x = v.get("x").data();
        x[1] = Double.NEGATIVE_INFINITY;
        v.put("x", Tensor.of(x, 2, 3));
        AnomalyScan s = AnomalyScan.run(m, v, m.paramNames());
        assertEquals("x", s.first().orElseThrow().node());
    }

    @Test
    void anInfinityThatALaterSelectDropsIsAbsorbed() {
        Model m = SickModels.load("sqrt-of-relu");
        AnomalyScan s = AnomalyScan.run(m, m.initialValues(), m.paramNames());
        assertTrue(s.clean(), s.anomalies()::toString);
        NodeAnomaly a = s.absorbed().get(0);
        assertEquals("r", a.node());
        assertEquals(Anomaly.Phase.BACKWARD, a.anomaly().phase());
        assertEquals(FlagKind.INF, a.kind());
        for (double g : s.gradients().get("W").data()) {
            assertTrue(Double.isFinite(g), s.gradients()::toString);
        }
    }

    private static Map<String, Tensor> masked(Model m, double[] mask) {
        Map<String, Tensor> v = new LinkedHashMap<>(m.initialValues());
        v.put("mask", Tensor.of(mask, 2, 3));
        return v;
    }
}

package dev.gradcheck.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcheck.engine.AnomalyMode;
import dev.gradcheck.engine.Functional;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.nn.SGD;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The monitor in a hand-written training loop, as a user would write it. */
class HealthMonitorTest {
    private final SplittableRandom rng = new SplittableRandom(11);
    private final Tensor x = Tensor.randn(rng, 16, 4);
    private final Tensor y = Tensor.ofLongs(new long[] {0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0}, 16);

    @Test
    void listenerSeesEveryStepOfAHealthyLoop() {
        Tensor w1 = Tensor.randn(rng, 4, 16).mul(0.5).detach().requiresGrad();
        Tensor w2 = Tensor.randn(rng, 16, 3).mul(0.3).detach().requiresGrad();
        SGD opt = new SGD(List.of(w1, w2), 0.1);
        List<StepReport> steps = new ArrayList<>();
        HealthMonitor health = new HealthMonitor(FlowOptions.defaults()).addListener(steps::add);
        for (int step = 0; step < 5; step++) {
            Tensor h1 = x.matmul(w1).tanh();
            Tensor loss = Functional.crossEntropy(h1.matmul(w2), y);
            Map<String, Tensor> layers = new LinkedHashMap<>();
            layers.put("h1", h1);
            FlowReport r = health.observe(step, loss, layers, Map.of("w1", w1, "w2", w2));
            assertTrue(r.healthy(), r::toText);
            loss.backward();
            opt.step();
            opt.zeroGrad();
        }
        assertEquals(List.of(0, 1, 2, 3, 4), steps.stream().map(StepReport::step).toList());
        assertTrue(steps.get(4).loss() < steps.get(0).loss(), steps::toString);
        assertEquals("tanh", steps.get(0).flow().layer("h1").op());
        assertNull(w1.grad(), "observe leaves the params' grad alone (zeroGrad ran last)");
    }

    @Test
    void deadLayerAndNanProducerInAUserLoop() {
        Tensor w1 = Tensor.randn(rng, 4, 16).mul(0.5).detach().requiresGrad();
        Tensor b1 = Tensor.full(-10, 16).requiresGrad();
        Tensor w2 = Tensor.randn(rng, 16, 3).detach().requiresGrad();
        HealthMonitor health = new HealthMonitor(FlowOptions.defaults());
        Map<String, Tensor> layers = new LinkedHashMap<>();
        Tensor pre = x.matmul(w1).add(b1);
        layers.put("pre", pre);
        Tensor a1 = pre.relu();
        layers.put("a1", a1);
        Tensor loss = Functional.crossEntropy(a1.matmul(w2), y);
        FlowReport r = health.observe(0, loss, layers, Map.of("w1", w1, "b1", b1, "w2", w2));
        assertEquals(1, r.flags(FlagKind.DEAD_RELU).size(), r::toText);
        assertEquals("a1", r.flags(FlagKind.DEAD_RELU).get(0).place());

        // a NaN producer is named when the forward ran in anomaly mode
        Map<String, Tensor> l2 = new LinkedHashMap<>();
        Tensor loss2;
        List<NodeAnomaly> found = new ArrayList<>();
        try (AnomalyMode.Session s = AnomalyMode.start()) {
            Tensor z = x.matmul(w1);
            l2.put("z", z);
            Tensor lz = z.log();
            l2.put("lz", lz);
            loss2 = lz.mean();
            s.anomalies().forEach(a -> found.add(new NodeAnomaly(a.tensor() == lz ? "lz" : "?", a)));
        }
        FlowReport r2 = health.observe(1, loss2, l2, Map.of("w1", w1), found);
        assertEquals(List.of("nan lz"), r2.flags().stream().map(f -> f.kind().label() + " " + f.place()).toList());
        String d = r2.flags().get(0).detail();
        assertTrue(d.startsWith("forward: log 'lz' produced nan") && d.contains("(created at HealthMonitorTest.java:"),
                d);
        assertFalse(r2.healthy());
    }
}

package dev.gradcheck.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class AnomalyModeTest {

    @Test
    void blamesTheOpThatProducedTheNaNNotTheOnesThatPassedItOn() {
        Tensor x = Tensor.of(new double[] {1, 0, 2}, 3).requiresGrad();
        Tensor zero = Tensor.of(new double[] {0, 0, 0}, 3);
        try (AnomalyMode.Session s = AnomalyMode.start()) {
            Tensor y = x.mul(zero).div(zero); // 0/0 = NaN, produced by div
            y.mul(2.0).add(1.0).sum();        // passes it on
            List<Anomaly> found = s.anomalies();
            assertEquals(1, found.size(), found.toString());
            Anomaly a = found.get(0);
            assertEquals("div", a.op());
            assertEquals(Anomaly.Phase.FORWARD, a.phase());
            assertEquals(Anomaly.Kind.NAN, a.kind());
            assertEquals(List.of(Shape.of(3), Shape.of(3)), a.inputShapes());
            assertEquals("AnomalyModeTest.java", a.site().getFileName());
            assertTrue(a.describe().startsWith("forward: div produced nan from finite inputs [3] (range [0.000, 0.000])"),
                    a.describe());
        }
    }

    @Test
    void findsANaNBornOnlyInBackward() {
        // the product x * 0 is finite forward, but d/dx of x^0.5 at x = 0 is infinite
        Tensor x = Tensor.of(new double[] {0, 4}, 2).requiresGrad();
        try (AnomalyMode.Session s = AnomalyMode.start()) {
            Tensor y = x.pow(0.5).mul(Tensor.of(new double[] {0, 1}, 2)).sum();
            assertFalse(s.found(), "forward is finite");
            y.backward();
            assertEquals(1, s.anomalies().size(), s.anomalies().toString());
            Anomaly a = s.anomalies().get(0);
            assertEquals(Anomaly.Phase.BACKWARD, a.phase());
            assertEquals("pow", a.op());
        }
    }

    @Test
    void flagsExplodingMagnitudesAndAlreadyBadInputs() {
        try (AnomalyMode.Session s = AnomalyMode.start(1e10, false)) {
            Tensor.of(new double[] {1e6}, 1).mul(Tensor.of(new double[] {1e6}, 1));
            Tensor.of(new double[] {Double.NaN}, 1).add(1.0);
            assertEquals(2, s.anomalies().size());
            assertEquals(Anomaly.Kind.MAGNITUDE, s.anomalies().get(0).kind());
            assertEquals("mul", s.anomalies().get(0).op());
            assertEquals("input", s.anomalies().get(1).op());
        }
    }

    @Test
    void failFastThrowsAtTheFirstAnomaly() {
        try (AnomalyMode.Session s = AnomalyMode.start(Double.POSITIVE_INFINITY, true)) {
            AnomalyException e = assertThrows(AnomalyException.class, () -> Tensor.scalar(1).div(Tensor.scalar(0)));
            assertEquals(Anomaly.Kind.INF, e.anomaly().kind());
        }
    }

    @Test
    void nothingIsRecordedOutsideASession() {
        Tensor.scalar(0).div(Tensor.scalar(0));
        try (AnomalyMode.Session s = AnomalyMode.start()) {
            Tensor.scalar(1).add(1.0);
            assertFalse(s.found());
        }
    }
}

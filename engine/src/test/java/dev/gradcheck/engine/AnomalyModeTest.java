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
    void aBackwardAnomalyCarriesItsFirstBadValueItsIndexAndWhichInputsGradient() {
        // a @ b is 0 forward; b's gradient a^T * 1e5 is 1e11, beyond 1e10: input 1's gradient goes bad, a's stays 1e5
        Tensor a = Tensor.of(new double[] {1e6, -1e6}, 1, 2).requiresGrad();
        Tensor b = Tensor.of(new double[] {1, 1}, 2, 1).requiresGrad();
        try (AnomalyMode.Session s = AnomalyMode.start()) {
            a.matmul(b).mul(1e5).sum().backward();
            assertEquals(1, s.anomalies().size(), s.anomalies().toString());
            Anomaly an = s.anomalies().get(0);
            assertEquals(Anomaly.Phase.BACKWARD, an.phase());
            assertEquals("matmul", an.op());
            assertEquals(Anomaly.Kind.MAGNITUDE, an.kind());
            assertEquals(1, an.input(), "b's gradient");
            assertEquals(List.of(0, 0), an.index(), "an index into b's gradient [2, 1]");
            assertEquals(1e11, an.value());
            assertTrue(an.detail().endsWith("first at [0, 0] = 1.0E11"), an.detail());
        }
        Tensor x = Tensor.of(new double[] {4, 0}, 2).requiresGrad();
        try (AnomalyMode.Session s = AnomalyMode.start()) {
            x.pow(0.5).sum().backward(); // d/dx sqrt(x) at 0 is +inf
            Anomaly sqrt = s.anomalies().get(0);
            assertEquals(Anomaly.Kind.INF, sqrt.kind());
            assertEquals(0, sqrt.input());
            assertEquals(List.of(1), sqrt.index());
            assertEquals(Double.POSITIVE_INFINITY, sqrt.value());
        }
    }

    @Test
    void theFirstValueIsOfTheAnomalysKindAndJudgedAtTheSessionsThreshold() {
        try (AnomalyMode.Session s = AnomalyMode.start(100, false)) {
            Tensor.of(new double[] {1, 50, 30}, 3).mul(Tensor.of(new double[] {1, 1, 10}, 3)); // 300 > 100
            Tensor.of(new double[] {10, 0, 1}, 3).div(Tensor.of(new double[] {1e-2, 0, 1}, 3)); // 1000, NaN, 1
            Anomaly big = s.anomalies().get(0);
            assertEquals(Anomaly.Kind.MAGNITUDE, big.kind());
            assertEquals(List.of(2), big.index());
            assertEquals(300.0, big.value());
            assertEquals(-1, big.input(), "forward");
            Anomaly nan = s.anomalies().get(1);
            assertEquals(Anomaly.Kind.NAN, nan.kind());
            assertEquals(List.of(1), nan.index(), "the first NaN, not the first value beyond 100");
            assertTrue(nan.detail().endsWith("first at [1] = NaN"), nan.detail());
        }
    }

    @Test
    void anAnomalyMadeWithoutTheDetectorFindsItsValueInTheTensor() {
        Tensor t = Tensor.of(new double[] {1, Double.POSITIVE_INFINITY, Double.NaN, 2}, 2, 2);
        Anomaly a = new Anomaly(Anomaly.Phase.FORWARD, Anomaly.Kind.INF, "exp", t, List.of(), List.of(), "seen", null);
        assertEquals(List.of(0, 1), a.index());
        assertEquals(Double.POSITIVE_INFINITY, a.value());
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

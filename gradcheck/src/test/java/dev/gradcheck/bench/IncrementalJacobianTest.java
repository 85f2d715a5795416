package dev.gradcheck.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcheck.engine.Autograd;
import dev.gradcheck.engine.Ops;
import dev.gradcheck.engine.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The prototype computes exactly what whole forward passes compute, entry by entry. */
class IncrementalJacobianTest {
    @Test
    void everyPerturbedValueEqualsTheWholeForwardBitForBit() {
        for (MlpSpec spec : new MlpSpec[] {MlpSpec.STANDARD.get(0), MlpSpec.STANDARD.get(1),
            new MlpSpec(new int[] {5, 7, 6, 3}, 4)}) {
            MlpSpec.Instance inst = spec.build(3);
            IncrementalJacobian j = IncrementalJacobian.record(inst.loss(), inst.params());
            Random rng = new Random(5);
            for (int i = 0; i < inst.params().length; i++) {
                double[] x = inst.params()[i].data();
                for (int e = 0; e < x.length; e++) {
                    double v = x[e] + (rng.nextBoolean() ? 1e-6 : -0.37);
                    double plain = j.plainAt(i, e, v);
                    double inc = j.incrementalAt(i, e, v);
                    assertEquals(Double.doubleToRawLongBits(plain), Double.doubleToRawLongBits(inc),
                            spec.label() + " input " + i + " entry " + e + ": plain " + plain + ", incremental " + inc);
                }
            }
        }
    }

    @Test
    void theNumericGradientMatchesTheAnalyticOneAndIgnoresTheThreadCount() {
        MlpSpec.Instance inst = MlpSpec.STANDARD.get(1).build(0);
        Tensor[] ps = inst.params();
        IncrementalJacobian j = IncrementalJacobian.record(inst.loss(), ps);
        double[][] one = j.gradient(1e-6, 1);
        double[][] three = j.gradient(1e-6, 3);
        for (Tensor p : ps) {
            p.requiresGrad();
        }
        Tensor[] g = Autograd.grad(inst.loss().apply(ps), ps);
        for (int i = 0; i < ps.length; i++) {
            assertArrayEquals(one[i], three[i], 0.0, "input " + i + ": 1 and 3 threads");
            double[] a = g[i].data();
            for (int e = 0; e < a.length; e++) {
                assertTrue(Math.abs(a[e] - one[i][e]) <= 1e-5 + 1e-3 * Math.abs(one[i][e]),
                        "input " + i + " entry " + e + ": analytic " + a[e] + ", numeric " + one[i][e]);
            }
        }
    }

    @Test
    void theLowRankUpdateAgreesToRoundingAndIsDeterministic() {
        MlpSpec.Instance inst = MlpSpec.STANDARD.get(1).build(2);
        IncrementalJacobian j = IncrementalJacobian.record(inst.loss(), inst.params()).exact(false);
        for (int i = 0; i < inst.params().length; i++) {
            double[] x = inst.params()[i].data();
            for (int e = 0; e < x.length; e += 7) {
                double plain = j.plainAt(i, e, x[e] + 1e-3);
                double inc = j.incrementalAt(i, e, x[e] + 1e-3);
                assertEquals(plain, inc, 1e-14 * Math.max(1, Math.abs(plain)), "input " + i + " entry " + e);
                assertEquals(inc, j.incrementalAt(i, e, x[e] + 1e-3), 0.0, "the same value twice");
            }
        }
        assertArrayEquals(j.gradient(1e-6, 1)[0], j.gradient(1e-6, 2)[0], 0.0, "1 and 2 threads");
    }

    @Test
    void otherOpsFallBackToWholeKernelsAndStillAgree() {
        Random rng = new Random(9);
        Tensor a = Tensor.randn(rng, 3, 4);
        Tensor w = Tensor.randn(rng, 4, 5);
        Tensor c = Tensor.randn(rng, 3, 1);
        IncrementalJacobian j = IncrementalJacobian.record(
                xs -> xs[0].matmul(xs[1]).mul(xs[2]).softmax(-1).logsumexp(0, false).sum(), a, w, c);
        for (int i = 0; i < 3; i++) {
            int n = new Tensor[] {a, w, c}[i].size();
            for (int e = 0; e < n; e++) {
                assertEquals(j.plainAt(i, e, 0.5), j.incrementalAt(i, e, 0.5), 0.0, "input " + i + " entry " + e);
            }
        }
        assertThrows(IllegalArgumentException.class, () -> IncrementalJacobian.record(xs -> xs[0].tanh(), a));
        Tensor y = Tensor.ofLongs(new long[] {1, 0, 2}, 3);
        IncrementalJacobian ce = IncrementalJacobian.record(xs -> Ops.apply("cross_entropy", xs[0], y), a);
        assertEquals(ce.plainAt(0, 5, 2.0), ce.incrementalAt(0, 5, 2.0), 0.0, "cross_entropy on a changed entry");
    }
}

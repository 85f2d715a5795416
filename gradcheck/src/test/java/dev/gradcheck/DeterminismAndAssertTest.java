package dev.gradcheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/** Bit-identical results for any thread count; assertPasses' expected/actual; float32 mode. */
class DeterminismAndAssertTest {
    @Test
    void bitIdenticalForAnyThreadCount() {
        SplittableRandom rng = new SplittableRandom(5);
        Fn mm = Fn.matmulOp(7, 9, 5, (a, b, g, m, k, n) -> {
            double[][] d = Fn.matmulGrads(a, b, g, m, k, n);
            d[0][17] += 1e-3;
            return d;
        });
        double[] a = Fn.randn(rng, 63);
        double[] b = Fn.randn(rng, 45);
        for (Scheme scheme : Scheme.values()) {
            String reference = null;
            for (int threads : new int[] {1, 2, 3, 8}) {
                CheckReport r = GradCheck.of(mm).at(a, b).shapes(new int[] {7, 9}, new int[] {9, 5})
                        .options(CheckOptions.defaults().withClock(() -> 0L).withScheme(scheme).withThreads(threads)
                                .withWorst(100))
                        .check();
                String json = r.toJson();
                if (reference == null) {
                    reference = json;
                } else {
                    assertEquals(reference, json, scheme + " with " + threads + " threads differs from 1 thread");
                }
            }
        }
    }

    @Test
    void assertPassesThrowsWithExpectedNumericAndActualAnalytic() {
        Fn sq = Fn.elementwise(v -> v * v, v -> 3 * v);
        GradCheck check = GradCheck.of(sq).at(new double[] {0.5, -2.0});
        AssertionFailedError e = assertThrows(AssertionFailedError.class, check::assertPasses);
        assertTrue(e.isExpectedDefined() && e.isActualDefined());
        CheckResult c = check.check().checks().get(0);
        EntryResult worst = c.worst().get(0);
        assertEquals(worst.numeric(), (Double) e.getExpected().getValue());
        assertEquals(worst.analytic(), (Double) e.getActual().getValue());
        assertEquals(1.5 * worst.numeric(), worst.analytic(), 1e-6 * Math.abs(worst.analytic()));
        assertTrue(e.getMessage().contains("analytic = 1.5 x numeric"), e.getMessage());
        assertTrue(e.getMessage().contains("reproduce: "), e.getMessage());
        // and a passing check returns the report
        assertTrue(GradCheck.of(Fn.elementwise(v -> v * v, v -> 2 * v)).at(new double[] {1, 2}).assertPasses().passed());
    }

    /** sin computed in single precision, as a float32 library would. */
    private static final Fn SIN32 = Fn.of(in -> {
        double[] y = new double[in[0].length];
        for (int i = 0; i < y.length; i++) {
            y[i] = (float) Math.sin((float) in[0][i]);
        }
        return y;
    }, (in, go) -> {
        double[] d = new double[in[0].length];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) ((float) go[i] * (float) Math.cos((float) in[0][i]));
        }
        return new double[][] {d};
    });

    @Test
    void float32Mode() {
        for (long seed = 0; seed < 20; seed++) {
            double[] x = Fn.randn(new SplittableRandom(seed), 16);
            CheckReport r = GradCheck.of(SIN32).at(x).precision(Precision.FLOAT32).seed(seed).check();
            assertTrue(r.passed(), () -> r.toText());
        }
        // float64 steps on a float32 function measure round-off, not the derivative
        CheckReport wrongMode = GradCheck.of(SIN32).at(Fn.randn(new SplittableRandom(1), 16)).check();
        assertTrue(!wrongMode.passed(), wrongMode::toText);
        // and a planted bug is still caught in float32 mode
        Fn doubled = Fn.of(SIN32::forward, (in, go) -> {
            double[][] d = SIN32.backward(in, go);
            for (int i = 0; i < d[0].length; i++) {
                d[0][i] *= 2;
            }
            return d;
        });
        CheckReport bad = GradCheck.of(doubled).at(Fn.randn(new SplittableRandom(2), 16)).precision(Precision.FLOAT32)
                .check();
        assertEquals(Status.FAIL, bad.checks().get(0).status(), bad::toText);
        assertTrue(bad.checks().get(0).diagnosis().contains("extra factor of 2"), bad::toText);
    }

    @Test
    void relativeStepHelpsAtLargeMagnitudes() {
        // exp(x/100) at x = 3000 (f ≈ e^30): the step grows with |x| and the model tolerance still passes
        Fn f = Fn.elementwise(v -> Math.exp(v / 100), v -> Math.exp(v / 100) / 100);
        double[] x = {3000, 2900};
        assertTrue(GradCheck.of(f).at(x).tolerance(Tolerance.model()).check().passed());
        assertEquals(CheckOptions.defaults().withRelativeStep(false).stepScale(3000), 1.0);
        assertEquals(CheckOptions.defaults().stepScale(3000), 3000.0);
    }

    @Test
    void toleranceByName() {
        assertEquals(Tolerance.Kind.MODEL, Tolerance.named("model").kind());
        assertEquals(Tolerance.Kind.PYTORCH, Tolerance.named("pytorch").kind());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tolerance.named("loose"));
        assertEquals("unknown tolerance 'loose': expected pytorch or model", e.getMessage());
    }

    @Test
    void shapeMismatchAtConfigurationIsClear() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GradCheck.of(SIN32).at(new double[5]).shapes(new int[] {2, 3}).check());
        assertEquals("input 0: 5 values do not fill shape [2, 3] (6 values)", e.getMessage());
    }
}

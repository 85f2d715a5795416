package dev.gradcheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The default tolerance's absolute floor follows the point's scale: at entries of ~1e-6 a
 * gradient of ~1e-12 (a product of two inputs) wrong by half passed under a fixed floor of 1e-12.
 */
class TinyMagnitudeToleranceTest {
    /** y = a∘b∘c, the gradient of a scaled by {@code factor} (1: right). */
    private static Fn tripleProduct(double factor) {
        return Fn.of(in -> {
            double[] y = new double[in[0].length];
            for (int i = 0; i < y.length; i++) {
                y[i] = in[0][i] * in[1][i] * in[2][i];
            }
            return y;
        }, (in, go) -> {
            int n = go.length;
            double[][] d = new double[3][n];
            for (int i = 0; i < n; i++) {
                d[0][i] = factor * go[i] * in[1][i] * in[2][i];
                d[1][i] = go[i] * in[0][i] * in[2][i];
                d[2][i] = go[i] * in[0][i] * in[1][i];
            }
            return d;
        });
    }

    private static double[] scaled(SplittableRandom rng, int n, double scale) {
        double[] x = Fn.randn(rng, n);
        for (int i = 0; i < n; i++) {
            x[i] *= scale;
        }
        return x;
    }

    @Test
    void aWrongGradientOfTinyInputsFailsAndARightOnePasses() {
        for (double scale : new double[] {1e-6, 1e-3, 0.5, 1, 100}) {
            for (long seed = 0; seed < 10; seed++) {
                SplittableRandom rng = new SplittableRandom(seed);
                double[][] x = {scaled(rng, 6, scale), scaled(rng, 6, scale), scaled(rng, 6, scale)};
                String where = "scale " + scale + ", seed " + seed;
                CheckReport right = GradCheck.of(tripleProduct(1)).at(x).seed(seed).check();
                assertTrue(right.passed(), () -> where + "\n" + right.toText());
                CheckReport wrong = GradCheck.of(tripleProduct(1.5)).at(x).seed(seed).check();
                assertEquals(Status.FAIL, wrong.check("input0").status(), () -> where + "\n" + wrong.toText());
            }
        }
    }

    @Test
    void onlyTheDefaultFloorFollowsThePoint() {
        assertEquals(1e-18, Tolerance.model().atPointOfScale(1e-6).atol(), 1e-30);
        assertEquals(1e-12, Tolerance.model().atPointOfScale(2).atol(), "at or above 1: unchanged");
        assertEquals(1e-12, Tolerance.model().atPointOfScale(0).atol(), "an all-zero point keeps the floor");
        Tolerance explicit = Tolerance.model(10, 1e-8, 1e-12);
        assertSame(explicit, explicit.atPointOfScale(1e-6));
        Tolerance pytorch = Tolerance.pytorch();
        assertSame(pytorch, pytorch.atPointOfScale(1e-6));
        Tolerance newFloor = Tolerance.model().with(1e-10, 1e-8);
        assertSame(newFloor, newFloor.atPointOfScale(1e-6), "--atol given: kept as given");
        Tolerance newRtol = Tolerance.model().with(Tolerance.model().atol(), 1e-6);
        assertEquals(1e-18, newRtol.atPointOfScale(1e-6).atol(), 1e-30, "--rtol alone leaves the floor following");
    }
}

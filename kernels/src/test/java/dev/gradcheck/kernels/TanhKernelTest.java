package dev.gradcheck.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The tanh op's kernel against fdlibm's StrictMath.tanh: error bound, special values, oddness, monotonicity. */
class TanhKernelTest {
    private static final long SEED = 20261124L;
    private static final double MAX_ULP = 3.0;

    private static double ulps(double got, double want) {
        if (got == want) {
            return 0;
        }
        // StrictMath is within 1 ulp of the true value: measured against it, allow that too
        return Math.abs(got - want) / Math.ulp(want);
    }

    private static void near(double x) {
        double want = StrictMath.tanh(x);
        double got = TanhKernel.tanh(x);
        double u = ulps(got, want);
        if (!(u <= MAX_ULP + 1)) {
            throw new AssertionError("tanh(" + x + ") = " + got + ", StrictMath.tanh gives " + want + ": " + u
                    + " ulp apart (allowed " + (MAX_ULP + 1) + "; seed " + SEED + ")");
        }
    }

    @Test
    void withinTheBoundOnMillionsOfArguments() {
        SplittableRandom rng = new SplittableRandom(SEED);
        double worst = 0;
        for (int i = 0; i < 3_000_000; i++) {
            double scale = switch (i % 5) {
                case 0 -> 1;
                case 1 -> 4;
                case 2 -> 1e-3;
                case 3 -> 1e-9;
                default -> 12;
            };
            double x = rng.nextGaussian() * scale;
            near(x);
            worst = Math.max(worst, ulps(TanhKernel.tanh(x), StrictMath.tanh(x)));
        }
        assertTrue(worst <= MAX_ULP + 1, "worst " + worst + " ulp");
    }

    @Test
    void atTheEdgesOfItsRanges() {
        double[] edges = {0x1p-1074, 0x1p-1022, 0x1p-60, 0x1p-28, 0x1p-27, 0.25, 0.3465735902799726,
            0.34657359027997264, 0.5, 1.0, 2.0, 10.0, 20.0, 21.999999999999996, 22.0, 22.000000000000004,
            30.0, 710.0, 1e300, Double.MAX_VALUE};
        for (double e : edges) {
            for (double x : new double[] {e, Math.nextUp(e), Math.nextDown(e), -e}) {
                near(x);
            }
        }
    }

    @Test
    void specialValues() {
        assertEquals(Double.doubleToRawLongBits(0.0), Double.doubleToRawLongBits(TanhKernel.tanh(0.0)));
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(TanhKernel.tanh(-0.0)));
        assertEquals(1.0, TanhKernel.tanh(Double.POSITIVE_INFINITY));
        assertEquals(-1.0, TanhKernel.tanh(Double.NEGATIVE_INFINITY));
        assertTrue(Double.isNaN(TanhKernel.tanh(Double.NaN)));
        assertEquals(0x1p-1074, TanhKernel.tanh(0x1p-1074));
        assertEquals(1e-20, TanhKernel.tanh(1e-20));
    }

    @Test
    void exactlyOddAndNeverBeyondOne() {
        SplittableRandom rng = new SplittableRandom(SEED + 1);
        for (int i = 0; i < 200_000; i++) {
            double x = rng.nextGaussian() * 8;
            double y = TanhKernel.tanh(x);
            assertEquals(Double.doubleToRawLongBits(-y), Double.doubleToRawLongBits(TanhKernel.tanh(-x)), "at " + x);
            assertTrue(Math.abs(y) <= 1.0, "|tanh(" + x + ")| = " + Math.abs(y));
        }
    }

    /** The array form (what the op runs) gives the scalar form's bits (what the checker's incremental evaluator runs). */
    @Test
    void arrayFormEqualsScalarFormBitForBit() {
        SplittableRandom rng = new SplittableRandom(SEED + 2);
        for (int len : new int[] {0, 1, 3, 7, 8, 9, 31, 64, 1000, 4099}) {
            double[] x = new double[len];
            for (int i = 0; i < len; i++) {
                x[i] = i % 11 == 0 ? Double.NaN : i % 13 == 0 ? -0.0 : rng.nextGaussian() * (i % 3 == 0 ? 30 : 1);
            }
            double[] y = new double[len];
            TanhKernel.tanh(x, y);
            for (int i = 0; i < len; i++) {
                assertEquals(Double.doubleToRawLongBits(TanhKernel.tanh(x[i])), Double.doubleToRawLongBits(y[i]),
                        "length " + len + ", entry " + i + " = " + x[i]);
            }
        }
    }

    /** A gradient check differentiates it numerically: it must not step backwards. */
    @Test
    void monotonicOnADenseSweep() {
        double prev = TanhKernel.tanh(-25.0);
        for (double x = -25.0; x <= 25.0; x += 1e-5) {
            double y = TanhKernel.tanh(x);
            if (y < prev) {
                throw new AssertionError("tanh steps down at " + x + ": " + prev + " then " + y);
            }
            prev = y;
        }
    }
}

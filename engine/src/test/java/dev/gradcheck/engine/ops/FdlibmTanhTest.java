package dev.gradcheck.engine.ops;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The Java port of fdlibm's tanh and expm1 against StrictMath (fdlibm itself), bit for bit. */
class FdlibmTanhTest {
    private static final long SEED = 4242L;

    private static void same(double want, double got, String what, double x) {
        if (Double.doubleToRawLongBits(want) != Double.doubleToRawLongBits(got)) {
            throw new AssertionError(what + "(" + x + ") (bits " + Long.toHexString(Double.doubleToRawLongBits(x))
                    + ", seed " + SEED + "): StrictMath " + want + ", port " + got);
        }
    }

    @Test
    void equalsStrictMathEverywhere() {
        SplittableRandom r = new SplittableRandom(SEED);
        for (int i = 0; i < 2_000_000; i++) {
            double x;
            switch (i % 6) {
                case 0:
                    x = r.nextGaussian();
                    break;
                case 1:
                    x = 10 * r.nextGaussian();
                    break;
                case 2:
                    x = Double.longBitsToDouble(r.nextLong()); // any bit pattern: tiny, huge, NaN, subnormal
                    break;
                case 3:
                    x = 1e-6 * r.nextGaussian();
                    break;
                case 4:
                    x = (r.nextDouble() - 0.5) * 1500; // expm1's overflow and -1 branches
                    break;
                default:
                    x = (r.nextDouble() - 0.5) * 60; // both sides of tanh's |x| = 22 cut
                    break;
            }
            same(StrictMath.tanh(x), FdlibmTanh.tanh(x), "tanh", x);
            same(StrictMath.expm1(x), FdlibmTanh.expm1(x), "expm1", x);
        }
        double ln2 = Math.log(2);
        for (double x : new double[] {0.0, -0.0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
            Double.MIN_VALUE, -Double.MIN_VALUE, Double.MIN_NORMAL, 0x1p-55, 0x1p-54, 1, -1, 22, -22, 0.5 * ln2,
            1.5 * ln2, 56 * ln2, -56 * ln2, 709.78, 709.79, -745, Double.MAX_VALUE, -Double.MAX_VALUE}) {
            same(StrictMath.tanh(x), FdlibmTanh.tanh(x), "tanh", x);
            same(StrictMath.expm1(x), FdlibmTanh.expm1(x), "expm1", x);
        }
        // expm1's reduction switches k at (j + 1/2) ln2; tanh calls it at 2|x|: both sides of every cut
        for (int j = -60; j <= 60; j++) {
            double cut = (j + 0.5) * ln2;
            for (double x : new double[] {cut, Math.nextUp(cut), Math.nextDown(cut), cut / 2, Math.nextUp(cut / 2),
                Math.nextDown(cut / 2)}) {
                same(StrictMath.tanh(x), FdlibmTanh.tanh(x), "tanh", x);
                same(StrictMath.expm1(x), FdlibmTanh.expm1(x), "expm1", x);
            }
        }
    }
}

package dev.gradcheck.kernels;

import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.ops.Kernels;
import java.util.SplittableRandom;
import java.util.function.DoubleBinaryOperator;
import org.junit.jupiter.api.Test;

/** The written-out add/sub/mul loops give the bits of the general broadcasting loop, on every layout (signed zeros, infinities, subnormals and NaN included). */
class ArithmeticTest {
    private static final long SEED = 77L;
    private static final double[] SPECIAL = {0.0, -0.0, Double.NaN, Double.POSITIVE_INFINITY,
        Double.NEGATIVE_INFINITY, Double.MIN_VALUE, -Double.MAX_VALUE, 1e-310,
        Double.longBitsToDouble(0x7ff8000000000123L)};

    private static double[] values(SplittableRandom r, Shape s) {
        double[] d = new double[s.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = r.nextInt(4) == 0 ? SPECIAL[r.nextInt(SPECIAL.length)] : r.nextGaussian() * 1e3;
        }
        return d;
    }

    @Test
    void sameBitsAsZipOnEveryLayout() {
        SplittableRandom r = new SplittableRandom(SEED);
        int[][][] layouts = {
            {{3, 5}, {3, 5}}, {{3, 5}, {}}, {{}, {3, 5}}, {{3, 5}, {5}}, {{5}, {3, 5}}, {{2, 3, 5}, {1, 5}},
            {{2, 3, 5}, {3, 5}}, {{3, 1}, {3, 5}}, {{3, 5}, {3, 1}}, {{4, 1, 5}, {1, 3, 1}}, {{0, 5}, {5}}, {{7}, {1}},
            {{}, {}}, {{32, 128}, {128}}};
        Arithmetic.Op[] ops = Arithmetic.Op.values();
        DoubleBinaryOperator[] plain = {(a, b) -> a + b, (a, b) -> a - b, (a, b) -> a * b};
        for (int[][] l : layouts) {
            Shape xs = Shape.of(l[0]);
            Shape ys = Shape.of(l[1]);
            Shape out = Shape.broadcast("test", xs, ys);
            double[] x = values(r, xs);
            double[] y = values(r, ys);
            for (int k = 0; k < ops.length; k++) {
                double[] want = Kernels.zip(x, xs, y, ys, out, plain[k]);
                double[] got = Arithmetic.zip(ops[k], x, xs, y, ys, out);
                for (int i = 0; i < want.length; i++) {
                    // NaN payloads are not compared: Java does not fix which operand's payload a NaN result
                    // carries (the JIT may swap the operands of a commutative + or *), only that it is NaN
                    if (Double.doubleToLongBits(want[i]) != Double.doubleToLongBits(got[i])) {
                        throw new AssertionError(ops[k] + " " + xs + " with " + ys + " (seed " + SEED + "), entry "
                                + i + ": zip " + want[i] + ", written out " + got[i]);
                    }
                }
                if (want.length != got.length) {
                    throw new AssertionError(ops[k] + " " + xs + " with " + ys + ": " + want.length + " vs "
                            + got.length + " values");
                }
            }
        }
    }
}

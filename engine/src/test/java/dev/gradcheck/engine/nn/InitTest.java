package dev.gradcheck.engine.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class InitTest {
    private static final long SEED = 11;

    private static double maxAbs(Tensor t) {
        double m = 0;
        for (double v : t.data()) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    private static double std(Tensor t) {
        double[] d = t.data();
        double mean = 0;
        for (double v : d) {
            mean += v / d.length;
        }
        double ss = 0;
        for (double v : d) {
            ss += (v - mean) * (v - mean);
        }
        return Math.sqrt(ss / (d.length - 1));
    }

    @Test
    void fansFollowPytorchForLinearAndConvolutionWeights() {
        assertArrayEquals(new int[] {4, 16}, Init.fans(Shape.of(16, 4)), "Linear weight [out=16, in=4]");
        assertArrayEquals(new int[] {3 * 25, 8 * 25}, Init.fans(Shape.of(8, 3, 5, 5)), "conv weight [8, 3, 5, 5]");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Init.fans(Shape.of(5)));
        assertTrue(e.getMessage().contains("[5]"), e.getMessage());
    }

    @Test
    void gainsArePytorchsCalculateGain() {
        // torch.nn.init.calculate_gain: tanh 5/3, relu sqrt(2), leaky_relu(sqrt(5)) sqrt(1/3), selu 3/4
        assertEquals(5.0 / 3.0, Init.gain("tanh", 0), 0.0);
        assertEquals(Math.sqrt(2), Init.gain("relu", 0), 0.0);
        assertEquals(Math.sqrt(2.0 / 6.0), Init.gain("leaky_relu", Math.sqrt(5)), 1e-15);
        assertEquals(1.0, Init.gain("sigmoid", 0), 0.0);
        assertEquals(0.75, Init.gain("selu", 0), 0.0);
        assertThrows(IllegalArgumentException.class, () -> Init.gain("swish", 0));
    }

    @Test
    void kaimingUniformUsesBoundSqrtSixOverFanIn() {
        Tensor w = Init.kaimingUniform(new SplittableRandom(SEED), 200, 50);   // fan_in 50
        double bound = Math.sqrt(6.0 / 50);
        assertEquals(Shape.of(200, 50), w.shape());
        assertTrue(maxAbs(w) <= bound, "max |w| " + maxAbs(w) + " exceeds bound " + bound);
        assertTrue(maxAbs(w) > 0.98 * bound, "10,000 draws should come near the bound " + bound + ": " + maxAbs(w));
        Tensor fanOut = Init.kaimingUniform(new SplittableRandom(SEED), Shape.of(200, 50), 0, "fan_out", "relu");
        double boundOut = Math.sqrt(6.0 / 200);
        assertTrue(maxAbs(fanOut) <= boundOut && maxAbs(fanOut) > 0.98 * boundOut, "fan_out bound " + boundOut);
    }

    @Test
    void kaimingNormalAndXavierNormalHavePytorchsStd() {
        Tensor k = Init.kaimingNormal(new SplittableRandom(SEED), 400, 100);
        double kStd = Math.sqrt(2.0 / 100);
        assertEquals(kStd, std(k), 0.03 * kStd, "kaiming_normal std (seed " + SEED + ")");
        Tensor x = Init.xavierNormal(new SplittableRandom(SEED), 300, 100);
        double xStd = Math.sqrt(2.0 / 400);
        assertEquals(xStd, std(x), 0.03 * xStd, "xavier_normal std (seed " + SEED + ")");
    }

    @Test
    void xavierUniformUsesBoundFromBothFans() {
        Tensor w = Init.xavierUniform(new SplittableRandom(SEED), Shape.of(30, 70), 2.0);
        double bound = 2.0 * Math.sqrt(6.0 / 100);
        assertTrue(maxAbs(w) <= bound && maxAbs(w) > 0.97 * bound, "bound " + bound + ", max " + maxAbs(w));
    }

    @Test
    void normalAndUniformHaveTheirMomentsAndAreReproducible() {
        Tensor n = Init.normal(new SplittableRandom(SEED), 3.0, 0.5, 100, 100);
        double mean = n.mean().item();
        assertEquals(3.0, mean, 0.02, "mean (seed " + SEED + ")");
        assertEquals(0.5, std(n), 0.02, "std (seed " + SEED + ")");
        assertArrayEquals(n.data(), Init.normal(new SplittableRandom(SEED), 3.0, 0.5, 100, 100).data(), 0.0);
        Tensor u = Init.uniform(new SplittableRandom(SEED), -2, 1, 1000);
        for (double v : u.data()) {
            assertTrue(v >= -2 && v < 1, "uniform value " + v + " outside [-2, 1)");
        }
        assertFalse(u.isGradRequired());
        assertEquals(Shape.SCALAR, Init.normal(new SplittableRandom(SEED), 0, 1).shape());
        assertThrows(IllegalArgumentException.class, () -> Init.uniform(new SplittableRandom(SEED), 1, 0, 3));
    }
}

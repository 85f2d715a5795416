package dev.gradcheck.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcheck.engine.DType;
import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.Tensor;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every init form, reproducibility from the seed, and PyTorch's fan conventions. */
class InitializerTest {
    private static Tensor make(long seed, InitSpec init, DType dtype, int... shape) {
        return new Initializer(seed).make(new TensorSpec("t", true, Shape.of(shape), dtype, init, "/params/t"));
    }

    private static double mean(double[] d) {
        return Arrays.stream(d).average().orElse(Double.NaN);
    }

    private static double std(double[] d) {
        double m = mean(d);
        return Math.sqrt(Arrays.stream(d).map(v -> (v - m) * (v - m)).sum() / (d.length - 1));
    }

    @Test
    void constants() {
        assertTrue(Arrays.stream(make(0, new InitSpec.Zeros(), DType.FLOAT64, 3, 2).data()).allMatch(v -> v == 0));
        assertTrue(Arrays.stream(make(0, new InitSpec.Ones(), DType.FLOAT64, 3).data()).allMatch(v -> v == 1));
        assertArrayEquals(new double[] {1, 2, 3, 4},
                make(0, new InitSpec.Value(new double[] {1, 2, 3, 4}), DType.FLOAT64, 2, 2).data());
    }

    @Test
    void normalHasItsMeanAndStd() {
        double[] d = make(11, new InitSpec.Normal(2, 0.5), DType.FLOAT64, 200, 100).data();
        assertEquals(2, mean(d), 0.02, "mean");
        assertEquals(0.5, std(d), 0.01, "std");
    }

    @Test
    void uniformAndRandintStayInRange() {
        double[] u = make(12, new InitSpec.Uniform(-0.25, 0.25), DType.FLOAT64, 10000).data();
        assertTrue(Arrays.stream(u).allMatch(v -> v >= -0.25 && v < 0.25));
        assertEquals(0.5 / Math.sqrt(12), std(u), 0.005);
        Tensor r = make(13, new InitSpec.RandInt(2, 5), DType.INT64, 10000);
        assertEquals(DType.INT64, r.dtype());
        assertTrue(Arrays.stream(r.data()).allMatch(v -> v == Math.rint(v) && v >= 2 && v < 5));
        assertEquals(Set3.of(2, 3, 4), Set3.of(Arrays.stream(r.data()).distinct().sorted().toArray()));
    }

    @Test
    void kaimingAndXavierFollowPyTorchFans() {
        assertArrayEquals(new long[] {27, 36}, Initializer.fans(Shape.of(4, 3, 3, 3)), "conv2d weight [out, in, kh, kw]");
        assertArrayEquals(new long[] {8, 16}, Initializer.fans(Shape.of(16, 8)), "linear weight [out, in]");
        double[] k = make(14, new InitSpec.Kaiming(0, false), DType.FLOAT64, 400, 50).data();
        assertEquals(Math.sqrt(2.0 / 50), std(k), 0.01 * Math.sqrt(2.0 / 50) * 3);
        double[] kOut = make(14, new InitSpec.Kaiming(0, true), DType.FLOAT64, 400, 50).data();
        assertEquals(Math.sqrt(2.0 / 400), std(kOut), 0.03 * Math.sqrt(2.0 / 400));
        double bound = Math.sqrt(6.0 / (30 + 20));
        double[] x = make(15, new InitSpec.Xavier(1), DType.FLOAT64, 30, 20).data();
        assertTrue(Arrays.stream(x).allMatch(v -> Math.abs(v) <= bound));
        assertTrue(Arrays.stream(x).map(Math::abs).max().getAsDouble() > 0.95 * bound);
    }

    @Test
    void sameSeedSameValuesOtherSeedOtherValues() {
        Model m = ModelLoader.load(Examples.path("tiny-mlp.json"));
        Map<String, Tensor> a = m.initialValues();
        Map<String, Tensor> b = m.initialValues();
        Map<String, Tensor> c = m.initialValues(1);
        for (String n : a.keySet()) {
            assertArrayEquals(a.get(n).data(), b.get(n).data(), n);
        }
        assertFalse(Arrays.equals(a.get("W1").data(), c.get("W1").data()));
        // file order: x draws first, so x is the first draws of the stream
        Tensor x = make(0, new InitSpec.Normal(0, 1), DType.FLOAT64, 8, 4);
        assertArrayEquals(x.data(), a.get("x").data());
    }

    /** A tiny sorted set of doubles for readable assertions. */
    private record Set3(java.util.List<Double> values) {
        static Set3 of(double... v) {
            return new Set3(Arrays.stream(v).boxed().sorted().toList());
        }
    }
}

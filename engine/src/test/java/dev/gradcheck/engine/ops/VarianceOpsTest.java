package dev.gradcheck.engine.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.gradcheck.engine.Attrs;
import dev.gradcheck.engine.Autograd;
import dev.gradcheck.engine.Ops;
import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.ShapeException;
import dev.gradcheck.engine.Tensor;
import org.junit.jupiter.api.Test;

/** var against torch.var of PyTorch 1.13: both spellings of the correction, degenerate divisors, errors. */
class VarianceOpsTest {
    private static final double[] X = {1, 2, 4, 0.5, -1, 3};

    /** var of x and the gradient of its sum. */
    private static Tensor[] varAndGrad(Attrs attrs, double[] x, int... shape) {
        Tensor in = Tensor.of(x, shape).requiresGrad();
        Tensor y = Ops.apply("var", attrs, in);
        return new Tensor[] {y, Autograd.grad(y.sum(), in)[0]};
    }

    private static void assertVar(Attrs attrs, double[] value, double[] grad, int... outShape) {
        Tensor[] r = varAndGrad(attrs, X, 2, 3);
        assertArrayEquals(value, r[0].data(), 1e-15, "var " + attrs);
        assertArrayEquals(grad, r[1].data(), 1e-15, "gradient of var " + attrs);
        assertEquals(Shape.of(outShape), r[0].shape(), "shape of var " + attrs);
    }

    @Test
    void bothSpellingsOfTheCorrectionMatchPyTorch() {
        // torch.var(x, **attrs) and torch.autograd.grad(y.sum(), x), printed by PyTorch 1.13
        assertVar(Attrs.of("dim", 1), new double[] {2.333333333333333, 4.083333333333334},
                new double[] {-1.3333333333333335, -0.3333333333333335, 1.6666666666666665, -0.33333333333333337,
                    -1.8333333333333335, 2.1666666666666665}, 2);
        assertVar(Attrs.of("dim", 0, "unbiased", false, "keepdim", true), new double[] {0.0625, 2.25, 0.25},
                new double[] {0.25, 1.5, 0.5, -0.25, -1.5, -0.5}, 1, 3);
        assertVar(Attrs.of("correction", 2), new double[] {4.052083333333334},
                new double[] {-0.29166666666666663, 0.20833333333333337, 1.2083333333333335, -0.5416666666666666,
                    -1.2916666666666665, 0.7083333333333334});
        assertVar(Attrs.of("dim", new int[] {0, 1}), new double[] {3.241666666666667},
                new double[] {-0.2333333333333333, 0.1666666666666667, 0.9666666666666668, -0.43333333333333335,
                    -1.0333333333333332, 0.5666666666666668});
    }

    @Test
    void anEmptyDimListIsEveryDimensionInTheGradientToo() {
        // PyTorch 1.13's backward takes N = 1 for dim=[] (an infinite gradient here); the engine's matches dim=None
        Tensor[] all = varAndGrad(Attrs.EMPTY, X, 2, 3);
        Tensor[] empty = varAndGrad(Attrs.of("dim", new int[0]), X, 2, 3);
        assertArrayEquals(all[0].data(), empty[0].data());
        assertArrayEquals(all[1].data(), empty[1].data());
    }

    @Test
    void tooFewEntriesGiveNanOrInfinityAsInPyTorch() {
        // one entry per row, correction 1: 0 / 0 and a NaN gradient
        Tensor[] r = varAndGrad(Attrs.of("dim", 1), new double[] {1, 2}, 2, 1);
        assertArrayEquals(new double[] {Double.NaN, Double.NaN}, r[0].data());
        assertArrayEquals(new double[] {Double.NaN, Double.NaN}, r[1].data());
        // N - correction < 0: the value divides by max(0, N - correction) = 0, the gradient by N - correction
        r = varAndGrad(Attrs.of("dim", 1, "correction", 3), new double[] {1, 2}, 1, 2);
        assertArrayEquals(new double[] {Double.POSITIVE_INFINITY}, r[0].data());
        assertArrayEquals(new double[] {1, -1}, r[1].data());
        r = varAndGrad(Attrs.of("dim", 1, "correction", 2), new double[] {1, 2}, 1, 2);
        assertArrayEquals(new double[] {Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY}, r[1].data());
        assertEquals(0, Ops.apply("var", Attrs.of("unbiased", false), Tensor.scalar(3)).item());
    }

    @Test
    void errors() {
        IllegalArgumentException both = assertThrows(IllegalArgumentException.class, () -> Ops.apply("var",
                Attrs.of("dim", 1, "unbiased", true, "correction", 2), Tensor.zeros(2, 3)));
        assertEquals("var: give unbiased or correction, not both (unbiased=true, correction=2)", both.getMessage());
        assertEquals("var: dimension -1 appears more than once in dim [1, -1] for shape [2, 3]",
                assertThrows(ShapeException.class, () -> Ops.apply("var", Attrs.of("dim", new int[] {1, -1}),
                        Tensor.zeros(2, 3))).getMessage());
        assertEquals(Shape.of(2), Ops.apply("var", Attrs.of("dim", -1), Tensor.zeros(2, 3)).shape());
    }
}

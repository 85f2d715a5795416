package dev.gradcheck.engine.nnops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcheck.engine.Attrs;
import dev.gradcheck.engine.Autograd;
import dev.gradcheck.engine.DType;
import dev.gradcheck.engine.Functional;
import dev.gradcheck.engine.Ops;
import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.ShapeException;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.op.InputSpec;
import dev.gradcheck.engine.op.OpDef;
import dev.gradcheck.engine.op.OpRegistry;
import dev.gradcheck.engine.op.Sample;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * cross_entropy with a float64 target of the input's shape (class probabilities, PyTorch 1.10 and
 * later) against the formula written out here: per position {@code -sum_c w_c q_c logp_c} with
 * {@code q = (1 - e) target + e / C}; "mean" divides by the number of positions whatever the
 * weights; the target gets the gradient {@code -(1 - e) w_c logp_c g}. The PyTorch values of these
 * cases are in the op's fixture (notes starting "class probabilities").
 */
class CrossEntropyProbabilitiesTest {
    private static final double[] WEIGHT = {0.5, 2.0, 1.25};

    /** The losses per position of a [N, C, S] input, from the definition. */
    private static double[] expectedLosses(double[] x, double[] t, int n, int c, int s, double[] w, double e) {
        double[] out = new double[n * s];
        for (int b = 0; b < n; b++) {
            for (int p = 0; p < s; p++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int k = 0; k < c; k++) {
                    max = Math.max(max, x[(b * c + k) * s + p]);
                }
                double z = 0;
                for (int k = 0; k < c; k++) {
                    z += Math.exp(x[(b * c + k) * s + p] - max);
                }
                double loss = 0;
                for (int k = 0; k < c; k++) {
                    int i = (b * c + k) * s + p;
                    double logp = x[i] - max - Math.log(z);
                    loss -= (w == null ? 1 : w[k]) * ((1 - e) * t[i] + e / c) * logp;
                }
                out[b * s + p] = loss;
            }
        }
        return out;
    }

    private static Tensor random(SplittableRandom rng, int... shape) {
        return Tensor.randn(rng, shape);
    }

    @Test
    void everyReductionMatchesTheFormulaWithWeightsAndSmoothing() {
        SplittableRandom rng = new SplittableRandom(7);
        Tensor x = random(rng, 2, 3, 4);
        Tensor t = random(rng, 2, 3, 4).softmax(1);
        Tensor w = Tensor.of(WEIGHT, 3);
        double[] l = expectedLosses(x.data(), t.data(), 2, 3, 4, WEIGHT, 0.2);
        double sum = 0;
        for (double v : l) {
            sum += v;
        }
        Attrs smooth = Attrs.of("label_smoothing", 0.2);
        Tensor none = Ops.apply("cross_entropy", smooth.with("reduction", "none"), x, t, w);
        assertEquals(Shape.of(2, 4), none.shape());
        for (int i = 0; i < l.length; i++) {
            assertEquals(l[i], none.data()[i], 1e-13, "position " + i);
        }
        assertEquals(sum, Ops.apply("cross_entropy", smooth.with("reduction", "sum"), x, t, w).item(), 1e-12);
        // mean: over the 8 positions, not over the summed weights as for class indices
        assertEquals(sum / 8, Ops.apply("cross_entropy", smooth, x, t, w).item(), 1e-13);
    }

    @Test
    void unbatchedInputTakesATargetOfItsShape() {
        Tensor x = Tensor.of(new double[] {1, -2, 0.5}, 3);
        Tensor t = Tensor.of(new double[] {0.2, 0.3, 0.5}, 3);
        double expected = expectedLosses(x.data(), t.data(), 1, 3, 1, null, 0)[0];
        Tensor loss = Ops.apply("cross_entropy", Attrs.of("reduction", "none"), x, t);
        assertEquals(Shape.SCALAR, loss.shape());
        assertEquals(expected, loss.item(), 1e-14);
        assertEquals(expected, Functional.crossEntropy(x, t).item(), 1e-14);
    }

    @Test
    void inputAndTargetGradientsMatchTheFormula() {
        SplittableRandom rng = new SplittableRandom(3);
        Tensor x = random(rng, 4, 3).requiresGrad();
        Tensor t = random(rng, 4, 3).softmax(1).detach().requiresGrad();
        Tensor w = Tensor.of(WEIGHT, 3);
        double e = 0.3;
        Tensor g = random(rng, 4);
        Tensor loss = Ops.apply("cross_entropy", Attrs.of("reduction", "none", "label_smoothing", e), x, t, w);
        Tensor[] grads = Autograd.grad(loss, g, false, x, t);
        double[] xv = x.data();
        double[] tv = t.data();
        for (int n = 0; n < 4; n++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < 3; c++) {
                max = Math.max(max, xv[n * 3 + c]);
            }
            double z = 0;
            for (int c = 0; c < 3; c++) {
                z += Math.exp(xv[n * 3 + c] - max);
            }
            double mass = 0;
            for (int c = 0; c < 3; c++) {
                mass += WEIGHT[c] * ((1 - e) * tv[n * 3 + c] + e / 3);
            }
            for (int c = 0; c < 3; c++) {
                int i = n * 3 + c;
                double logp = xv[i] - max - Math.log(z);
                double q = WEIGHT[c] * ((1 - e) * tv[i] + e / 3);
                double gn = g.data()[n];
                assertEquals((Math.exp(logp) * mass - q) * gn, grads[0].data()[i], 1e-13, "d/dinput " + i);
                assertEquals(-(1 - e) * WEIGHT[c] * logp * gn, grads[1].data()[i], 1e-13, "d/dtarget " + i);
            }
        }
    }

    @Test
    void theTargetIsDifferentiableOnlyAsProbabilities() {
        InputSpec target = OpRegistry.get("cross_entropy").input(1);
        assertTrue(target.differentiable(DType.FLOAT64));
        assertFalse(target.differentiable(DType.INT64));
        assertFalse(OpRegistry.get("nll_loss").input(1).accepts(DType.FLOAT64), "nll_loss takes class indices only");

        Tensor x = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3).requiresGrad();
        Tensor w = Tensor.of(WEIGHT, 3).requiresGrad();
        Tensor t = Tensor.of(new double[] {0.1, 0.2, 0.7, 1, 0, 0}, 2, 3).requiresGrad();
        Functional.crossEntropy(x, t, w, "mean").backward();
        assertEquals(Shape.of(2, 3), t.grad().shape());
        assertNull(w.grad(), "class weights stay constants");
        Tensor x2 = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3).requiresGrad();
        Functional.crossEntropy(x2, Tensor.ofLongs(new long[] {2, 0}, 2)).backward();
        assertEquals(Shape.of(2, 3), x2.grad().shape());
    }

    @Test
    void aOneHotTargetGivesTheClassIndexLossUnweighted() {
        Tensor x = Tensor.of(new double[] {0.3, -1, 2, 0.5, 0.1, -0.7}, 2, 3);
        Tensor oneHot = Tensor.of(new double[] {0, 0, 1, 1, 0, 0}, 2, 3);
        Tensor indices = Tensor.ofLongs(new long[] {2, 0}, 2);
        for (String r : new String[] {"mean", "sum", "none"}) {
            Attrs a = Attrs.of("reduction", r, "label_smoothing", 0.1);
            double[] p = Ops.apply("cross_entropy", a, x, oneHot).data();
            double[] i = Ops.apply("cross_entropy", a, x, indices).data();
            for (int k = 0; k < p.length; k++) {
                assertEquals(i[k], p[k], 1e-14, r);
            }
        }
    }

    @Test
    void ignoreIndexMustStayNegativeAsInPyTorch() {
        Tensor x = Tensor.zeros(2, 3);
        Tensor t = Tensor.of(new double[] {0.5, 0.5, 0, 0, 0, 1}, 2, 3);
        assertEquals(Functional.crossEntropy(x, t).item(),
                Ops.apply("cross_entropy", Attrs.of("ignore_index", -1), x, t).item(), "a negative one changes nothing");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Ops.apply("cross_entropy", Attrs.of("ignore_index", 1), x, t));
        assertEquals("cross_entropy: ignore_index 1 is not supported for a target of class probabilities (target "
                + "[2, 3], the input's shape), as in PyTorch: leave ignore_index at its default -100", e.getMessage());
    }

    @Test
    void anInt64TargetOfTheInputsShapeIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Functional.crossEntropy(Tensor.zeros(2, 3), Tensor.ofLongs(new long[6], 2, 3)));
        assertEquals("cross_entropy: input 'target' must be float64, got int64 of shape [2, 3]: a 'target' of the "
                + "first input's shape [2, 3] holds real values (float64); int64 indices have another shape",
                e.getMessage());
    }

    @Test
    void aTargetOfNeitherShapeNamesBothForms() {
        ShapeException e = assertThrows(ShapeException.class,
                () -> Functional.crossEntropy(Tensor.zeros(2, 3, 4), Tensor.zeros(2, 3)));
        assertEquals("cross_entropy: target [2, 3] does not fit input [2, 3, 4]: expected int64 class indices of shape "
                + "[2, 4] (the input's shape without the class dimension 1) or float64 class probabilities of the "
                + "input's shape [2, 3, 4]", e.getMessage());
    }

    @Test
    void anEmptyBatchHasANaNMeanAndAZeroSum() {
        Tensor x = Tensor.zeros(0, 3);
        Tensor t = Tensor.zeros(0, 3);
        assertTrue(Double.isNaN(Functional.crossEntropy(x, t).item()), "PyTorch's mean of no positions");
        assertEquals(0.0, Math.abs(Functional.crossEntropy(x, t, "sum").item()));
        assertEquals(Shape.of(0), Functional.crossEntropy(x, t, "none").shape());
    }

    /**
     * Zero-size inputs as PyTorch 1.13 computes them: a position per entry of the trailing dims
     * even when there are no classes (the loss of an empty class sum is 0), an empty output where
     * there are no positions, "sum" 0 and "mean" NaN whenever the input is empty.
     */
    @ParameterizedTest
    @CsvSource({"2:0:3, 2:3", "0:3:4, 0:4", "2:3:0, 2:0", "0:3, 0"})
    void zeroSizeInputsGiveTorchsShapesAndValues(String input, String none) {
        Tensor x = Tensor.zeros(dims(input));
        Tensor t = Tensor.zeros(dims(input));
        Tensor perPosition = Functional.crossEntropy(x, t, "none");
        assertEquals(Shape.of(dims(none)), perPosition.shape());
        for (double v : perPosition.data()) {
            assertEquals(0.0, v);
        }
        assertEquals(0.0, Math.abs(Functional.crossEntropy(x, t, "sum").item()));
        assertTrue(Double.isNaN(Functional.crossEntropy(x, t, "mean").item()));
    }

    /** The class-index form at the same empty shapes that PyTorch computes (it fails internally on zero classes). */
    @ParameterizedTest
    @CsvSource({"0:3:4, 0:4", "2:3:0, 2:0", "0:3, 0"})
    void zeroSizeInputsWithClassIndicesGiveTorchsShapesAndValues(String input, String none) {
        Tensor x = Tensor.zeros(dims(input));
        Tensor t = Tensor.ofLongs(new long[0], dims(none));
        assertEquals(Shape.of(dims(none)), Functional.crossEntropy(x, t, "none").shape());
        assertEquals(0.0, Math.abs(Functional.crossEntropy(x, t, "sum").item()));
        assertTrue(Double.isNaN(Functional.crossEntropy(x, t, "mean").item()));
    }

    private static int[] dims(String colonSeparated) {
        return java.util.Arrays.stream(colonSeparated.split(":")).mapToInt(Integer::parseInt).toArray();
    }

    @Test
    void theSamplesDrawBothTargetForms() {
        OpDef op = OpRegistry.get("cross_entropy");
        int probabilities = 0;
        int indices = 0;
        for (int seed = 0; seed < 60; seed++) {
            Sample s = op.samples().draw(new SplittableRandom(seed), 1);
            if (s.inputs()[1].dtype() == DType.FLOAT64) {
                probabilities++;
                assertEquals(s.inputs()[0].shape(), s.inputs()[1].shape(), "seed " + seed);
            } else {
                indices++;
            }
        }
        assertTrue(probabilities >= 10 && indices >= 10, probabilities + " probability and " + indices
                + " index targets in 60 draws");
    }
}

package dev.gradcheck.engine.nnops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcheck.engine.Attrs;
import dev.gradcheck.engine.Functional;
import dev.gradcheck.engine.Ops;
import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.ShapeException;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.op.OpDef;
import dev.gradcheck.engine.op.OpRegistry;
import dev.gradcheck.engine.ops.NumericGradients;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Error messages, attribute handling, dropout's mask and the registry entries of the NN ops. */
class NnOpsBehaviourTest {

    private static Tensor zeros(int... shape) {
        return Tensor.zeros(shape);
    }

    private static String shapeError(Runnable r) {
        return assertThrows(ShapeException.class, r::run).getMessage();
    }

    private static String argError(Runnable r) {
        return assertThrows(IllegalArgumentException.class, r::run).getMessage();
    }

    // ---------------------------------------------------------------- conv2d

    @Test
    void conv2dChannelMismatchNamesBothShapes() {
        assertEquals("conv2d: input [1, 1, 9, 9], weight [2, 3, 2, 2]: input has 1 channels, but weight with groups=1 "
                + "expects 3 * 1 = 3", shapeError(() -> Functional.conv2d(zeros(1, 1, 9, 9), zeros(2, 3, 2, 2), null)));
    }

    @Test
    void conv2dOtherShapeErrors() {
        assertEquals("conv2d: input [1, 4, 5, 5], weight [3, 2, 2, 2]: out_channels 3 is not divisible by groups 2",
                shapeError(() -> Functional.conv2d(zeros(1, 4, 5, 5), zeros(3, 2, 2, 2), null, 1, 0, 1, 2)));
        assertEquals("conv2d: input [1, 2, 5, 5], weight [3, 2, 2, 2], bias [2]: bias must have shape [3] (out_channels)",
                shapeError(() -> Functional.conv2d(zeros(1, 2, 5, 5), zeros(3, 2, 2, 2), zeros(2))));
        assertEquals("conv2d: input [1, 2, 5, 5], weight [3, 2, 2]: weight must be 4-D (out_channels, in_channels/groups, "
                + "kH, kW), got 3-D", shapeError(() -> Functional.conv2d(zeros(1, 2, 5, 5), zeros(3, 2, 2), null)));
        assertEquals("conv2d: input [2, 5], weight [3, 2, 2, 2]: expected a 3-D (C, H, W) or 4-D (N, C, H, W) input, "
                + "got 2-D input [2, 5]", shapeError(() -> Functional.conv2d(zeros(2, 5), zeros(3, 2, 2, 2), null)));
        String small = shapeError(() -> Functional.conv2d(zeros(1, 2, 2, 2), zeros(3, 2, 3, 3), null));
        assertTrue(small.startsWith("conv2d: input [1, 2, 2, 2], weight [3, 2, 3, 3]: the input's spatial size [2, 2]"
                + " padded by [0, 0] is smaller than the kernel [3, 3]"), small);
        assertEquals("conv2d: stride must be positive, got [0, 0]",
                shapeError(() -> Functional.conv2d(zeros(1, 2, 5, 5), zeros(3, 2, 2, 2), null, 0, 0)));
    }

    @Test
    void conv2dShapeRuleNeedsNoComputation() {
        OpDef conv = OpRegistry.get("conv2d");
        Shape out = conv.inferShape(new Shape[] {Shape.of(8, 3, 32, 32), Shape.of(16, 3, 5, 5), Shape.of(16)},
                conv.resolve(Attrs.of("stride", 2, "padding", 2)));
        assertEquals(Shape.of(8, 16, 16, 16), out);
    }

    // ---------------------------------------------------------------- pools

    @Test
    void poolErrors() {
        assertEquals("max_pool2d: pad should be at most half of kernel size, but got padding [2, 2] and kernel_size "
                + "[3, 3] (input [1, 1, 9, 9])",
                shapeError(() -> Functional.maxPool2d(zeros(1, 1, 9, 9), 3, 1, 2)));
        assertEquals("avg_pool2d: input [4, 4]: expected a 3-D (C, H, W) or 4-D (N, C, H, W) input, got 2-D input [4, 4]",
                shapeError(() -> Functional.avgPool2d(zeros(4, 4), 2)));
        assertEquals("avg_pool2d: divisor_override must not be zero", argError(() -> Ops.apply("avg_pool2d",
                Attrs.of("kernel_size", 2, "divisor_override", 0), zeros(1, 4, 4))));
        assertEquals("max_pool2d: attribute 'kernel_size' is required (an integer or a list of two integers)",
                argError(() -> Ops.apply("max_pool2d", Attrs.EMPTY, zeros(1, 4, 4))));
    }

    @Test
    void poolStrideDefaultsToTheKernelSize() {
        Tensor x = Tensor.of(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}, 1, 4, 4);
        assertArrayEquals(new double[] {6, 8, 14, 16}, Functional.maxPool2d(x, 2).data());
        assertArrayEquals(new double[] {3.5, 5.5, 11.5, 13.5}, Functional.avgPool2d(x, 2).data());
        assertEquals(Shape.of(1, 2, 2), Functional.avgPool2d(x, 2).shape());
    }

    // ---------------------------------------------------------------- losses

    @Test
    void classTargetOutOfRangeNamesTheValueAndTheClassCount() {
        Tensor x = zeros(3, 4);
        String m = argError(() -> Functional.crossEntropy(x, Tensor.ofLongs(new long[] {0, 4, 1}, 3)));
        assertEquals("cross_entropy: target 4 is out of bounds: input [3, 4] has 4 classes, so class indices must be in "
                + "0..3 (or ignore_index -100; target [3])", m);
        String neg = argError(() -> Functional.nllLoss(x, Tensor.ofLongs(new long[] {0, -1, 1}, 3)));
        assertTrue(neg.startsWith("nll_loss: target -1 is out of bounds: input [3, 4] has 4 classes"), neg);
    }

    @Test
    void classTargetShapeMismatch() {
        assertEquals("cross_entropy: target [3, 2] does not fit input [3, 4]: expected int64 class indices of shape [3] "
                + "(the input's shape without the class dimension 1) or float64 class probabilities of the input's "
                + "shape [3, 4]",
                shapeError(() -> Functional.crossEntropy(zeros(3, 4), Tensor.ofLongs(new long[6], 3, 2))));
        assertEquals("nll_loss: target [1] does not fit input [4]: expected a target of shape [] (one class index for an"
                + " unbatched input)", shapeError(() -> Functional.nllLoss(zeros(4), Tensor.ofLongs(new long[1], 1))));
    }

    @Test
    void classWeightsNeedOnePerClass() {
        assertEquals("nll_loss: weight [3] must hold one weight per class: shape [4] for input [2, 4]", shapeError(() ->
                Ops.apply("nll_loss", Attrs.EMPTY, zeros(2, 4), Tensor.ofLongs(new long[2], 2), zeros(3))));
    }

    @Test
    void classWeightsGetNoGradient() {
        Tensor x = Tensor.of(new double[] {1, 2, 3, 4}, 2, 2).requiresGrad();
        Tensor w = Tensor.of(new double[] {1, 3}, 2).requiresGrad();
        Functional.crossEntropy(x, Tensor.ofLongs(new long[] {0, 1}, 2), w, "mean").backward();
        assertEquals(null, w.grad(), "class weights are constants, as in PyTorch");
        assertEquals(Shape.of(2, 2), x.grad().shape());
        // weighted mean: (1 * ce0 + 3 * ce1) / (1 + 3); both rows have logits differing by 1
        double ce0 = Math.log(1 + Math.exp(1));
        double ce1 = Math.log(1 + Math.exp(-1));
        assertEquals((ce0 + 3 * ce1) / 4, Functional.crossEntropy(x, Tensor.ofLongs(new long[] {0, 1}, 2), w, "mean")
                .item(), 1e-15);
        assertEquals(-(1 * 1 + 3 * 4), Functional.nllLoss(x, Tensor.ofLongs(new long[] {0, 1}, 2), w, "sum").item());
    }

    @Test
    void classTargetsMustBeInt64() {
        assertEquals("cross_entropy: input 'target' must be int64, got float64 of shape [3]: only a 'target' of the "
                + "first input's shape [3, 4] may be float64 (real values); any other shape holds int64 indices",
                argError(() -> Functional.crossEntropy(zeros(3, 4), zeros(3))));
        assertEquals("nll_loss: input 'target' must be int64, got float64 tensor of shape [3, 4]",
                argError(() -> Functional.nllLoss(zeros(3, 4), zeros(3, 4))));
    }

    @Test
    void labelSmoothingOutsideZeroOneIsRejected() {
        assertEquals("cross_entropy: label_smoothing must be between 0.0 and 1.0, got 1.5", argError(() ->
                Ops.apply("cross_entropy", Attrs.of("label_smoothing", 1.5), zeros(2, 3), Tensor.ofLongs(new long[2], 2))));
    }

    @Test
    void unknownReductionIsRejected() {
        assertEquals("mse_loss: attribute 'reduction' must be one of mean, sum, none; got \"avg\"",
                argError(() -> Functional.mseLoss(zeros(2), zeros(2), "avg")));
    }

    @Test
    void lossShapeErrors() {
        assertEquals("mse_loss: shapes [2, 3] and [2] do not broadcast: dimension -1 is 3 in one and 2 in the other",
                shapeError(() -> Functional.mseLoss(zeros(2, 3), zeros(2))));
        assertEquals("binary_cross_entropy_with_logits: target [3] must be the same shape as input [2, 3]",
                shapeError(() -> Functional.binaryCrossEntropyWithLogits(zeros(2, 3), zeros(3))));
        assertEquals("binary_cross_entropy_with_logits: pos_weight [2] does not broadcast to input [2, 3]",
                shapeError(() -> Functional.binaryCrossEntropyWithLogits(zeros(2, 3), zeros(2, 3), zeros(3), zeros(2),
                        "mean")));
    }

    @Test
    void reductionNoneKeepsTheTargetShape() {
        Tensor x = zeros(2, 5, 3, 4);
        Tensor t = Tensor.ofLongs(new long[24], 2, 3, 4);
        assertEquals(Shape.of(2, 3, 4), Functional.crossEntropy(x, t, "none").shape());
        assertEquals(Shape.SCALAR, Functional.crossEntropy(x, t).shape());
        // uniform logits: log(5) everywhere
        assertEquals(Math.log(5), Functional.crossEntropy(x, t).item(), 1e-15);
    }

    // ---------------------------------------------------------------- embedding, norms, softmax

    @Test
    void embeddingIndexOutOfRange() {
        assertEquals("embedding: index 5 is out of range for weight [3, 2] (valid indices are 0..2; indices [2])",
                argError(() -> Functional.embedding(Tensor.ofLongs(new long[] {1, 5}, 2), zeros(3, 2))));
        assertEquals("embedding: weight must be 2-D (num_embeddings, embedding_dim), got weight [3] with indices [2]",
                shapeError(() -> Functional.embedding(Tensor.ofLongs(new long[] {1, 2}, 2), zeros(3))));
    }

    @Test
    void embeddingGradientAddsUpRepeatedIndices() {
        Tensor w = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 3, 2).requiresGrad();
        Functional.embedding(Tensor.ofLongs(new long[] {2, 0, 2}, 3), w).sum().backward();
        assertArrayEquals(new double[] {1, 1, 0, 0, 2, 2}, w.grad().data());
    }

    @Test
    void normErrors() {
        assertEquals("layer_norm: input [2, 4]: the input's last dimensions must be normalized_shape [3]",
                shapeError(() -> Functional.layerNorm(zeros(2, 4), new int[] {3}, null, null)));
        assertEquals("layer_norm: input [2, 3], weight [2]: weight must have shape normalized_shape [3]",
                shapeError(() -> Functional.layerNorm(zeros(2, 3), new int[] {3}, zeros(2), null)));
        assertEquals("batch_norm: input [1, 3]: expected more than 1 value per channel when training (batch statistics)",
                shapeError(() -> Functional.batchNorm(zeros(1, 3), null, null)));
        assertEquals("batch_norm: input [4, 3], weight [3], bias [4]: bias must have shape [3] (the input's channels)",
                shapeError(() -> Functional.batchNorm(zeros(4, 3), zeros(3), zeros(4))));
    }

    @Test
    void softmaxDimOutOfRange() {
        assertEquals("softmax: dimension 2 is out of range for shape [2, 3] (expected to be in range of [-2, 1])",
                shapeError(() -> zeros(2, 3).softmax(2)));
    }

    @Test
    void softmaxIsStableForHugeInputs() {
        Tensor y = Tensor.of(new double[] {1000, 1000, -1000}, 3).softmax(0);
        assertArrayEquals(new double[] {0.5, 0.5, 0}, y.data(), 1e-15);
        Tensor l = Tensor.of(new double[] {1000, 0}, 2).logSoftmax(-1);
        assertArrayEquals(new double[] {0, -1000}, l.data(), 1e-12);
    }

    // ---------------------------------------------------------------- dropout

    @Test
    void dropoutIsIdentityWhenNotTrainingOrPZero() {
        Tensor x = Tensor.randn(new SplittableRandom(1), 3, 4);
        assertArrayEquals(x.data(), Functional.dropout(x, 0.5, false, 7).data());
        assertArrayEquals(x.data(), Functional.dropout(x, 0.0, 7).data());
    }

    @Test
    void dropoutWithPOneGivesZerosAndZeroGradient() {
        Tensor x = Tensor.randn(new SplittableRandom(1), 3, 4).requiresGrad();
        Tensor y = Functional.dropout(x, 1.0, 3);
        assertArrayEquals(new double[12], y.data(), 0.0);
        y.sum().backward();
        assertArrayEquals(new double[12], x.grad().data(), 0.0);
    }

    @Test
    void dropoutKeepsAboutOneMinusPScaledAndIsDeterministicInTheSeed() {
        Tensor x = Tensor.ones(100, 100).requiresGrad();
        Tensor y = Functional.dropout(x, 0.3, 42);
        double[] v = y.data();
        int kept = 0;
        for (double e : v) {
            assertTrue(e == 0 || Math.abs(e - 1 / 0.7) < 1e-15, "entry " + e + " is neither 0 nor 1/(1-p)");
            kept += e == 0 ? 0 : 1;
        }
        assertTrue(kept > 6800 && kept < 7200, "kept " + kept + " of 10000 at p=0.3");
        assertArrayEquals(v, Functional.dropout(x, 0.3, 42).data());
        assertFalse(Arrays.equals(v, Functional.dropout(x, 0.3, 43).data()), "another seed, another mask");
        y.sum().backward();
        assertArrayEquals(v, x.grad().data(), "the gradient is the scaled mask");
    }

    @Test
    void dropoutRejectsAProbabilityOutsideZeroOne() {
        assertEquals("dropout: dropout probability has to be between 0 and 1, but got 1.5",
                argError(() -> Functional.dropout(zeros(2), 1.5, 0)));
    }

    // ---------------------------------------------------------------- registry and Functional

    @Test
    void everyNnOpIsRegisteredWithSamplesAndTheHelpersAreInternal() {
        for (String name : NnOpsNumericTest.OPS) {
            OpDef op = OpRegistry.get(name);
            assertTrue(op.samples() != null, name + " has a sample generator");
            assertFalse(op.summary().isEmpty(), name + " has a summary");
            boolean helper = name.equals("embedding_dense_backward") || name.equals("unfold") || name.equals("fold");
            assertEquals(helper, op.internal(), name + " internal");
        }
    }

    @Test
    void functionalCoversTheCoreOpsToo() {
        Tensor x = Tensor.of(new double[] {1, 2}, 1, 2);
        Tensor w = Tensor.of(new double[] {1, 0, 0, 1, 1, 1}, 3, 2);
        Tensor b = Tensor.of(new double[] {10, 20, 30}, 3);
        assertArrayEquals(new double[] {11, 22, 33}, Functional.linear(x, w, b).data());
        assertArrayEquals(new double[] {1, 2, 3}, Functional.linear(x, w).data());
        assertEquals(Shape.of(2, 2), Functional.cat(0, x, x).shape());
        assertArrayEquals(Functional.softmax(x, -1).data(),
                Functional.apply("softmax", Attrs.of("dim", 1), x).data());
        assertEquals("an optional input after an absent one: give the weight when giving the bias (PyTorch's "
                + "positional order)", argError(() -> Functional.layerNorm(zeros(2, 3), new int[] {3}, null, zeros(3))));
    }

    @Test
    void numericalHelperIsNotFooled() {
        // a sanity check of the test utility itself: d/dx sum(x^3 * u) = 3 x^2 u
        Tensor x = Tensor.of(new double[] {0.5, -2}, 2);
        Tensor u = Tensor.of(new double[] {1, 3}, 2);
        double[] g = NumericGradients.gradient(NumericGradients.dot(xs -> xs[0].pow(3.0), u), new Tensor[] {x}, 0,
                1e-6);
        assertArrayEquals(new double[] {0.75, 36}, g, 1e-8);
        assertNotEquals(0.0, g[0]);
    }
}

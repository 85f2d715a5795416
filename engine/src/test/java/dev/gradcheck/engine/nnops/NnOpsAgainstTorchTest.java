package dev.gradcheck.engine.nnops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import dev.gradcheck.engine.Attrs;
import dev.gradcheck.engine.Autograd;
import dev.gradcheck.engine.DType;
import dev.gradcheck.engine.Functional;
import dev.gradcheck.engine.Ops;
import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Forward values, gradients and second-order gradients of the NN ops against PyTorch 1.13
 * (values in {@link TorchValues}).
 */
class NnOpsAgainstTorchTest {
    private static final double TOL = 1e-11;

    /** sin(a * i + b) over the flat index i: the same inputs the PyTorch script used. */
    static Tensor wave(Shape shape, double a, double b) {
        double[] d = new double[shape.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = Math.sin(a * i + b);
        }
        return Tensor.of(d, shape);
    }

    static Tensor wave(int[] shape, double a, double b) {
        return wave(Shape.of(shape), a, b);
    }

    static Tensor longs(int[] shape, long... v) {
        return Tensor.ofLongs(v, shape);
    }

    /** Runs case {@code name}: forward, gradient with a wave output gradient, and double backward. */
    static void check(String name, Function<Tensor[], Tensor> fn, Tensor... inputs) {
        List<Tensor> req = new ArrayList<>();
        Tensor[] xs = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            xs[i] = inputs[i].dtype() == DType.FLOAT64 ? Tensor.of(inputs[i].data(), inputs[i].shape()).requiresGrad()
                    : inputs[i];
            if (xs[i].dtype() == DType.FLOAT64) {
                req.add(xs[i]);
            }
        }
        Tensor out = fn.apply(xs);
        close(name + "_out", out);
        Tensor u = wave(out.shape(), 0.9, 0.1);
        Tensor[] r = req.toArray(new Tensor[0]);
        Tensor[] gs = Autograd.grad(out, u, true, r);
        Tensor tot = Tensor.scalar(0);
        for (int k = 0; k < gs.length; k++) {
            close(name + "_g" + k, gs[k]);
            tot = tot.add(gs[k].mul(wave(gs[k].shape(), 0.37, 0.2 + k)).sum());
        }
        if (!TorchValues.V.containsKey(name + "_gg0")) {
            return;
        }
        Tensor[] gg = Autograd.grad(tot, null, false, r);
        for (int k = 0; k < gg.length; k++) {
            close(name + "_gg" + k, gg[k]);
        }
    }

    private static void close(String key, Tensor actual) {
        double[] expected = TorchValues.V.get(key);
        assertNotNull(expected, "no PyTorch value for " + key);
        double[] a = actual.data();
        if (expected.length == 0) {
            expected = new double[a.length]; // PyTorch: no dependence, i.e. zeros
        }
        assertEquals(expected.length, a.length, key + ": size (shape " + actual.shape() + ")");
        for (int i = 0; i < a.length; i++) {
            if (Math.abs(expected[i] - a[i]) > TOL * Math.max(1, Math.abs(expected[i]))) {
                fail(key + "[" + i + "]: expected " + expected[i] + " (PyTorch) but was " + a[i] + "\nexpected "
                        + Arrays.toString(expected) + "\nactual   " + Arrays.toString(a));
            }
        }
    }

    private static final int[] S23 = {2, 3};

    private static Tensor x23() {
        return wave(S23, 1.3, 0.2).mul(2.0).detach();
    }

    @Test
    void softmaxNegativeDim() {
        check("softmax", x -> Functional.softmax(x[0], -1), x23());
    }

    @Test
    void logSoftmaxDim0() {
        check("log_softmax", x -> x[0].logSoftmax(0), x23());
    }

    @Test
    void softmaxOfAScalar() {
        check("softmax0d", x -> x[0].softmax(0), Tensor.scalar(1.5));
    }

    @Test
    void embedding() {
        check("embedding", x -> Functional.embedding(x[0], x[1]), longs(new int[] {2, 2}, 0, 2, 1, 0),
                wave(new int[] {3, 2}, 0.5, 0.0));
    }

    @Test
    void crossEntropyAndNllLossEachReduction() {
        Tensor x = wave(new int[] {3, 4}, 1.1, 0.4).mul(2.0).detach();
        Tensor t = longs(new int[] {3}, 0, 3, 1);
        for (String r : new String[] {"mean", "sum", "none"}) {
            check("ce_" + r, a -> Functional.crossEntropy(a[0], a[1], r), x, t);
            check("nll_" + r, a -> Functional.nllLoss(a[0], a[1], r), x, t);
        }
    }

    @Test
    void crossEntropyOfAnUnbatchedClassVector() {
        check("ce_c", a -> Functional.crossEntropy(a[0], a[1]), Tensor.of(new double[] {0.1, 2.0, -1.0}, 3),
                longs(new int[0], 1));
    }

    @Test
    void crossEntropyWithExtraDimensions() {
        Tensor x = wave(new int[] {2, 3, 2}, 0.8, 0.3);
        Tensor t = longs(new int[] {2, 2}, 2, 0, 1, 1);
        check("ce_ncd_none", a -> Functional.crossEntropy(a[0], a[1], "none"), x, t);
        check("ce_ncd_mean", a -> Functional.crossEntropy(a[0], a[1]), x, t);
    }

    @Test
    void mseLossBroadcastsTargetEachReduction() {
        for (String r : new String[] {"mean", "sum", "none"}) {
            check("mse_" + r, a -> Functional.mseLoss(a[0], a[1], r), wave(S23, 0.6, 0.1), wave(new int[] {3}, 1.7, 0.5));
        }
    }

    @Test
    void binaryCrossEntropyWithLogitsIsStableForLargeLogits() {
        Tensor x = Tensor.of(new double[] {-30, -1, 0.5, 2, 40, 0}, 2, 3);
        Tensor t = Tensor.of(new double[] {0, 1, 0.3, 1, 0, 0.5}, 2, 3);
        for (String r : new String[] {"mean", "sum", "none"}) {
            check("bce_" + r, a -> Functional.binaryCrossEntropyWithLogits(a[0], a[1], r), x, t);
        }
        Tensor w = Tensor.of(new double[] {0.5, 2.0, 1.5}, 3);
        Tensor pw = Tensor.of(new double[] {3.0, 0.25}, 2, 1);
        for (String r : new String[] {"mean", "sum", "none"}) {
            Attrs a = Attrs.of("reduction", r);
            check("bcew_" + r, v -> Ops.apply("binary_cross_entropy_with_logits", a, v[0], v[1], w), x, t);
            check("bcepw_" + r, v -> Ops.apply("binary_cross_entropy_with_logits", a, v[0], v[1], w, pw), x, t);
        }
    }

    @Test
    void conv2dStridePaddingBias() {
        check("conv_s2p1", a -> Functional.conv2d(a[0], a[1], a[2], 2, 1), wave(new int[] {1, 2, 4, 4}, 0.7, 0.3),
                wave(new int[] {3, 2, 2, 2}, 1.9, 0.1), wave(new int[] {3}, 2.3, 0.4));
    }

    @Test
    void conv2dGroupsDilationAsymmetricPadding() {
        check("conv_g2_d2", a -> Ops.apply("conv2d", Attrs.of("groups", 2, "dilation", 2, "padding", new int[] {1, 0}),
                a), wave(new int[] {2, 4, 5, 4}, 0.7, 0.3), wave(new int[] {4, 2, 2, 2}, 1.9, 0.1));
    }

    @Test
    void conv2dUnbatchedInputAsymmetricStride() {
        check("conv_chw", a -> Ops.apply("conv2d", Attrs.of("stride", new int[] {1, 2}), a),
                wave(new int[] {2, 3, 4}, 0.4, 0.2), wave(new int[] {2, 2, 2, 3}, 1.3, 0.1), wave(new int[] {2}, 0.3, 0.4));
    }

    @Test
    void maxPool2dStridePadding() {
        check("maxpool", a -> Ops.apply("max_pool2d", Attrs.of("kernel_size", 2, "stride", new int[] {2, 1},
                "padding", 1), a), wave(new int[] {1, 2, 4, 5}, 1.7, 0.3));
    }

    @Test
    void maxPool2dTiesGoToTheFirstMaximum() {
        check("maxpool_tie", a -> Functional.maxPool2d(a[0], 2),
                Tensor.of(new double[] {1, 3, 3, 0, 3, 2, 1, 3, 5, 5, 0, 0, 5, 5, 0, 0}, 1, 4, 4));
    }

    @Test
    void avgPool2dWithAndWithoutPaddingInTheCount() {
        Tensor x = wave(new int[] {1, 2, 5, 4}, 1.7, 0.3);
        check("avgpool_incl", a -> Functional.avgPool2d(a[0], 3, 2, 1, true), x);
        check("avgpool_excl", a -> Functional.avgPool2d(a[0], 3, 2, 1, false), x);
        check("avgpool_div", a -> Ops.apply("avg_pool2d", Attrs.of("kernel_size", new int[] {2, 3}, "stride", 1,
                "padding", 1, "divisor_override", 4), a), wave(new int[] {2, 3, 4}, 1.7, 0.3));
    }

    @Test
    void layerNorm() {
        check("layernorm", a -> Functional.layerNorm(a[0], new int[] {3}, a[1], a[2]), wave(S23, 1.3, 0.2).mul(3.0).detach(),
                wave(new int[] {3}, 0.9, 0.5), wave(new int[] {3}, 0.4, 0.1));
        check("layernorm2", a -> Functional.layerNorm(a[0], new int[] {2, 3}, null, null, 1e-3),
                wave(new int[] {2, 2, 3}, 1.3, 0.2).mul(3.0).detach());
    }

    @Test
    void batchNorm() {
        check("batchnorm", a -> Functional.batchNorm(a[0], a[1], a[2]), wave(new int[] {3, 2, 2}, 1.1, 0.2).mul(2.0).detach(),
                wave(new int[] {2}, 0.9, 0.5), wave(new int[] {2}, 0.4, 0.1));
        check("batchnorm2d", a -> Functional.batchNorm(a[0], null, null, 1e-3), wave(S23, 1.1, 0.2).mul(2.0).detach());
    }

    @Test
    void unfoldAndFoldAreImToColAndBack() {
        Attrs a = Attrs.of("kernel_size", new int[] {2, 3}, "dilation", new int[] {1, 2}, "padding", 1,
                "stride", new int[] {2, 1});
        check("unfold", x -> Ops.apply("unfold", a, x), wave(new int[] {2, 2, 4, 5}, 0.7, 0.3));
        check("fold", x -> Ops.apply("fold", a.with("output_size", new int[] {4, 5}), x),
                wave(new int[] {2, 12, 9}, 0.7, 0.3));
        Attrs b = Attrs.of("kernel_size", 2, "padding", new int[] {0, 1}, "stride", 2);
        check("unfold3d", x -> Ops.apply("unfold", b, x), wave(new int[] {2, 3, 5}, 0.7, 0.3));
        check("fold2d", x -> Ops.apply("fold", b.with("output_size", new int[] {3, 5}), x),
                wave(new int[] {8, 3}, 0.7, 0.3));
    }

    @Test
    void embeddingDenseBackwardScatterAdds() {
        // torch.ops.aten.embedding_dense_backward(g, indices, 4, -1, False)
        check("embedding_dense_backward", x -> Ops.apply("embedding_dense_backward", Attrs.of("num_weights", 4), x),
                wave(new int[] {2, 3, 2}, 0.6, 0.2), longs(new int[] {2, 3}, 0, 3, 0, 2, 2, 0));
    }

    @Test
    void classLossesIgnoreIndexAndLabelSmoothing() {
        Tensor x = wave(new int[] {3, 4}, 1.1, 0.4).mul(2.0).detach();
        for (String r : new String[] {"mean", "none"}) {
            check("ce_ign_" + r, a -> Functional.crossEntropy(a[0], a[1], r), x, longs(new int[] {3}, 0, -100, 1));
            check("nll_ign1_" + r, a -> Ops.apply("nll_loss", Attrs.of("ignore_index", 1, "reduction", r), a), x,
                    longs(new int[] {3}, 1, 3, 2));
        }
        check("ce_ls_mean", a -> Ops.apply("cross_entropy", Attrs.of("label_smoothing", 0.3), a), x,
                longs(new int[] {3}, 0, -100, 1));
        check("ce_ls_none", a -> Ops.apply("cross_entropy", Attrs.of("label_smoothing", 0.3, "reduction", "none"), a),
                wave(new int[] {2, 3, 2}, 0.8, 0.3), longs(new int[] {2, 2}, 2, 0, -100, 1));
        check("ce_ls_sum_c", a -> Ops.apply("cross_entropy", Attrs.of("label_smoothing", 0.1, "reduction", "sum"), a),
                Tensor.of(new double[] {0.1, 2.0, -1.0}, 3), longs(new int[0], 1));
        check("ce_ncd_ign2", a -> Ops.apply("cross_entropy", Attrs.of("ignore_index", 2), a),
                wave(new int[] {2, 3, 2}, 0.8, 0.3), longs(new int[] {2, 2}, 2, 0, 1, 1));
    }

    @Test
    void classWeights() {
        Tensor x = wave(new int[] {3, 4}, 1.1, 0.4).mul(2.0).detach();
        Tensor w4 = Tensor.of(new double[] {0.5, 2.0, 1.5, 0.25}, 4);
        for (String r : new String[] {"mean", "sum", "none"}) {
            Attrs a = Attrs.of("reduction", r);
            check("ce_w_" + r, t -> Ops.apply("cross_entropy", a, t[0], t[1], w4), x, longs(new int[] {3}, 0, 3, 1));
            check("nll_w_" + r, t -> Ops.apply("nll_loss", a.with("ignore_index", 3), t[0], t[1], w4), x,
                    longs(new int[] {3}, 0, 3, 1));
            check("ce_wls_" + r, t -> Ops.apply("cross_entropy", a.with("label_smoothing", 0.2), t[0], t[1], w4), x,
                    longs(new int[] {3}, 0, -100, 2));
        }
        Tensor w3 = Tensor.of(new double[] {1.5, 0.5, 3.0}, 3);
        check("ce_w_ncd", t -> Ops.apply("cross_entropy", Attrs.EMPTY, t[0], t[1], w3), wave(new int[] {2, 3, 2}, 0.8, 0.3),
                longs(new int[] {2, 2}, 2, 0, 1, 1));
        check("ce_w_c", t -> Ops.apply("cross_entropy", Attrs.of("label_smoothing", 0.4), t[0], t[1], w3),
                Tensor.of(new double[] {0.1, 2.0, -1.0}, 3), longs(new int[0], 1));
    }

    @Test
    void poolsInCeilMode() {
        check("maxpool_ceil", a -> Ops.apply("max_pool2d", Attrs.of("kernel_size", 2, "stride", 2, "ceil_mode", true), a),
                wave(new int[] {2, 5, 5}, 1.7, 0.3));
        check("maxpool_ceil_pad", a -> Ops.apply("max_pool2d", Attrs.of("kernel_size", 3, "stride", 2, "padding", 1,
                "dilation", new int[] {1, 2}, "ceil_mode", true), a), wave(new int[] {1, 1, 6, 7}, 1.3, 0.2));
        Attrs avg = Attrs.of("kernel_size", 3, "stride", 2, "padding", 1, "ceil_mode", true);
        check("avgpool_ceil_incl", a -> Ops.apply("avg_pool2d", avg, a), wave(new int[] {1, 2, 5, 6}, 1.7, 0.3));
        check("avgpool_ceil_excl", a -> Ops.apply("avg_pool2d", avg.with("count_include_pad", false), a),
                wave(new int[] {1, 2, 5, 6}, 1.7, 0.3));
        check("avgpool_ceil_nopad", a -> Ops.apply("avg_pool2d", Attrs.of("kernel_size", 2, "ceil_mode", true), a),
                wave(new int[] {2, 5, 3}, 1.7, 0.3));
    }
}

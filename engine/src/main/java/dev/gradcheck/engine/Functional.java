package dev.gradcheck.engine;

/**
 * Typed entry points for the multi-input and attribute-heavy ops, as
 * {@code torch.nn.functional}. Every method applies the registered op by name through
 * {@link Ops#apply(String, Attrs, Tensor...)}, with PyTorch's positional tensor order and
 * keyword names; an absent optional tensor (a null bias, weight) is left out.
 *
 * <pre>{@code
 * Tensor h = Functional.conv2d(x, w, b, 1, 1);          // stride 1, padding 1
 * Tensor loss = Functional.crossEntropy(logits, target); // reduction "mean"
 * }</pre>
 *
 * <p>Pairs such as {@code stride} are given as one int (both dimensions) or an {@code int[2]}
 * through {@link #apply}.
 */
public final class Functional {
    private Functional() {
    }

    /** Applies the registered op {@code op}: {@code Functional.apply("conv2d", Attrs.of("stride", 2), x, w)}. */
    public static Tensor apply(String op, Attrs attrs, Tensor... inputs) {
        return Ops.apply(op, attrs, inputs);
    }

    // ---------------------------------------------------------------- linear, conv, pooling

    /** {@code input @ weight^T}; weight is (out, in). */
    public static Tensor linear(Tensor input, Tensor weight) {
        return Ops.apply("linear", Attrs.EMPTY, input, weight);
    }

    /** {@code input @ weight^T + bias}; a null bias is left out. */
    public static Tensor linear(Tensor input, Tensor weight, Tensor bias) {
        return Ops.apply("linear", Attrs.EMPTY, inputs(input, weight, bias));
    }

    /** conv2d with stride 1, no padding, dilation 1, groups 1; a null bias is left out. */
    public static Tensor conv2d(Tensor input, Tensor weight, Tensor bias) {
        return Ops.apply("conv2d", Attrs.EMPTY, inputs(input, weight, bias));
    }

    /** conv2d with the same stride and padding along both spatial dimensions. */
    public static Tensor conv2d(Tensor input, Tensor weight, Tensor bias, int stride, int padding) {
        return Ops.apply("conv2d", Attrs.of("stride", stride, "padding", padding), inputs(input, weight, bias));
    }

    /** conv2d with every attribute (each pair the same along both spatial dimensions). */
    public static Tensor conv2d(Tensor input, Tensor weight, Tensor bias, int stride, int padding, int dilation,
            int groups) {
        return Ops.apply("conv2d", Attrs.of("stride", stride, "padding", padding, "dilation", dilation,
                "groups", groups), inputs(input, weight, bias));
    }

    /** max_pool2d with stride = kernel_size and no padding. */
    public static Tensor maxPool2d(Tensor input, int kernelSize) {
        return Ops.apply("max_pool2d", Attrs.of("kernel_size", kernelSize), input);
    }

    /** max_pool2d with the given stride and padding. */
    public static Tensor maxPool2d(Tensor input, int kernelSize, int stride, int padding) {
        return Ops.apply("max_pool2d", Attrs.of("kernel_size", kernelSize, "stride", stride, "padding", padding),
                input);
    }

    /** avg_pool2d with stride = kernel_size and no padding. */
    public static Tensor avgPool2d(Tensor input, int kernelSize) {
        return Ops.apply("avg_pool2d", Attrs.of("kernel_size", kernelSize), input);
    }

    /** avg_pool2d with the given stride, padding and count_include_pad. */
    public static Tensor avgPool2d(Tensor input, int kernelSize, int stride, int padding, boolean countIncludePad) {
        return Ops.apply("avg_pool2d", Attrs.of("kernel_size", kernelSize, "stride", stride, "padding", padding,
                "count_include_pad", countIncludePad), input);
    }

    // ---------------------------------------------------------------- normalisation, dropout

    /** layer_norm over the last dimensions {@code normalizedShape}, eps 1e-5; null weight/bias are left out. */
    public static Tensor layerNorm(Tensor input, int[] normalizedShape, Tensor weight, Tensor bias) {
        return layerNorm(input, normalizedShape, weight, bias, 1e-5);
    }

    /** layer_norm with the given eps. A bias needs a weight (PyTorch's positional order). */
    public static Tensor layerNorm(Tensor input, int[] normalizedShape, Tensor weight, Tensor bias, double eps) {
        return Ops.apply("layer_norm", Attrs.of("normalized_shape", normalizedShape, "eps", eps),
                inputs(input, weight, bias));
    }

    /** batch_norm with batch statistics (training mode), eps 1e-5; null weight/bias are left out. */
    public static Tensor batchNorm(Tensor input, Tensor weight, Tensor bias) {
        return batchNorm(input, weight, bias, 1e-5);
    }

    /** batch_norm with batch statistics and the given eps. */
    public static Tensor batchNorm(Tensor input, Tensor weight, Tensor bias, double eps) {
        return Ops.apply("batch_norm", Attrs.of("eps", eps), inputs(input, weight, bias));
    }

    /**
     * dropout in training mode: each entry zeroed with probability {@code p} by a mask drawn
     * deterministically from {@code seed} (the same seed, the same mask), the rest scaled by
     * 1 / (1 - p).
     */
    public static Tensor dropout(Tensor input, double p, int seed) {
        return dropout(input, p, true, seed);
    }

    /** dropout; identity when {@code training} is false. */
    public static Tensor dropout(Tensor input, double p, boolean training, int seed) {
        return Ops.apply("dropout", Attrs.of("p", p, "training", training, "seed", seed), input);
    }

    // ---------------------------------------------------------------- embedding, softmax, cat

    /** The rows of {@code weight} picked by the int64 {@code indices}. */
    public static Tensor embedding(Tensor indices, Tensor weight) {
        return Ops.apply("embedding", Attrs.EMPTY, indices, weight);
    }

    /** softmax along {@code dim} (negative counts from the end). */
    public static Tensor softmax(Tensor input, int dim) {
        return Ops.apply("softmax", Attrs.of("dim", dim), input);
    }

    /** log_softmax along {@code dim} (negative counts from the end), computed stably. */
    public static Tensor logSoftmax(Tensor input, int dim) {
        return Ops.apply("log_softmax", Attrs.of("dim", dim), input);
    }

    /** Concatenates along {@code dim}. */
    public static Tensor cat(int dim, Tensor... tensors) {
        return Ops.apply("cat", Attrs.of("dim", dim), tensors);
    }

    // ---------------------------------------------------------------- losses

    /**
     * Cross-entropy of logits against int64 class indices (the input's shape without the class
     * dimension) or float64 class probabilities (the input's shape, differentiable), reduction "mean".
     */
    public static Tensor crossEntropy(Tensor input, Tensor target) {
        return crossEntropy(input, target, "mean");
    }

    /** Cross-entropy with reduction "mean", "sum" or "none". */
    public static Tensor crossEntropy(Tensor input, Tensor target, String reduction) {
        return Ops.apply("cross_entropy", Attrs.of("reduction", reduction), input, target);
    }

    /**
     * Cross-entropy with class weights (one per class, constant; null for none) and a reduction;
     * for ignore_index and label_smoothing use {@link #apply}.
     */
    public static Tensor crossEntropy(Tensor input, Tensor target, Tensor weight, String reduction) {
        return Ops.apply("cross_entropy", Attrs.of("reduction", reduction), inputs(input, target, weight));
    }

    /** Negative log-likelihood of log-probabilities against int64 class indices, reduction "mean". */
    public static Tensor nllLoss(Tensor input, Tensor target) {
        return nllLoss(input, target, "mean");
    }

    /** Negative log-likelihood with reduction "mean", "sum" or "none". */
    public static Tensor nllLoss(Tensor input, Tensor target, String reduction) {
        return Ops.apply("nll_loss", Attrs.of("reduction", reduction), input, target);
    }

    /** Negative log-likelihood with class weights (one per class, constant; null for none) and a reduction. */
    public static Tensor nllLoss(Tensor input, Tensor target, Tensor weight, String reduction) {
        return Ops.apply("nll_loss", Attrs.of("reduction", reduction), inputs(input, target, weight));
    }

    /** Mean squared error, reduction "mean". */
    public static Tensor mseLoss(Tensor input, Tensor target) {
        return mseLoss(input, target, "mean");
    }

    /** Mean squared error (target broadcast to input) with reduction "mean", "sum" or "none". */
    public static Tensor mseLoss(Tensor input, Tensor target, String reduction) {
        return Ops.apply("mse_loss", Attrs.of("reduction", reduction), input, target);
    }

    /** Binary cross-entropy of logits against targets in [0, 1], reduction "mean". */
    public static Tensor binaryCrossEntropyWithLogits(Tensor input, Tensor target) {
        return binaryCrossEntropyWithLogits(input, target, "mean");
    }

    /** Binary cross-entropy of logits with reduction "mean", "sum" or "none". */
    public static Tensor binaryCrossEntropyWithLogits(Tensor input, Tensor target, String reduction) {
        return Ops.apply("binary_cross_entropy_with_logits", Attrs.of("reduction", reduction), input, target);
    }

    /**
     * Binary cross-entropy of logits with an elementwise weight and a pos_weight (constants that
     * broadcast to the input; null for none; a pos_weight needs a weight) and a reduction.
     */
    public static Tensor binaryCrossEntropyWithLogits(Tensor input, Tensor target, Tensor weight, Tensor posWeight,
            String reduction) {
        return Ops.apply("binary_cross_entropy_with_logits", Attrs.of("reduction", reduction),
                inputs(input, target, weight, posWeight));
    }

    /** The given tensors up to the first null: absent optional inputs are left out. */
    private static Tensor[] inputs(Tensor... given) {
        int n = 0;
        while (n < given.length && given[n] != null) {
            n++;
        }
        for (int i = n; i < given.length; i++) {
            if (given[i] != null) {
                throw new IllegalArgumentException("an optional input after an absent one: give the weight when "
                        + "giving the bias (PyTorch's positional order)");
            }
        }
        return java.util.Arrays.copyOf(given, n);
    }
}

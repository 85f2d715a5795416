package dev.gradcheck.model.onnx;

import static dev.gradcheck.model.onnx.OnnxOp.of;

import dev.gradcheck.engine.Attrs;
import java.util.Arrays;
import java.util.List;

/**
 * Normalizations. BatchNormalization in training mode is the engine's {@code batch_norm} (batch
 * statistics, biased variance, as PyTorch normalises); in inference mode it is arithmetic on the
 * running statistics, which are buffers. LayerNormalization is {@code layer_norm} over the
 * dimensions from {@code axis} on; InstanceNormalization is {@code instance_norm}.
 */
final class NormConverters {
    private NormConverters() {
    }

    static List<OnnxOp> all() {
        return List.of(
                of("BatchNormalization", "batch_norm", "epsilon momentum training_mode", "training_mode 1: "
                        + "batch_norm (batch statistics; the running-statistics outputs are not computed); inference: "
                        + "(x - mean) / sqrt(var + eps) · scale + B with mean and var as buffers",
                        NormConverters::batchNorm).buffers(3, 4),
                of("LayerNormalization", "layer_norm", "axis epsilon stash_type", "layer_norm over the dimensions "
                        + "from axis on (scale and B that only broadcast: mul and add after); no Mean or InvStdDev "
                        + "outputs", NormConverters::layerNorm).since(17),
                of("InstanceNormalization", "instance_norm", "epsilon", "instance_norm (statistics of each sample "
                        + "and channel)", NormConverters::instanceNorm));
    }

    private static void batchNorm(NodeContext n) {
        Value x = n.in(0);
        Value scale = n.in(1);
        Value bias = n.in(2);
        double eps = n.attrFloat("epsilon", 1e-5);
        boolean training = n.opset() >= 14 ? n.attrInt("training_mode", 0) != 0 : n.outputCount() > 1;
        if (x.shape().rank() < 2) {
            throw n.fail("the input must be (N, C, …), got shape " + x.shape());
        }
        if (training) {
            n.unavailable(1, "the running mean BatchNormalization updates in training mode is not computed");
            n.unavailable(2, "the running variance BatchNormalization updates in training mode is not computed");
            n.out(n.emit("batch_norm", Attrs.of("eps", eps), x, scale, bias));
            return;
        }
        int rank = x.shape().rank();
        Value mean = Emit.channels(n, n.in(3), rank);
        Value var = Emit.channels(n, n.in(4), rank);
        Value std = n.emit("sqrt", n.emit("add", var, Emit.scalar(eps)));
        Value y = n.emit("div", n.emit("sub", x, mean), std);
        y = n.emit("mul", y, Emit.channels(n, scale, rank));
        n.out(n.emit("add", y, Emit.channels(n, bias, rank)));
    }

    private static void layerNorm(NodeContext n) {
        Value x = n.in(0);
        Value scale = n.in(1);
        Value bias = n.optional(2);
        int rank = x.shape().rank();
        int axis = n.axis(n.attrInt("axis", -1), rank, "axis");
        double eps = n.attrFloat("epsilon", 1e-5);
        n.unavailable(1, "the Mean output of LayerNormalization is not computed");
        n.unavailable(2, "the InvStdDev output of LayerNormalization is not computed");
        int[] normalized = Arrays.copyOfRange(x.shape().dims(), axis, rank);
        boolean exact = Arrays.equals(scale.shape().dims(), normalized)
                && (bias == null || Arrays.equals(bias.shape().dims(), normalized));
        Attrs a = Attrs.of("normalized_shape", normalized, "eps", eps);
        if (exact) {
            n.out(bias == null ? n.emit("layer_norm", a, x, scale) : n.emit("layer_norm", a, x, scale, bias));
            return;
        }
        Value y = n.emit("mul", n.emit("layer_norm", a, x), scale);
        n.out(bias == null ? y : n.emit("add", y, bias));
    }

    private static void instanceNorm(NodeContext n) {
        Value x = n.in(0);
        if (x.shape().rank() < 3) {
            throw n.fail("the input must be (N, C, spatial…), got shape " + x.shape());
        }
        n.out(n.emit("instance_norm", Attrs.of("eps", n.attrFloat("epsilon", 1e-5)), x, n.in(1), n.in(2)));
    }
}

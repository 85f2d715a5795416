package dev.gradcheck.model.onnx;

import static dev.gradcheck.model.onnx.OnnxOp.of;

import dev.gradcheck.engine.Attrs;
import java.util.List;

/**
 * Reductions over axes (an attribute before opset 18, an input from 18 on; for ReduceSum from
 * 13 on), with keepdims and noop_with_empty_axes, and the two losses.
 */
final class ReduceConverters {
    private ReduceConverters() {
    }

    static List<OnnxOp> all() {
        return List.of(
                reduce("ReduceMean", "mean", 18, "mean"),
                reduce("ReduceSum", "sum", 13, "sum"),
                reduce("ReduceMax", "amax", 18, "amax (tied maxima share the gradient, as torch.amax)"),
                reduce("ReduceLogSumExp", "logsumexp", 18, "logsumexp"),
                composite("ReduceSumSquare", "mul sum", "sum of x·x", "mul"),
                composite("ReduceL1", "abs sum", "sum of abs(x)", "abs"),
                of("ReduceL2", "vector_norm", "axes keepdims noop_with_empty_axes", "vector_norm, the Euclidean "
                        + "norm (torch.norm, F.normalize; the gradient at a zero vector is 0, as PyTorch's) over the "
                        + "axes (all when none are given), keepdims → keepdim", ReduceConverters::l2).constants(1),
                of("SoftmaxCrossEntropyLoss", "cross_entropy log_softmax", "ignore_index reduction",
                        "cross_entropy(scores, labels, weights) with ignore_index and reduction; the log_prob output "
                                + "is log_softmax over dimension 1; class weights are buffers",
                        ReduceConverters::softmaxCrossEntropy).buffers(2),
                of("NegativeLogLikelihoodLoss", "nll_loss", "ignore_index reduction",
                        "nll_loss(input, target, weight) with ignore_index and reduction; class weights are buffers",
                        ReduceConverters::nll).buffers(2));
    }

    /** @param axesInputSince the opset from which the axes are an input instead of an attribute */
    private static OnnxOp reduce(String type, String op, int axesInputSince, String mapping) {
        return of(type, op, "axes keepdims noop_with_empty_axes", mapping + " over the axes (all when none are "
                + "given), keepdims → keepdim", n -> reduce(n, op, axesInputSince)).constants(1);
    }

    /**
     * A reduction written with engine ops: {@code before} applied to each entry ({@code mul} squares,
     * x·x), then summed over the axes. Axes are an input from opset 18.
     */
    private static OnnxOp composite(String type, String engineOps, String mapping, String before) {
        return of(type, engineOps, "axes keepdims noop_with_empty_axes", mapping + " over the axes (all when none"
                + " are given), keepdims → keepdim", n -> composite(n, before)).constants(1);
    }

    /**
     * ReduceL2 as the engine's vector_norm, not sqrt(sum(x·x)): at a zero vector the chain rule
     * through sqrt gives 0 · ∞ = NaN where PyTorch's norm_backward takes 0 (so a zero row of
     * F.normalize, dead or constant, adds nothing to the gradient, as in PyTorch).
     */
    private static void l2(NodeContext n) {
        Value x = n.in(0);
        int rank = x.shape().rank();
        long[] axes = axes(n, rank, 18);
        if (axes == null) {
            throw n.fail("noop_with_empty_axes with no axes is not supported here (give the axes)");
        }
        n.out(rank == 0 ? n.emit("vector_norm", x) : n.emit("vector_norm", Attrs.of("dim",
                Emit.axes(n, axes, rank, "axes"), "keepdim", n.attrInt("keepdims", 1) != 0), x));
    }

    private static void composite(NodeContext n, String before) {
        Value x = n.in(0);
        int rank = x.shape().rank();
        long[] axes = axes(n, rank, 18);
        if (axes == null) {
            throw n.fail("noop_with_empty_axes with no axes is not supported here (give the axes)");
        }
        Value v = "mul".equals(before) ? n.emit("mul", x, x) : n.emit(before, x);
        if (rank > 0) {
            v = n.emit("sum", Attrs.of("dim", Emit.axes(n, axes, rank, "axes"), "keepdim",
                    n.attrInt("keepdims", 1) != 0), v);
        }
        n.out(v);
    }

    private static void reduce(NodeContext n, String op, int axesInputSince) {
        Value x = n.in(0);
        int rank = x.shape().rank();
        long[] axes = axes(n, rank, axesInputSince);
        boolean keep = n.attrInt("keepdims", 1) != 0;
        if (axes == null) {
            n.out(x);
            return;
        }
        if (rank == 0) {
            n.out(x);
            return;
        }
        int[] dims = Emit.axes(n, axes, rank, "axes");
        n.out(n.emit(op, Attrs.of("dim", dims, "keepdim", keep), x));
    }

    /**
     * A reduction's axes: an attribute before opset {@code axesInputSince}, an input from it on;
     * every axis when none are given, or null when none are given and noop_with_empty_axes is set
     * (the input passes through).
     */
    static long[] axes(NodeContext n, int rank, int axesInputSince) {
        boolean input = n.opset() >= axesInputSince;
        if (input && n.hasAttr("axes")) {
            throw n.fail("from opset " + axesInputSince + " the axes are an input, not an attribute");
        }
        long[] axes = input ? (n.has(1) ? n.ints(1, "axes") : new long[0]) : n.attrInts("axes");
        if (axes != null && axes.length > 0) {
            return axes;
        }
        if (n.attrInt("noop_with_empty_axes", 0) != 0) {
            return null;
        }
        long[] all = new long[rank];
        for (int i = 0; i < rank; i++) {
            all[i] = i;
        }
        return all;
    }

    private static Attrs lossAttrs(NodeContext n) {
        String reduction = n.attrString("reduction", "mean");
        Attrs a = Attrs.of("reduction", reduction);
        if (n.hasAttr("ignore_index")) {
            a = a.with("ignore_index", n.toInt(n.attrInt("ignore_index", -100), "ignore_index"));
        }
        return a;
    }

    private static Value[] lossInputs(NodeContext n) {
        Value x = n.in(0);
        Value t = n.in(1);
        if (x.shape().rank() < 1) {
            throw n.fail("the input must be (N, C, …), got a scalar");
        }
        n.indexRange(t, x.shape().dim(x.shape().rank() == 1 ? 0 : 1));
        return n.has(2) ? new Value[] {x, t, n.in(2)} : new Value[] {x, t};
    }

    private static void softmaxCrossEntropy(NodeContext n) {
        Value[] in = lossInputs(n);
        n.out(n.emit("cross_entropy", lossAttrs(n), in));
        if (n.wants(1)) {
            n.out(1, n.emit("log_softmax", Attrs.of("dim", in[0].shape().rank() == 1 ? 0 : 1), in[0]));
        }
    }

    private static void nll(NodeContext n) {
        n.out(n.emit("nll_loss", lossAttrs(n), lossInputs(n)));
    }
}

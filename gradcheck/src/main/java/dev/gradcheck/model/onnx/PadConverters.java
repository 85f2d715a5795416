package dev.gradcheck.model.onnx;

import static dev.gradcheck.model.onnx.OnnxOp.of;

import dev.gradcheck.engine.Attrs;
import dev.gradcheck.engine.op.AttrSpec;
import dev.gradcheck.engine.op.OpRegistry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Pad, onto the engine's {@code pad} (PyTorch's {@code F.pad}): ONNX lists the begins of every
 * padded axis, then the ends; PyTorch lists (before, after) pairs from the last dimension
 * backwards. A negative amount crops, in both. Modes other than constant (reflect, edge, wrap:
 * PyTorch's reflect, replicate, circular) only where the engine's {@code pad} has them.
 */
final class PadConverters {
    private PadConverters() {
    }

    static List<OnnxOp> all() {
        return List.of(of("Pad", "pad", "mode", "pad (constant_value → value; reflect, edge and wrap as reflect, "
                + "replicate and circular where the engine's pad has those modes)", PadConverters::pad)
                .constants(1, 2, 3));
    }

    private static void pad(NodeContext n) {
        Value x = n.in(0);
        int rank = x.shape().rank();
        long[] pads = n.ints(1, "pads");
        int[] axes;
        if (n.has(3)) {
            axes = Emit.axes(n, n.ints(3, "axes"), rank, "axes");
        } else {
            axes = new int[rank];
            for (int i = 0; i < rank; i++) {
                axes[i] = i;
            }
        }
        if (pads.length != 2 * axes.length) {
            throw n.fail("pads must hold 2 values per padded axis (" + 2 * axes.length + "), got "
                    + Arrays.toString(pads));
        }
        int[] begin = new int[rank];
        int[] end = new int[rank];
        for (int i = 0; i < axes.length; i++) {
            begin[axes[i]] = n.toInt(pads[i], "pad");
            end[axes[i]] = n.toInt(pads[axes.length + i], "pad");
        }
        String mode = n.attrString("mode", "constant");
        if (mode.equals("constant")) {
            double value = n.has(2) ? n.scalar(2, "constant_value") : 0;
            n.out(constant(n, x, begin, end, value));
            return;
        }
        String torchMode = switch (mode) {
            case "reflect" -> "reflect";
            case "edge" -> "replicate";
            case "wrap" -> "circular";
            default -> throw n.fail("mode \"" + OnnxSource.abbreviate(mode) + "\" is not one of constant, reflect, "
                    + "edge, wrap");
        };
        AttrSpec modes = OpRegistry.contains("pad") ? OpRegistry.get("pad").attrs().get("mode") : null;
        if (modes == null || !modes.choices().contains(torchMode)) {
            throw n.fail("mode \"" + mode + "\" is not supported: the engine's pad has "
                    + (modes == null ? "no modes" : "mode " + String.join(", ", modes.choices()) + " only"));
        }
        n.out(n.emit("pad", Attrs.of("pad", torchOrder(begin, end), "mode", torchMode), x));
    }

    /**
     * {@code x} padded with {@code value}: {@code begin[d]} entries before and {@code end[d]}
     * after along each dimension d (a negative count removes entries).
     */
    static Value constant(NodeContext n, Value x, int[] begin, int[] end, double value) {
        if (Arrays.stream(begin).allMatch(v -> v == 0) && Arrays.stream(end).allMatch(v -> v == 0)) {
            return x;
        }
        return n.emit("pad", Attrs.of("pad", torchOrder(begin, end), "value", value), x);
    }

    /** F.pad's list: (before, after) from the last dimension backwards, as far as the first padded one. */
    private static int[] torchOrder(int[] begin, int[] end) {
        int first = begin.length;
        for (int d = 0; d < begin.length; d++) {
            if (begin[d] != 0 || end[d] != 0) {
                first = Math.min(first, d);
            }
        }
        List<Integer> list = new ArrayList<>();
        for (int d = begin.length - 1; d >= first; d--) {
            list.add(begin[d]);
            list.add(end[d]);
        }
        return list.stream().mapToInt(Integer::intValue).toArray();
    }
}

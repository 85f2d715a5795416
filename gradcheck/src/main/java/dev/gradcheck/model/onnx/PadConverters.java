package dev.gradcheck.model.onnx;

import static dev.gradcheck.model.onnx.OnnxOp.of;

import dev.gradcheck.engine.Attrs;
import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.op.AttrSpec;
import dev.gradcheck.engine.op.OpRegistry;
import dev.gradcheck.model.onnx.Value.Const;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Pad: the constant mode as concatenation with constant blocks (and narrowing for negative
 * pads), exactly what padding computes; the other modes through the engine's {@code pad}
 * (PyTorch's {@code F.pad}).
 */
final class PadConverters {
    private PadConverters() {
    }

    static List<OnnxOp> all() {
        return List.of(of("Pad", "cat narrow", "mode", "mode constant: cat with constant blocks (narrow for negative "
                + "pads); reflect, edge and wrap: the engine's pad with mode reflect, replicate, circular, where it has "
                + "them", PadConverters::pad).constants(1, 2, 3));
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
                    + (modes == null ? "no modes" : "mode " + String.join(", ", modes.choices()) + " only")
                    + " (mode constant is supported)");
        }
        // F.pad lists (left, right) pairs from the last dimension backwards, as far as the first padded one
        int first = rank;
        for (int d = 0; d < rank; d++) {
            if (begin[d] != 0 || end[d] != 0) {
                first = Math.min(first, d);
            }
        }
        List<Integer> list = new ArrayList<>();
        for (int d = rank - 1; d >= first; d--) {
            list.add(begin[d]);
            list.add(end[d]);
        }
        n.out(n.emit("pad", Attrs.of("pad", list.stream().mapToInt(Integer::intValue).toArray(), "mode", torchMode), x));
    }

    /**
     * {@code x} padded with {@code value}: {@code begin[d]} entries before and {@code end[d]}
     * after along each dimension d (a negative count removes entries).
     */
    static Value constant(NodeContext n, Value x, int[] begin, int[] end, double value) {
        Value y = x;
        for (int d = 0; d < begin.length; d++) {
            int size = y.shape().dim(d);
            int cutBegin = Math.max(0, -begin[d]);
            int cutEnd = Math.max(0, -end[d]);
            if (cutBegin + cutEnd > size) {
                throw n.fail("negative pads " + -begin[d] + " and " + -end[d] + " remove more than the " + size
                        + " entries of dimension " + d);
            }
            if (cutBegin + cutEnd > 0) {
                y = n.emit("narrow", Attrs.of("dim", d, "start", cutBegin, "length", size - cutBegin - cutEnd), y);
            }
            List<Value> parts = new ArrayList<>();
            if (begin[d] > 0) {
                parts.add(block(y.shape(), d, begin[d], value, y.type()));
            }
            parts.add(y);
            if (end[d] > 0) {
                parts.add(block(y.shape(), d, end[d], value, y.type()));
            }
            if (parts.size() > 1) {
                y = n.emit("cat", Attrs.of("dim", d), parts.toArray(Value[]::new));
            }
        }
        return y;
    }

    private static Const block(Shape like, int dim, int size, double value, OnnxType type) {
        Shape s = like.with(dim, size);
        if (type.isInt()) {
            long[] v = new long[s.size()];
            Arrays.fill(v, (long) value);
            return Const.ofInts(type, s, v);
        }
        double[] v = new double[s.size()];
        Arrays.fill(v, value);
        return Const.ofFloats(type, s, v);
    }
}

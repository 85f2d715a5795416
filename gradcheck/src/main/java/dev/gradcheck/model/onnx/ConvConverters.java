package dev.gradcheck.model.onnx;

import static dev.gradcheck.model.onnx.OnnxOp.of;

import dev.gradcheck.engine.Attrs;
import dev.gradcheck.engine.Shape;
import java.util.Arrays;
import java.util.List;

/**
 * Convolutions and pooling over one or two spatial dimensions, onto the engine's 1-d and 2-d ops
 * of PyTorch's names ({@code conv1d}, {@code conv2d}, {@code conv_transpose1d}, …). ONNX's pads
 * list the begins then the ends; PyTorch's padding is symmetric, so a convolution with uneven
 * pads pads its input with zeros first ({@code pad}), and a pooling with uneven pads is refused.
 */
final class ConvConverters {
    private ConvConverters() {
    }

    private static final String WINDOW = "auto_pad dilations kernel_shape pads strides";

    static List<OnnxOp> all() {
        return List.of(
                of("Conv", "conv1d conv2d pad", WINDOW + " group", "conv1d or conv2d (uneven pads: pad with zeros "
                        + "first)", ConvConverters::conv),
                of("ConvTranspose", "conv_transpose1d conv_transpose2d", WINDOW + " group output_padding output_shape",
                        "conv_transpose1d or conv_transpose2d (even pads only; no output_shape)",
                        ConvConverters::convTranspose),
                of("MaxPool", "max_pool1d max_pool2d", WINDOW + " ceil_mode storage_order", "max_pool1d or max_pool2d "
                        + "(stride defaults to 1 as in ONNX; no Indices output)", ConvConverters::maxPool),
                of("AveragePool", "avg_pool1d avg_pool2d", WINDOW + " ceil_mode count_include_pad",
                        "avg_pool1d or avg_pool2d (count_include_pad as given, ONNX's default 0)",
                        ConvConverters::avgPool),
                of("GlobalAveragePool", "mean", "", "mean over the spatial dimensions, keepdim",
                        ConvConverters::globalAveragePool));
    }

    /** Kernel, strides, dilations and pads per spatial dimension, after auto_pad. */
    private record Window(int[] kernel, int[] strides, int[] dilations, int[] begin, int[] end) {
        boolean even() {
            return Arrays.equals(begin, end);
        }
    }

    /** The engine op for 1 or 2 spatial dimensions: {@code conv} → {@code conv1d} or {@code conv2d}. */
    private static String op(String base, Value x) {
        return base + (x.shape().rank() == 3 ? "1d" : "2d");
    }

    private static Window window(NodeContext n, Shape x, int[] kernelFromWeight, boolean transposed) {
        int spatial = x.rank() - 2;
        if (spatial < 1 || spatial > 2) {
            throw n.fail("only 1-d and 2-d windows are supported, got an input of shape " + x);
        }
        long[] ks = n.attrInts("kernel_shape");
        int[] kernel = ks != null ? n.toInts(ks, "kernel_shape") : kernelFromWeight;
        if (kernel == null || kernel.length != spatial) {
            throw n.fail("kernel_shape " + (ks == null ? "is missing" : Arrays.toString(ks) + " does not fit")
                    + " for an input of shape " + x);
        }
        int[] strides = ints(n, "strides", spatial, 1);
        int[] dilations = ints(n, "dilations", spatial, 1);
        int[] begin = new int[spatial];
        int[] end = new int[spatial];
        String autoPad = n.attrString("auto_pad", "NOTSET");
        switch (autoPad) {
            case "NOTSET" -> {
                int[] pads = ints(n, "pads", 2 * spatial, 0);
                System.arraycopy(pads, 0, begin, 0, spatial);
                System.arraycopy(pads, spatial, end, 0, spatial);
            }
            case "VALID" -> {
                // no padding
            }
            case "SAME_UPPER", "SAME_LOWER" -> {
                if (transposed) {
                    throw n.fail("auto_pad " + autoPad + " is not supported for ConvTranspose; give pads");
                }
                for (int i = 0; i < spatial; i++) {
                    int in = x.dim(2 + i);
                    int out = (in + strides[i] - 1) / strides[i];
                    int total = Math.max(0, (out - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1 - in);
                    int small = total / 2;
                    begin[i] = autoPad.equals("SAME_UPPER") ? small : total - small;
                    end[i] = total - begin[i];
                }
            }
            default -> throw n.fail("auto_pad \"" + OnnxSource.abbreviate(autoPad) + "\" is not one of NOTSET, "
                    + "SAME_UPPER, SAME_LOWER, VALID");
        }
        for (int i = 0; i < spatial; i++) {
            if (kernel[i] < 1 || strides[i] < 1 || dilations[i] < 1 || begin[i] < 0 || end[i] < 0) {
                throw n.fail("kernel " + Arrays.toString(kernel) + ", strides " + Arrays.toString(strides)
                        + ", dilations " + Arrays.toString(dilations) + " and pads must be positive (pads >= 0)");
            }
        }
        return new Window(kernel, strides, dilations, begin, end);
    }

    private static int[] ints(NodeContext n, String name, int count, int dflt) {
        long[] v = n.attrInts(name);
        if (v == null) {
            int[] out = new int[count];
            Arrays.fill(out, dflt);
            return out;
        }
        if (v.length != count) {
            throw n.fail("attribute '" + name + "' must have " + count + " values, got " + Arrays.toString(v));
        }
        return n.toInts(v, name);
    }

    private static int group(NodeContext n) {
        long g = n.attrInt("group", 1);
        if (g < 1) {
            throw n.fail("group must be at least 1, got " + g);
        }
        return n.toInt(g, "group");
    }

    private static void conv(NodeContext n) {
        Value x = n.in(0);
        Value w = n.in(1);
        Value b = n.optional(2);
        int[] kernel = w.shape().rank() >= 3 ? Arrays.copyOfRange(w.shape().dims(), 2, w.shape().rank()) : null;
        Window win = window(n, x.shape(), kernel, false);
        if (!win.even()) {
            x = PadConverters.constant(n, x, spatialPads(win.begin(), x.shape().rank()),
                    spatialPads(win.end(), x.shape().rank()), 0);
            win = new Window(win.kernel(), win.strides(), win.dilations(), new int[win.kernel().length],
                    new int[win.kernel().length]);
        }
        Attrs a = Attrs.of("stride", win.strides(), "padding", win.begin(), "dilation", win.dilations(),
                "groups", group(n));
        n.out(n.emit(op("conv", x), a, b == null ? new Value[] {x, w} : new Value[] {x, w, b}));
    }

    private static void convTranspose(NodeContext n) {
        if (n.hasAttr("output_shape")) {
            throw n.fail("output_shape is not supported; export with explicit pads and output_padding");
        }
        Value x = n.in(0);
        Value w = n.in(1);
        Value b = n.optional(2);
        int[] kernel = w.shape().rank() >= 3 ? Arrays.copyOfRange(w.shape().dims(), 2, w.shape().rank()) : null;
        Window win = window(n, x.shape(), kernel, true);
        if (!win.even()) {
            throw n.fail("uneven pads " + Arrays.toString(win.begin()) + " / " + Arrays.toString(win.end())
                    + " are not supported (PyTorch's conv_transpose pads evenly)");
        }
        int[] outPad = ints(n, "output_padding", win.kernel().length, 0);
        Attrs a = Attrs.of("stride", win.strides(), "padding", win.begin(), "output_padding", outPad,
                "groups", group(n), "dilation", win.dilations());
        n.out(n.emit(op("conv_transpose", x), a, b == null ? new Value[] {x, w} : new Value[] {x, w, b}));
    }

    /** Pads for the spatial dimensions only, as per-dimension pads of the whole input. */
    private static int[] spatialPads(int[] spatial, int rank) {
        int[] all = new int[rank];
        System.arraycopy(spatial, 0, all, rank - spatial.length, spatial.length);
        return all;
    }

    private static Window poolWindow(NodeContext n, Value x) {
        Window win = window(n, x.shape(), null, false);
        if (!win.even()) {
            throw n.fail("uneven pads " + Arrays.toString(win.begin()) + " / " + Arrays.toString(win.end())
                    + " are not supported (PyTorch's pooling pads evenly)");
        }
        if (n.wants(1)) {
            n.unavailable(1, "the Indices output of MaxPool is not supported");
        }
        return win;
    }

    private static void maxPool(NodeContext n) {
        Value x = n.in(0);
        Window win = poolWindow(n, x);
        if (n.attrInt("storage_order", 0) != 0) {
            throw n.fail("storage_order 1 (column-major indices) is not supported");
        }
        Attrs a = Attrs.of("kernel_size", win.kernel(), "stride", win.strides(), "padding", win.begin(),
                "dilation", win.dilations(), "ceil_mode", n.attrInt("ceil_mode", 0) != 0);
        n.out(n.emit(op("max_pool", x), a, x));
    }

    private static void avgPool(NodeContext n) {
        Value x = n.in(0);
        Window win = poolWindow(n, x);
        for (int d : win.dilations()) {
            if (d != 1) {
                throw n.fail("dilations " + Arrays.toString(win.dilations()) + " are not supported (avg_pool2d has "
                        + "none)");
            }
        }
        Attrs a = Attrs.of("kernel_size", win.kernel(), "stride", win.strides(), "padding", win.begin(),
                "ceil_mode", n.attrInt("ceil_mode", 0) != 0, "count_include_pad", n.attrInt("count_include_pad", 0) != 0);
        n.out(n.emit(op("avg_pool", x), a, x));
    }

    private static void globalAveragePool(NodeContext n) {
        Value x = n.in(0);
        int rank = x.shape().rank();
        if (rank < 3) {
            throw n.fail("the input must be (N, C, spatial…), got shape " + x.shape());
        }
        int[] dims = new int[rank - 2];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = i + 2;
        }
        n.out(n.emit("mean", Attrs.of("dim", dims, "keepdim", true), x));
    }
}

package dev.gradcheck.engine.ops;

import dev.gradcheck.engine.Attrs;
import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.ShapeException;
import java.util.Arrays;

/**
 * The sliding-window geometry shared by conv2d, the 2-d pools and unfold/fold: kernel size,
 * stride, padding and dilation per spatial dimension, and the im2col/col2im loops over it.
 */
final class Window2d {
    final int kh;
    final int kw;
    final int sh;
    final int sw;
    final int ph;
    final int pw;
    final int dh;
    final int dw;
    /** Whether output sizes round up (the pools' ceil_mode): a last, partial window is kept. */
    final boolean ceil;

    Window2d(int[] kernel, int[] stride, int[] padding, int[] dilation) {
        this(kernel, stride, padding, dilation, false);
    }

    Window2d(int[] kernel, int[] stride, int[] padding, int[] dilation, boolean ceil) {
        kh = kernel[0];
        kw = kernel[1];
        sh = stride[0];
        sw = stride[1];
        ph = padding[0];
        pw = padding[1];
        dh = dilation[0];
        dw = dilation[1];
        this.ceil = ceil;
    }

    /**
     * The window of attributes {@code kernel_size}, {@code stride}, {@code padding},
     * {@code dilation} (each an int pair; a missing or None stride means the kernel size, a missing
     * dilation 1) and {@code ceil_mode} (false when absent), checked for sign.
     */
    static Window2d of(String op, Attrs a, int[] kernel) {
        int[] stride = a.get("stride") == null ? kernel : a.getInts("stride");
        int[] padding = a.get("padding") == null ? new int[] {0, 0} : a.getInts("padding");
        int[] dilation = a.get("dilation") == null ? new int[] {1, 1} : a.getInts("dilation");
        positive(op, "kernel_size", kernel);
        positive(op, "stride", stride);
        positive(op, "dilation", dilation);
        if (padding[0] < 0 || padding[1] < 0) {
            throw new ShapeException(op + ": padding must be non-negative, got " + Arrays.toString(padding));
        }
        boolean ceil = a.get("ceil_mode") != null && a.getBool("ceil_mode");
        return new Window2d(kernel, stride, padding, dilation, ceil);
    }

    /** The window with the op's own {@code kernel_size} attribute. */
    static Window2d of(String op, Attrs a) {
        return of(op, a, a.getInts("kernel_size"));
    }

    private static void positive(String op, String name, int[] v) {
        if (v[0] <= 0 || v[1] <= 0) {
            throw new ShapeException(op + ": " + name + " must be positive, got " + Arrays.toString(v));
        }
    }

    /** Kernel positions per window (the shape rules have checked that it fits an int). */
    int area() {
        return kh * kw;
    }

    /** Output rows for {@code h} input rows, or a value below 1 when the input is too small. */
    int outH(int h) {
        return (int) outSize(h, kh, sh, ph, dh);
    }

    /** Output columns for {@code w} input columns. */
    int outW(int w) {
        return (int) outSize(w, kw, sw, pw, dw);
    }

    /**
     * PyTorch's pooling_output_shape: floor, or ceil with the last window starting inside input or
     * left padding; in long, where no int attribute can overflow it.
     */
    private long outSize(long in, long k, long s, long p, long d) {
        long span = in + 2 * p - d * (k - 1) - 1;
        long o = Math.floorDiv(ceil ? span + s - 1 : span, s) + 1;
        if (ceil && (o - 1) * s >= in + p) {
            o--;
        }
        return o;
    }

    /**
     * The output's spatial size for an {@code h} x {@code w} input.
     *
     * @throws ShapeException naming the op and {@code shapes} when no window fits, or when the
     *         padded input, the output or the kernel's positions would not fit 32-bit arithmetic
     */
    int[] outSize(String op, int h, int w, String shapes) {
        long oh = outSize(h, kh, sh, ph, dh);
        long ow = outSize(w, kw, sw, pw, dw);
        if ((long) h + 2L * ph > Integer.MAX_VALUE || (long) w + 2L * pw > Integer.MAX_VALUE
                || oh > Integer.MAX_VALUE || ow > Integer.MAX_VALUE || (long) kh * kw > Integer.MAX_VALUE) {
            throw new ShapeException(op + ": " + shapes + ": the input's spatial size [" + h + ", " + w
                    + "] with padding " + Arrays.toString(new int[] {ph, pw}) + ", kernel "
                    + Arrays.toString(new int[] {kh, kw}) + ", stride " + Arrays.toString(new int[] {sh, sw})
                    + " and dilation " + Arrays.toString(new int[] {dh, dw}) + " gives sizes beyond 2^31 - 1");
        }
        if (oh < 1 || ow < 1) {
            throw new ShapeException(op + ": " + shapes + ": the input's spatial size [" + h + ", " + w
                    + "] padded by " + Arrays.toString(new int[] {ph, pw}) + " is smaller than the kernel "
                    + Arrays.toString(new int[] {kh, kw}) + " with dilation " + Arrays.toString(new int[] {dh, dw})
                    + " (output size would be [" + oh + ", " + ow + "])");
        }
        return new int[] {(int) oh, (int) ow};
    }

    /** The attributes of unfold/fold for this window ({@code ceil_mode} only when set). */
    Attrs attrs() {
        Attrs a = Attrs.of("kernel_size", new int[] {kh, kw}, "dilation", new int[] {dh, dw},
                "padding", new int[] {ph, pw}, "stride", new int[] {sh, sw});
        return ceil ? a.with("ceil_mode", true) : a;
    }

    /**
     * im2col for one image: {@code x[xOff ..]} of shape (c, h, w) into {@code cols[cOff ..]} of shape
     * (c * kh * kw, oh * ow), zeros where a window reaches into the padding.
     */
    void im2col(double[] x, int xOff, int c, int h, int w, double[] cols, int cOff) {
        int oh = outH(h);
        int ow = outW(w);
        int l = oh * ow;
        for (int ch = 0; ch < c; ch++) {
            for (int i = 0; i < kh; i++) {
                for (int j = 0; j < kw; j++) {
                    int row = cOff + ((ch * kh + i) * kw + j) * l;
                    for (int oy = 0; oy < oh; oy++) {
                        int y = oy * sh - ph + i * dh;
                        for (int ox = 0; ox < ow; ox++) {
                            int xx = ox * sw - pw + j * dw;
                            cols[row + oy * ow + ox] = y < 0 || y >= h || xx < 0 || xx >= w
                                    ? 0 : x[xOff + (ch * h + y) * w + xx];
                        }
                    }
                }
            }
        }
    }

    /** col2im for one image: the adjoint of {@link #im2col}, adding columns back into (c, h, w). */
    void col2im(double[] cols, int cOff, int c, int h, int w, double[] x, int xOff) {
        int oh = outH(h);
        int ow = outW(w);
        int l = oh * ow;
        for (int ch = 0; ch < c; ch++) {
            for (int i = 0; i < kh; i++) {
                for (int j = 0; j < kw; j++) {
                    int row = cOff + ((ch * kh + i) * kw + j) * l;
                    for (int oy = 0; oy < oh; oy++) {
                        int y = oy * sh - ph + i * dh;
                        if (y < 0 || y >= h) {
                            continue;
                        }
                        for (int ox = 0; ox < ow; ox++) {
                            int xx = ox * sw - pw + j * dw;
                            if (xx >= 0 && xx < w) {
                                x[xOff + (ch * h + y) * w + xx] += cols[row + oy * ow + ox];
                            }
                        }
                    }
                }
            }
        }
    }

    /** Input (N, C, H, W) or (C, H, W) as {N, C, H, W} (N = 1 for 3-d), or an error naming the op. */
    static int[] nchw(String op, Shape x, String shapes) {
        if (x.rank() == 4) {
            return x.dims();
        }
        if (x.rank() == 3) {
            return new int[] {1, x.dim(0), x.dim(1), x.dim(2)};
        }
        throw new ShapeException(op + ": " + shapes + ": expected a 3-D (C, H, W) or 4-D (N, C, H, W) input, got "
                + x.rank() + "-D input " + x);
    }
}

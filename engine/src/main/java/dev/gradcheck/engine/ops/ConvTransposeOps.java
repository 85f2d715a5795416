package dev.gradcheck.engine.ops;

import static dev.gradcheck.engine.op.AttrSpec.optional;

import dev.gradcheck.engine.Attrs;
import dev.gradcheck.engine.Ops;
import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.ShapeException;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.op.AttrSpec;
import dev.gradcheck.engine.op.AttrSpec.Type;
import dev.gradcheck.engine.op.BackwardContext;
import dev.gradcheck.engine.op.Domain;
import dev.gradcheck.engine.op.ForwardArgs;
import dev.gradcheck.engine.op.ForwardRules;
import dev.gradcheck.engine.op.InputSpec;
import dev.gradcheck.engine.op.OpDef;
import dev.gradcheck.engine.op.Sample;
import dev.gradcheck.engine.op.Samplers;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * conv_transpose1d and conv_transpose2d, as torch.nn.functional's: each input entry adds
 * weight-scaled copies of the kernel into the output (the adjoint of conv in its input). The
 * forward is that scatter, written as plain loops (1-d as 2-d of height 1). The backward reads the
 * output gradient through the same windows (unfold): the input's gradient is the convolution of
 * the output gradient with the weight, the weight's is the input times those windows, so it
 * differentiates to any order.
 */
final class ConvTransposeOps {
    private ConvTransposeOps() {
    }

    static final OpDef CONV_TRANSPOSE1D = OpDef.builder("conv_transpose1d")
            .summary("1-d transposed convolution of input (N, C_in, L) or (C_in, L) with weight (C_in, C_out/groups, K), "
                    + "plus an optional bias (C_out); output length (L-1)*stride - 2*padding + dilation*(K-1) "
                    + "+ output_padding + 1")
            .inputs(InputSpec.real("input"), InputSpec.real("weight"), InputSpec.optionalReal("bias"))
            .attrs(attrs(Type.INTS))
            .shape((op, in, a) -> new Geometry(op, in, a, 1).outShape())
            .forward(a -> new Geometry("conv_transpose1d", a.shapes(), a.attrs(), 1).forward(a))
            .backward(c -> new Geometry("conv_transpose1d", shapes(c), c.attrs(), 1).backward(c))
            .twiceDifferentiable()
            .forwardRule(ForwardRules.MULTILINEAR_WITH_BIAS)
            .samples((rng, m) -> sample(rng, m, 1))
            .build();

    static final OpDef CONV_TRANSPOSE2D = OpDef.builder("conv_transpose2d")
            .summary("2-d transposed convolution of input (N, C_in, H, W) or (C_in, H, W) with weight "
                    + "(C_in, C_out/groups, kH, kW), plus an optional bias (C_out); each output size "
                    + "(in-1)*stride - 2*padding + dilation*(k-1) + output_padding + 1")
            .inputs(InputSpec.real("input"), InputSpec.real("weight"), InputSpec.optionalReal("bias"))
            .attrs(attrs(Type.INT_PAIR))
            .shape((op, in, a) -> new Geometry(op, in, a, 2).outShape())
            .forward(a -> new Geometry("conv_transpose2d", a.shapes(), a.attrs(), 2).forward(a))
            .backward(c -> new Geometry("conv_transpose2d", shapes(c), c.attrs(), 2).backward(c))
            .twiceDifferentiable()
            .forwardRule(ForwardRules.MULTILINEAR_WITH_BIAS)
            .samples((rng, m) -> sample(rng, m, 2))
            .build();

    /** PyTorch's attributes, in its order: stride, padding, output_padding, groups, dilation. */
    private static AttrSpec[] attrs(Type perDim) {
        return new AttrSpec[] {optional("stride", perDim, 1), optional("padding", perDim, 0),
            optional("output_padding", perDim, 0), optional("groups", Type.INT, 1), optional("dilation", perDim, 1)};
    }

    private static Shape[] shapes(BackwardContext c) {
        Shape[] s = new Shape[c.count()];
        for (int i = 0; i < s.length; i++) {
            s[i] = c.input(i).shape();
        }
        return s;
    }

    /**
     * What the shape rule, forward and backward agree on, checked as PyTorch checks it. A 1-d op is
     * held as 2-d with height 1 (kernel, stride and dilation 1, no padding in that dimension).
     */
    private static final class Geometry {
        final int spatial;
        final boolean batched;
        final int n;
        final int cin;
        final int h;
        final int w;
        final int cout;
        final int groups;
        final Window2d win;
        final int oh;
        final int ow;

        Geometry(String op, Shape[] in, Attrs a, int spatial) {
            this.spatial = spatial;
            Shape x = in[0];
            Shape wt = in[1];
            String shapes = "input " + x + ", weight " + wt + (in.length > 2 ? ", bias " + in[2] : "");
            String layout = spatial == 1 ? "(C_in, L) or 3-D (N, C_in, L)" : "(C_in, H, W) or 4-D (N, C_in, H, W)";
            if (x.rank() != spatial + 1 && x.rank() != spatial + 2) {
                throw new ShapeException(op + ": " + shapes + ": expected a " + (spatial + 1) + "-D " + layout
                        + " input, got " + x.rank() + "-D");
            }
            if (wt.rank() != spatial + 2) {
                throw new ShapeException(op + ": " + shapes + ": weight must be " + (spatial + 2) + "-D (in_channels, "
                        + "out_channels/groups, " + (spatial == 1 ? "K" : "kH, kW") + "), got " + wt.rank() + "-D");
            }
            batched = x.rank() == spatial + 2;
            n = batched ? x.dim(0) : 1;
            cin = x.dim(batched ? 1 : 0);
            h = spatial == 1 ? 1 : x.dim(-2);
            w = x.dim(-1);
            groups = a.getInt("groups");
            if (groups <= 0) {
                throw new ShapeException(op + ": groups must be positive, got " + groups);
            }
            if (wt.dim(0) != cin) {
                throw new ShapeException(op + ": " + shapes + ": input has " + cin + " channels, but the weight's "
                        + "dimension 0 (in_channels) is " + wt.dim(0));
            }
            if (cin % groups != 0) {
                throw new ShapeException(op + ": " + shapes + ": in_channels " + cin + " is not divisible by groups "
                        + groups);
            }
            long out = (long) wt.dim(1) * groups;
            if (out > Integer.MAX_VALUE) {
                throw new ShapeException(op + ": " + shapes + ": out_channels " + out + " is too large");
            }
            cout = (int) out;
            if (in.length > 2 && !in[2].equals(Shape.of(cout))) {
                throw new ShapeException(op + ": " + shapes + ": bias must have shape [" + cout + "] (out_channels = "
                        + "weight's dimension 1 * groups)");
            }
            int[] kernel = spatial == 1 ? new int[] {1, wt.dim(2)} : new int[] {wt.dim(2), wt.dim(3)};
            int[] stride = pair(op, a, "stride", 1);
            int[] padding = pair(op, a, "padding", 0);
            int[] dilation = pair(op, a, "dilation", 1);
            int[] outputPadding = pair(op, a, "output_padding", 0);
            for (int d = 0; d < 2; d++) {
                if (stride[d] <= 0 || dilation[d] <= 0) {
                    throw new ShapeException(op + ": stride and dilation must be positive, got stride "
                            + Arrays.toString(last(stride)) + " and dilation " + Arrays.toString(last(dilation)));
                }
                if (padding[d] < 0 || outputPadding[d] < 0) {
                    throw new ShapeException(op + ": padding and output_padding must be non-negative, got padding "
                            + Arrays.toString(last(padding)) + " and output_padding " + Arrays.toString(last(outputPadding)));
                }
                if (outputPadding[d] >= stride[d] && outputPadding[d] >= dilation[d]) {
                    throw new ShapeException(op + ": output_padding must be smaller than either stride or dilation, "
                            + "got output_padding " + Arrays.toString(last(outputPadding)) + ", stride "
                            + Arrays.toString(last(stride)) + ", dilation " + Arrays.toString(last(dilation)));
                }
            }
            win = new Window2d(kernel, stride, padding, dilation);
            long outH = outSize(h, kernel[0], stride[0], padding[0], dilation[0], outputPadding[0]);
            long outW = outSize(w, kernel[1], stride[1], padding[1], dilation[1], outputPadding[1]);
            if (outH < 1 || outW < 1 || outH > Integer.MAX_VALUE || outW > Integer.MAX_VALUE) {
                long[] o = spatial == 1 ? new long[] {outW} : new long[] {outH, outW};
                throw new ShapeException(op + ": " + shapes + ": the output size would be " + Arrays.toString(o)
                        + (outH < 1 || outW < 1 ? ", too small" : ", too large"));
            }
            oh = (int) outH;
            ow = (int) outW;
        }

        /** (in - 1) * stride - 2 * padding + dilation * (k - 1) + output_padding + 1, in long. */
        private static long outSize(long in, long k, long s, long p, long d, long op) {
            return Math.addExact(Math.multiplyExact(in - 1, s) - 2 * p + Math.multiplyExact(d, k - 1), op + 1);
        }

        /** The attribute as a (height, width) pair; a 1-d op's value goes to the width, the height gets {@code flat}. */
        private int[] pair(String op, Attrs a, String name, int flat) {
            return spatial == 1 ? new int[] {flat, Conv1dOps.single(op, a, name)} : a.getInts(name);
        }

        /** The values the user gave: the width's alone for a 1-d op. */
        private int[] last(int[] v) {
            return spatial == 1 ? new int[] {v[1]} : v;
        }

        Shape outShape() {
            int[] spatialDims = spatial == 1 ? new int[] {ow} : new int[] {oh, ow};
            int[] d = new int[(batched ? 2 : 1) + spatial];
            int k = 0;
            if (batched) {
                d[k++] = n;
            }
            d[k++] = cout;
            System.arraycopy(spatialDims, 0, d, k, spatial);
            return Shape.of(d);
        }

        /**
         * out[n][g*Og + co][y*sh - ph + i*dh][x*sw - pw + j*dw] += input[n][ci][y][x] * weight[ci][co][i][j]
         * for every input channel ci of group g, then the bias of each output channel.
         */
        double[] forward(ForwardArgs a) {
            double[] x = a.in(0);
            double[] wt = a.in(1);
            double[] bias = a.count() > 2 ? a.in(2) : null;
            int cg = cin / groups;
            int og = cout / groups;
            double[] out = new double[n * cout * oh * ow];
            for (int b = 0; b < n; b++) {
                for (int ci = 0; ci < cin; ci++) {
                    int g = ci / cg;
                    for (int y = 0; y < h; y++) {
                        for (int xx = 0; xx < w; xx++) {
                            double v = x[((b * cin + ci) * h + y) * w + xx];
                            for (int co = 0; co < og; co++) {
                                int plane = (b * cout + g * og + co) * oh;
                                for (int i = 0; i < win.kh; i++) {
                                    long oy = (long) y * win.sh - win.ph + (long) i * win.dh;
                                    if (oy < 0 || oy >= oh) {
                                        continue;
                                    }
                                    for (int j = 0; j < win.kw; j++) {
                                        long ox = (long) xx * win.sw - win.pw + (long) j * win.dw;
                                        if (ox >= 0 && ox < ow) {
                                            out[(plane + (int) oy) * ow + (int) ox] += v * wt[((ci * og + co) * win.kh + i) * win.kw + j];
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            if (bias != null) {
                for (int b = 0; b < n; b++) {
                    for (int co = 0; co < cout; co++) {
                        int base = (b * cout + co) * oh * ow;
                        for (int p = 0; p < oh * ow; p++) {
                            out[base + p] += bias[co];
                        }
                    }
                }
            }
            return out;
        }

        /**
         * With cols the windows of the output gradient (unfold: (N, G, Og*K, L') for L' >= H*W window
         * positions, narrowed to the H x W an input entry scatters from), input as (N, G, Cg, H*W) and
         * weight as (G, Cg, Og*K): dinput = weight cols, dweight = sum over n of input cols^T, dbias =
         * the gradient summed over all but the channels.
         */
        Tensor[] backward(BackwardContext c) {
            int cg = cin / groups;
            int og = cout / groups;
            int k = win.area();
            Tensor g4 = c.grad().reshape(n, cout, oh, ow);
            Tensor cols = Ops.apply("unfold", win.attrs(), g4);
            int rowsOut = win.outH(oh);
            int colsOut = win.outW(ow);
            cols = cols.reshape(n, cout * k, rowsOut, colsOut).narrow(2, 0, h).narrow(3, 0, w)
                    .reshape(n, groups, og * k, h * w);
            Tensor gx = null;
            Tensor gw = null;
            Tensor gb = null;
            if (c.needs(0)) {
                Tensor wm = c.input(1).reshape(groups, cg, og * k);
                gx = wm.matmul(cols).reshape(c.input(0).shape().dims());
            }
            if (c.needs(1)) {
                Tensor xm = c.input(0).reshape(n, groups, cg, h * w);
                gw = xm.matmul(cols.transpose(-1, -2)).sum(0, false).reshape(c.input(1).shape().dims());
            }
            if (c.count() > 2 && c.needs(2)) {
                gb = c.grad().reshape(n, cout, oh * ow).sum(new int[] {0, 2}, false);
            }
            return Arrays.copyOf(new Tensor[] {gx, gw, gb}, c.count());
        }
    }

    /**
     * Groups 1..2 of 1..2 input and output channels, kernels 1..3, stride and dilation 1..2,
     * padding that keeps the output non-empty, output_padding below stride or dilation, the
     * attributes given as ints or lists, unbatched one time in four.
     */
    private static Sample sample(RandomGenerator rng, double m, int spatial) {
        int groups = 1 + rng.nextInt(2);
        int cg = 1 + rng.nextInt(2);
        int og = 1 + rng.nextInt(2);
        int[] kernel = new int[spatial];
        int[] stride = new int[spatial];
        int[] dilation = new int[spatial];
        int[] padding = new int[spatial];
        int[] outputPadding = new int[spatial];
        int[] size = new int[spatial];
        for (int d = 0; d < spatial; d++) {
            kernel[d] = 1 + rng.nextInt(3);
            stride[d] = 1 + rng.nextInt(2);
            dilation[d] = 1 + rng.nextInt(2);
            padding[d] = rng.nextInt(dilation[d] * (kernel[d] - 1) / 2 + 1);
            outputPadding[d] = rng.nextInt(Math.max(stride[d], dilation[d]));
            size[d] = 1 + rng.nextInt(3);
        }
        int[] x = new int[spatial + 2];
        x[0] = 1 + rng.nextInt(2);
        x[1] = groups * cg;
        System.arraycopy(size, 0, x, 2, spatial);
        Shape xs = rng.nextInt(4) == 0 ? Shape.of(Arrays.copyOfRange(x, 1, x.length)) : Shape.of(x);
        int[] wt = new int[spatial + 2];
        wt[0] = groups * cg;
        wt[1] = og;
        System.arraycopy(kernel, 0, wt, 2, spatial);
        Attrs a = Attrs.of("stride", perDim(rng, stride), "padding", perDim(rng, padding),
                "output_padding", perDim(rng, outputPadding), "groups", groups, "dilation", perDim(rng, dilation));
        Tensor input = Samplers.tensor(rng, xs, Domain.REAL, m);
        Tensor weight = Samplers.tensor(rng, Shape.of(wt), Domain.REAL, 1);
        return new Sample(rng.nextBoolean() ? new Tensor[] {input, weight}
                : new Tensor[] {input, weight, Samplers.tensor(rng, Shape.of(groups * og), Domain.REAL, m)}, a);
    }

    /** A per-dimension attribute as PyTorch takes it: an int when the values agree (half the time), else a list. */
    private static Object perDim(RandomGenerator rng, int[] v) {
        boolean same = Arrays.stream(v).allMatch(e -> e == v[0]);
        return same && rng.nextBoolean() ? (Object) v[0] : v;
    }

    static List<OpDef> all() {
        return List.of(CONV_TRANSPOSE1D, CONV_TRANSPOSE2D);
    }
}

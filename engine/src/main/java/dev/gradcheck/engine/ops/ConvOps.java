package dev.gradcheck.engine.ops;

import static dev.gradcheck.engine.op.AttrSpec.optional;
import static dev.gradcheck.engine.op.AttrSpec.required;

import dev.gradcheck.engine.Attrs;
import dev.gradcheck.engine.Ops;
import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.ShapeException;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.op.AttrSpec;
import dev.gradcheck.engine.op.AttrSpec.Type;
import dev.gradcheck.engine.op.Domain;
import dev.gradcheck.engine.op.ForwardRules;
import dev.gradcheck.engine.op.InputSpec;
import dev.gradcheck.engine.op.OpDef;
import dev.gradcheck.engine.op.Sample;
import dev.gradcheck.engine.op.Samplers;
import java.util.Arrays;

/**
 * conv2d, and the internal pair unfold/fold (im2col/col2im, as torch.nn.functional.unfold/fold)
 * that express its backward: each is the other's adjoint, and conv2d's backward is fold, matmul,
 * reshape and sum, so conv2d is differentiable to any order.
 */
final class ConvOps {
    private ConvOps() {
    }

    /** Not in F.unfold/F.fold: lets the pools' ceil_mode windows be folded back (internal ops only). */
    private static final AttrSpec CEIL_MODE = optional("ceil_mode", Type.BOOL, false);

    private static AttrSpec[] windowAttrs() {
        return new AttrSpec[] {required("kernel_size", Type.INT_PAIR), optional("dilation", Type.INT_PAIR, 1),
            optional("padding", Type.INT_PAIR, 0), optional("stride", Type.INT_PAIR, 1), CEIL_MODE};
    }

    static final OpDef UNFOLD = OpDef.builder("unfold")
            .summary("internal: sliding local blocks of a (N, C, H, W) or (C, H, W) input as columns (N, C*kH*kW, L) "
                    + "or (C*kH*kW, L), "
                    + "as torch.nn.functional.unfold")
            .inputs(InputSpec.real("input"))
            .attrs(windowAttrs())
            .shape((op, in, a) -> {
                Shape x = in[0];
                int[] d = Window2d.nchw(op, x, "input " + x);
                Window2d win = Window2d.of(op, a);
                int[] o = win.outSize(op, d[2], d[3], "input " + x);
                int rows = Math.multiplyExact(d[1], win.area());
                int blocks = Math.multiplyExact(o[0], o[1]);
                return x.rank() == 4 ? Shape.of(d[0], rows, blocks) : Shape.of(rows, blocks);
            })
            .forward(a -> {
                int[] x = Window2d.nchw("unfold", a.shape(0), "");
                Window2d win = Window2d.of("unfold", a.attrs());
                double[] out = new double[a.out().size()];
                int per = x[1] * x[2] * x[3];
                int colsPer = a.out().size() / Math.max(x[0], 1);
                for (int i = 0; i < x[0]; i++) {
                    win.im2col(a.in(0), i * per, x[1], x[2], x[3], out, i * colsPer);
                }
                return out;
            })
            .backward(c -> {
                Shape x = c.input(0).shape();
                Attrs fa = c.attrs().with("output_size", new int[] {x.dim(-2), x.dim(-1)});
                return new Tensor[] {Ops.apply("fold", fa, c.grad())};
            })
            .twiceDifferentiable()
            .forwardRule(ForwardRules.LINEAR)
            .internal()
            .samples((rng, m) -> {
                Window2d win = randomWindow(rng);
                int c = 1 + rng.nextInt(2);
                int h = minSize(win, rng, true);
                int w = minSize(win, rng, false);
                Shape x = rng.nextInt(3) == 0 ? Shape.of(c, h, w) : Shape.of(1 + rng.nextInt(2), c, h, w);
                return new Sample(new Tensor[] {Samplers.tensor(rng, x, Domain.REAL, m)}, win.attrs());
            })
            .build();

    static final OpDef FOLD = OpDef.builder("fold")
            .summary("internal: sums columns (N, C*kH*kW, L) or (C*kH*kW, L) back into a (N, C, H, W) or (C, H, W) image "
                    + "of output_size, "
                    + "as torch.nn.functional.fold; the adjoint of unfold")
            .inputs(InputSpec.real("input"))
            .attrs(required("output_size", Type.INT_PAIR), required("kernel_size", Type.INT_PAIR),
                    optional("dilation", Type.INT_PAIR, 1), optional("padding", Type.INT_PAIR, 0),
                    optional("stride", Type.INT_PAIR, 1), CEIL_MODE)
            .shape((op, in, a) -> {
                Shape x = in[0];
                int[] size = a.getInts("output_size");
                Window2d win = Window2d.of(op, a);
                if (x.rank() != 2 && x.rank() != 3) {
                    throw new ShapeException(op + ": expected a 2-D (C*kH*kW, L) or 3-D (N, C*kH*kW, L) input, got " + x);
                }
                if (x.dim(-2) % win.area() != 0) {
                    throw new ShapeException(op + ": input " + x + ": dimension " + (x.rank() - 2) + " (" + x.dim(-2)
                            + ") is not divisible by the kernel's " + win.area() + " positions");
                }
                int[] o = win.outSize(op, size[0], size[1], "input " + x + ", output_size " + Arrays.toString(size));
                if ((long) o[0] * o[1] != x.dim(-1)) {
                    throw new ShapeException(op + ": input " + x + " has " + x.dim(-1) + " blocks, but output_size "
                            + Arrays.toString(size) + " gives " + o[0] + " x " + o[1] + " = " + (long) o[0] * o[1]);
                }
                int ch = x.dim(-2) / win.area();
                return x.rank() == 3 ? Shape.of(x.dim(0), ch, size[0], size[1]) : Shape.of(ch, size[0], size[1]);
            })
            .forward(a -> {
                int[] out = Window2d.nchw("fold", a.out(), "");
                Window2d win = Window2d.of("fold", a.attrs());
                double[] r = new double[a.out().size()];
                int per = out[1] * out[2] * out[3];
                int colsPer = a.shape(0).size() / Math.max(out[0], 1);
                for (int i = 0; i < out[0]; i++) {
                    win.col2im(a.in(0), i * colsPer, out[1], out[2], out[3], r, i * per);
                }
                return r;
            })
            .backward(c -> {
                Attrs ua = Attrs.of("kernel_size", c.attrs().getInts("kernel_size"),
                        "dilation", c.attrs().getInts("dilation"), "padding", c.attrs().getInts("padding"),
                        "stride", c.attrs().getInts("stride"), "ceil_mode", c.attrs().getBool("ceil_mode"));
                return new Tensor[] {Ops.apply("unfold", ua, c.grad())};
            })
            .twiceDifferentiable()
            .forwardRule(ForwardRules.LINEAR)
            .internal()
            .samples((rng, m) -> {
                Window2d win = randomWindow(rng);
                int h = minSize(win, rng, true);
                int w = minSize(win, rng, false);
                int ch = 1 + rng.nextInt(2);
                int l = win.outH(h) * win.outW(w);
                Shape x = rng.nextInt(3) == 0 ? Shape.of(ch * win.area(), l) : Shape.of(1 + rng.nextInt(2), ch * win.area(), l);
                return new Sample(new Tensor[] {Samplers.tensor(rng, x, Domain.REAL, m)},
                        win.attrs().with("output_size", new int[] {h, w}));
            })
            .build();

    static final OpDef CONV2D = OpDef.builder("conv2d")
            .summary("2-d cross-correlation of input (N, C, H, W) or (C, H, W) with weight (O, C/groups, kH, kW), "
                    + "plus an optional bias (O), as torch.nn.functional.conv2d")
            .inputs(InputSpec.real("input"), InputSpec.real("weight"), InputSpec.optionalReal("bias"))
            .attrs(optional("stride", Type.INT_PAIR, 1), optional("padding", Type.INT_PAIR, 0),
                    optional("dilation", Type.INT_PAIR, 1), optional("groups", Type.INT, 1))
            .shape(ConvOps::convShape)
            .forward(ConvOps::convForward)
            .backward(ConvOps::convBackward)
            .twiceDifferentiable()
            .forwardRule(ForwardRules.MULTILINEAR_WITH_BIAS)
            .samples((rng, m) -> {
                Window2d win = randomWindow(rng);
                int groups = 1 + rng.nextInt(2);
                int cg = 1 + rng.nextInt(2);
                int og = 1 + rng.nextInt(2);
                int h = minSize(win, rng, true);
                int w = minSize(win, rng, false);
                Shape x = rng.nextInt(4) == 0 ? Shape.of(groups * cg, h, w)
                        : Shape.of(1 + rng.nextInt(2), groups * cg, h, w);
                Shape wt = Shape.of(groups * og, cg, win.kh, win.kw);
                Attrs a = Attrs.of("stride", new int[] {win.sh, win.sw}, "padding", new int[] {win.ph, win.pw},
                        "dilation", new int[] {win.dh, win.dw}, "groups", groups);
                Tensor[] in = rng.nextBoolean()
                        ? new Tensor[] {Samplers.tensor(rng, x, Domain.REAL, m), Samplers.tensor(rng, wt, Domain.REAL, 1),
                            Samplers.tensor(rng, Shape.of(groups * og), Domain.REAL, m)}
                        : new Tensor[] {Samplers.tensor(rng, x, Domain.REAL, m), Samplers.tensor(rng, wt, Domain.REAL, 1)};
                return new Sample(in, a);
            })
            .build();

    /** What conv2d's shape rule and kernels agree on. */
    private static final class Conv {
        final int n;
        final int c;
        final int h;
        final int w;
        final int o;
        final int groups;
        final Window2d win;
        final int oh;
        final int ow;

        Conv(String op, Shape[] in, Attrs a) {
            Shape x = in[0];
            Shape wt = in[1];
            String shapes = "input " + x + ", weight " + wt + (in.length > 2 ? ", bias " + in[2] : "");
            int[] d = Window2d.nchw(op, x, shapes);
            n = d[0];
            c = d[1];
            h = d[2];
            w = d[3];
            if (wt.rank() != 4) {
                throw new ShapeException(op + ": " + shapes + ": weight must be 4-D (out_channels, in_channels/groups, "
                        + "kH, kW), got " + wt.rank() + "-D");
            }
            groups = a.getInt("groups");
            if (groups <= 0) {
                throw new ShapeException(op + ": groups must be positive, got " + groups);
            }
            o = wt.dim(0);
            if (o % groups != 0) {
                throw new ShapeException(op + ": " + shapes + ": out_channels " + o + " is not divisible by groups "
                        + groups);
            }
            if ((long) wt.dim(1) * groups != c) {
                throw new ShapeException(op + ": " + shapes + ": input has " + c + " channels, but weight with groups="
                        + groups + " expects " + wt.dim(1) + " * " + groups + " = " + (long) wt.dim(1) * groups);
            }
            if (in.length > 2 && !in[2].equals(Shape.of(o))) {
                throw new ShapeException(op + ": " + shapes + ": bias must have shape [" + o + "] (out_channels)");
            }
            win = Window2d.of(op, a, new int[] {wt.dim(2), wt.dim(3)});
            int[] os = win.outSize(op, h, w, shapes);
            oh = os[0];
            ow = os[1];
        }

        Shape outShape(boolean batched) {
            return batched ? Shape.of(n, o, oh, ow) : Shape.of(o, oh, ow);
        }
    }

    private static Shape convShape(String op, Shape[] in, Attrs a) {
        return new Conv(op, in, a).outShape(in[0].rank() == 4);
    }

    private static double[] convForward(dev.gradcheck.engine.op.ForwardArgs a) {
        Conv k = new Conv("conv2d", a.shapes(), a.attrs());
        double[] x = a.in(0);
        double[] wt = a.in(1);
        double[] bias = a.count() > 2 ? a.in(2) : null;
        int l = k.oh * k.ow;
        int cg = k.c / k.groups;
        int og = k.o / k.groups;
        int rows = cg * k.win.area();
        double[] cols = new double[k.c * k.win.area() * l];
        double[] out = new double[k.n * k.o * l];
        for (int i = 0; i < k.n; i++) {
            k.win.im2col(x, i * k.c * k.h * k.w, k.c, k.h, k.w, cols, 0);
            for (int g = 0; g < k.groups; g++) {
                for (int oc = g * og; oc < (g + 1) * og; oc++) {
                    int base = (i * k.o + oc) * l;
                    if (bias != null) {
                        Arrays.fill(out, base, base + l, bias[oc]);
                    }
                    for (int r = 0; r < rows; r++) {
                        double wv = wt[oc * rows + r];
                        int cr = (g * rows + r) * l;
                        for (int p = 0; p < l; p++) {
                            out[base + p] += wv * cols[cr + p];
                        }
                    }
                }
            }
        }
        return out;
    }

    /**
     * With cols = unfold(x) viewed as (N, G, Cg*K, L), W as (G, Og, Cg*K) and the output gradient
     * as (N, G, Og, L): dW = sum_n g cols^T, dx = fold(W^T g), db = sum of g over all but channels.
     */
    private static Tensor[] convBackward(dev.gradcheck.engine.op.BackwardContext c) {
        Tensor x = c.input(0);
        Tensor wt = c.input(1);
        Shape[] shapes = new Shape[c.count()];
        for (int i = 0; i < shapes.length; i++) {
            shapes[i] = c.input(i).shape();
        }
        Conv k = new Conv("conv2d", shapes, c.attrs());
        int l = k.oh * k.ow;
        int cg = k.c / k.groups;
        int og = k.o / k.groups;
        int rows = cg * k.win.area();
        Tensor g = c.grad().reshape(k.n, k.groups, og, l);
        Tensor gx = null;
        Tensor gw = null;
        Tensor gb = null;
        if (c.needs(0)) {
            Tensor wm = wt.reshape(k.groups, og, rows);
            Tensor colGrad = wm.transpose(-1, -2).matmul(g).reshape(k.n, k.c * k.win.area(), l);
            gx = Ops.apply("fold", k.win.attrs().with("output_size", new int[] {k.h, k.w}), colGrad)
                    .reshape(x.shape().dims());
        }
        if (c.needs(1)) {
            Tensor cols = Ops.apply("unfold", k.win.attrs(), x.reshape(k.n, k.c, k.h, k.w))
                    .reshape(k.n, k.groups, rows, l);
            gw = g.matmul(cols.transpose(-1, -2)).sum(0, false).reshape(wt.shape().dims());
        }
        if (c.count() > 2 && c.needs(2)) {
            gb = c.grad().reshape(k.n, k.o, l).sum(new int[] {0, 2}, false);
        }
        return c.count() > 2 ? new Tensor[] {gx, gw, gb} : new Tensor[] {gx, gw};
    }

    /** A random small window: kernel 1..3, stride 1..2, dilation 1..2, padding within half the kernel. */
    static Window2d randomWindow(java.util.random.RandomGenerator rng) {
        int kh = 1 + rng.nextInt(3);
        int kw = 1 + rng.nextInt(3);
        return new Window2d(new int[] {kh, kw}, new int[] {1 + rng.nextInt(2), 1 + rng.nextInt(2)},
                new int[] {rng.nextInt(kh / 2 + 1), rng.nextInt(kw / 2 + 1)},
                new int[] {1 + rng.nextInt(2), 1 + rng.nextInt(2)});
    }

    /** An input size along one axis that gives at least one window, plus a little slack. */
    static int minSize(Window2d win, java.util.random.RandomGenerator rng, boolean rows) {
        int k = rows ? win.dh * (win.kh - 1) + 1 - 2 * win.ph : win.dw * (win.kw - 1) + 1 - 2 * win.pw;
        return Math.max(1, k) + rng.nextInt(3);
    }
}

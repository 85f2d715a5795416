package dev.gradcheck.engine.ops;

import static dev.gradcheck.engine.op.AttrSpec.optional;
import static dev.gradcheck.engine.op.AttrSpec.required;

import dev.gradcheck.engine.Attrs;
import dev.gradcheck.engine.DType;
import dev.gradcheck.engine.Ops;
import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.ShapeException;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.internal.TensorAccess;
import dev.gradcheck.engine.op.AttrSpec.Type;
import dev.gradcheck.engine.op.Domain;
import dev.gradcheck.engine.op.ForwardRules;
import dev.gradcheck.engine.op.InputSpec;
import dev.gradcheck.engine.op.OpDef;
import dev.gradcheck.engine.op.Sample;
import dev.gradcheck.engine.op.Samplers;
import java.util.Arrays;

/**
 * max_pool2d and avg_pool2d over (N, C, H, W) or (C, H, W) inputs (floor mode). Their backward
 * rules fold a masked or spread copy of the output gradient back into the input's shape, so they
 * are linear in the gradient and differentiable again.
 */
final class PoolOps {
    private PoolOps() {
    }

    static final OpDef MAX_POOL2D = OpDef.builder("max_pool2d")
            .summary("the maximum of each kernel_size window (stride defaults to kernel_size; padding counts as "
                    + "-inf; ceil_mode keeps a last partial window); on ties the first maximum in the window gets the "
                    + "gradient, as PyTorch on CPU")
            .inputs(InputSpec.real("input"))
            .attrs(required("kernel_size", Type.INT_PAIR), optional("stride", Type.INT_PAIR, null),
                    optional("padding", Type.INT_PAIR, 0), optional("dilation", Type.INT_PAIR, 1),
                    optional("ceil_mode", Type.BOOL, false))
            .shape((op, in, a) -> poolShape(op, in[0], a))
            .forward(a -> {
                Pool p = new Pool("max_pool2d", a.shape(0), a.attrs());
                int[] arg = p.argmax(a.in(0));
                double[] out = new double[arg.length];
                for (int i = 0; i < arg.length; i++) {
                    // a dilated window can fall entirely into the padding: -inf, as PyTorch
                    out[i] = arg[i] < 0 ? Double.NEGATIVE_INFINITY : a.in(0)[arg[i]];
                }
                return out;
            })
            .backward(c -> {
                // a constant one-hot condition (N*C, K, L) picks the window position that won; the others get
                // 0 whatever the gradient holds (a select: PyTorch scatters the gradient to the winners)
                Pool p = new Pool("max_pool2d", c.input(0).shape(), c.attrs());
                int[] arg = p.argmax(TensorAccess.data(c.input(0)));
                int k = p.win.area();
                int l = p.oh * p.ow;
                double[] mask = new double[p.planes * k * l];
                for (int plane = 0; plane < p.planes; plane++) {
                    for (int o = 0; o < l; o++) {
                        if (arg[plane * l + o] < 0) {
                            continue;
                        }
                        int src = arg[plane * l + o] - plane * p.h * p.w;
                        int oy = o / p.ow;
                        int ox = o % p.ow;
                        int i = (src / p.w - (oy * p.win.sh - p.win.ph)) / p.win.dh;
                        int j = (src % p.w - (ox * p.win.sw - p.win.pw)) / p.win.dw;
                        mask[(plane * k + i * p.win.kw + j) * l + o] = 1;
                    }
                }
                Tensor spread = Masks.passWhere(TensorAccess.wrap(mask, Shape.of(p.planes, k, l), DType.INT64),
                        c.grad().reshape(p.planes, 1, l));
                return new Tensor[] {p.fold(spread, c.input(0).shape())};
            })
            .twiceDifferentiable()
            .kinks("two entries of a window tie for the maximum")
            .samples((rng, m) -> poolSample(rng, m, true))
            .build();

    static final OpDef AVG_POOL2D = OpDef.builder("avg_pool2d")
            .summary("the mean of each kernel_size window (stride defaults to kernel_size; ceil_mode keeps a last "
                    + "partial window); padding zeros count "
                    + "toward the divisor unless count_include_pad is false; divisor_override replaces the divisor")
            .inputs(InputSpec.real("input"))
            .attrs(required("kernel_size", Type.INT_PAIR), optional("stride", Type.INT_PAIR, null),
                    optional("padding", Type.INT_PAIR, 0), optional("ceil_mode", Type.BOOL, false),
                    optional("count_include_pad", Type.BOOL, true),
                    optional("divisor_override", Type.INT, null))
            .shape((op, in, a) -> poolShape(op, in[0], a))
            .forward(a -> {
                Pool p = new Pool("avg_pool2d", a.shape(0), a.attrs());
                double[] div = p.divisors(a.attrs());
                double[] x = a.in(0);
                int l = p.oh * p.ow;
                double[] out = new double[p.planes * l];
                for (int plane = 0; plane < p.planes; plane++) {
                    for (int oy = 0; oy < p.oh; oy++) {
                        for (int ox = 0; ox < p.ow; ox++) {
                            double s = 0;
                            for (int i = 0; i < p.win.kh; i++) {
                                int y = oy * p.win.sh - p.win.ph + i;
                                for (int j = 0; j < p.win.kw; j++) {
                                    int xx = ox * p.win.sw - p.win.pw + j;
                                    if (y >= 0 && y < p.h && xx >= 0 && xx < p.w) {
                                        s += x[(plane * p.h + y) * p.w + xx];
                                    }
                                }
                            }
                            out[plane * l + oy * p.ow + ox] = s / div[oy * p.ow + ox];
                        }
                    }
                }
                return out;
            })
            .backward(c -> {
                Pool p = new Pool("avg_pool2d", c.input(0).shape(), c.attrs());
                int l = p.oh * p.ow;
                Tensor div = TensorAccess.wrap(p.divisors(c.attrs()), Shape.of(1, 1, l));
                Tensor spread = c.grad().reshape(p.planes, 1, l).div(div).expand(p.planes, p.win.area(), l);
                return new Tensor[] {p.fold(spread, c.input(0).shape())};
            })
            .twiceDifferentiable()
            .forwardRule(ForwardRules.LINEAR)
            .samples((rng, m) -> poolSample(rng, m, false))
            .build();

    private static Shape poolShape(String op, Shape x, Attrs a) {
        Pool p = new Pool(op, x, a);
        if (a.get("divisor_override") != null && a.getInt("divisor_override") == 0) {
            throw new IllegalArgumentException(op + ": divisor_override must not be zero");
        }
        int[] d = x.dims();
        d[d.length - 2] = p.oh;
        d[d.length - 1] = p.ow;
        return Shape.of(d);
    }

    /** A pool's geometry: N*C independent planes of H x W, windows giving oh x ow outputs. */
    private static final class Pool {
        final Window2d win;
        final int planes;
        final int h;
        final int w;
        final int oh;
        final int ow;

        Pool(String op, Shape x, Attrs a) {
            int[] d = Window2d.nchw(op, x, "input " + x);
            win = Window2d.of(op, a);
            // as PyTorch: padding at most half the kernel size (dilation aside)
            if (win.ph > win.kh / 2 || win.pw > win.kw / 2) {
                throw new ShapeException(op + ": pad should be at most half of kernel size, but got padding "
                        + Arrays.toString(new int[] {win.ph, win.pw}) + " and kernel_size "
                        + Arrays.toString(new int[] {win.kh, win.kw}) + " (input " + x + ")");
            }
            planes = d[0] * d[1];
            h = d[2];
            w = d[3];
            int[] o = win.outSize(op, h, w, "input " + x);
            oh = o[0];
            ow = o[1];
        }

        /** For each output, the flat input index of its window's first maximum. */
        int[] argmax(double[] x) {
            int l = oh * ow;
            int[] arg = new int[planes * l];
            for (int plane = 0; plane < planes; plane++) {
                int base = plane * h * w;
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        int best = -1;
                        double bestV = Double.NEGATIVE_INFINITY;
                        for (int i = 0; i < win.kh; i++) {
                            int y = oy * win.sh - win.ph + i * win.dh;
                            if (y < 0 || y >= h) {
                                continue;
                            }
                            for (int j = 0; j < win.kw; j++) {
                                int xx = ox * win.sw - win.pw + j * win.dw;
                                if (xx < 0 || xx >= w) {
                                    continue;
                                }
                                double v = x[base + y * w + xx];
                                // strict '>' keeps the first maximum; a NaN wins (the last one), as in PyTorch
                                if (best < 0 || v > bestV || Double.isNaN(v)) {
                                    best = base + y * w + xx;
                                    bestV = v;
                                }
                            }
                        }
                        arg[plane * l + oy * ow + ox] = best;
                    }
                }
            }
            return arg;
        }

        /** Per output position, the number the window's sum is divided by. */
        double[] divisors(Attrs a) {
            boolean countPad = a.getBool("count_include_pad");
            double[] div = new double[oh * ow];
            if (a.get("divisor_override") != null) {
                Arrays.fill(div, a.getInt("divisor_override"));
                return div;
            }
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    int y0 = oy * win.sh - win.ph;
                    int x0 = ox * win.sw - win.pw;
                    int rows;
                    int cols;
                    if (countPad) {
                        rows = Math.min(y0 + win.kh, h + win.ph) - y0;
                        cols = Math.min(x0 + win.kw, w + win.pw) - x0;
                    } else {
                        rows = Math.min(y0 + win.kh, h) - Math.max(y0, 0);
                        cols = Math.min(x0 + win.kw, w) - Math.max(x0, 0);
                    }
                    div[oy * ow + ox] = (double) rows * cols;
                }
            }
            return div;
        }

        /** Folds per-window contributions (planes, K, L) back into an input-shaped gradient. */
        Tensor fold(Tensor cols, Shape input) {
            Attrs fa = win.attrs().with("output_size", new int[] {h, w});
            return Ops.apply("fold", fa, cols).reshape(input.dims());
        }
    }

    private static Sample poolSample(java.util.random.RandomGenerator rng, double m, boolean max) {
        int kh = 1 + rng.nextInt(3);
        int kw = 1 + rng.nextInt(3);
        int[] kernel = {kh, kw};
        int[] padding = {rng.nextInt(kh / 2 + 1), rng.nextInt(kw / 2 + 1)};
        int[] dilation = {max ? 1 + rng.nextInt(2) : 1, max ? 1 + rng.nextInt(2) : 1};
        // large enough that the first window reaches a real entry (a dilated window could hold only padding)
        int h = Math.max(1, dilation[0] * (kh - 1) + 1 - padding[0]) + rng.nextInt(3);
        int w = Math.max(1, dilation[1] * (kw - 1) + 1 - padding[1]) + rng.nextInt(3);
        Shape x = rng.nextBoolean() ? Shape.of(1 + rng.nextInt(2), 1 + rng.nextInt(2), h, w)
                : Shape.of(1 + rng.nextInt(2), h, w);
        Attrs a = Attrs.of("kernel_size", kernel, "padding", padding);
        if (rng.nextBoolean()) {
            a = a.with("stride", new int[] {1 + rng.nextInt(3), 1 + rng.nextInt(3)});
        }
        if (rng.nextInt(3) == 0) {
            a = a.with("ceil_mode", true);
        }
        if (max) {
            a = a.with("dilation", dilation);
        } else if (rng.nextBoolean()) {
            a = a.with("count_include_pad", false);
        } else if (rng.nextInt(3) == 0) {
            a = a.with("divisor_override", 1 + rng.nextInt(5));
        }
        return new Sample(new Tensor[] {Samplers.tensor(rng, x, Domain.REAL, m)}, a);
    }
}

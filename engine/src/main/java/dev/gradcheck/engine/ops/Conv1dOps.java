package dev.gradcheck.engine.ops;

import static dev.gradcheck.engine.op.AttrSpec.optional;

import dev.gradcheck.engine.Attrs;
import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.ShapeException;
import dev.gradcheck.engine.Tensor;
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

/**
 * conv1d, as torch.nn.functional.conv1d: the forward is the plain sum over channels of a group and
 * kernel positions; the backward is conv2d's, applied to the same tensors viewed as images of
 * height 1 (conv1d is conv2d with a 1 x K kernel), so it differentiates to any order.
 */
final class Conv1dOps {
    private Conv1dOps() {
    }

    static final OpDef CONV1D = OpDef.builder("conv1d")
            .summary("1-d cross-correlation of input (N, C, L) or (C, L) with weight (O, C/groups, K), plus an "
                    + "optional bias (O); stride, padding, dilation each an int or a list of one")
            .inputs(InputSpec.real("input"), InputSpec.real("weight"), InputSpec.optionalReal("bias"))
            .attrs(optional("stride", Type.INTS, 1), optional("padding", Type.INTS, 0),
                    optional("dilation", Type.INTS, 1), optional("groups", Type.INT, 1))
            .shape((op, in, a) -> new Geometry(op, in, a).outShape(in[0].rank() == 3))
            .forward(Conv1dOps::forward)
            .backward(Conv1dOps::backward)
            .twiceDifferentiable()
            .forwardRule(ForwardRules.MULTILINEAR_WITH_BIAS)
            .samples((rng, m) -> {
                int groups = 1 + rng.nextInt(2);
                int cg = 1 + rng.nextInt(2);
                int og = 1 + rng.nextInt(2);
                int k = 1 + rng.nextInt(3);
                int dilation = 1 + rng.nextInt(2);
                int padding = rng.nextInt(k / 2 + 2);
                int length = Math.max(1, dilation * (k - 1) + 1 - 2 * padding) + rng.nextInt(4);
                Shape x = rng.nextInt(4) == 0 ? Shape.of(groups * cg, length) : Shape.of(1 + rng.nextInt(2), groups * cg, length);
                Attrs a = Attrs.of("stride", rng.nextBoolean() ? 1 + rng.nextInt(2) : new int[] {1 + rng.nextInt(2)},
                        "padding", rng.nextBoolean() ? padding : new int[] {padding}, "dilation", dilation, "groups", groups);
                Tensor input = Samplers.tensor(rng, x, Domain.REAL, m);
                Tensor weight = Samplers.tensor(rng, Shape.of(groups * og, cg, k), Domain.REAL, 1);
                Tensor[] in = rng.nextBoolean() ? new Tensor[] {input, weight}
                        : new Tensor[] {input, weight, Samplers.tensor(rng, Shape.of(groups * og), Domain.REAL, m)};
                return new Sample(in, a);
            })
            .build();

    /** What conv1d's shape rule, forward and backward agree on, checked as PyTorch checks it. */
    private static final class Geometry {
        final int n;
        final int c;
        final int length;
        final int o;
        final int k;
        final int groups;
        final int stride;
        final int padding;
        final int dilation;
        final int outLength;

        Geometry(String op, Shape[] in, Attrs a) {
            Shape x = in[0];
            Shape w = in[1];
            String shapes = "input " + x + ", weight " + w + (in.length > 2 ? ", bias " + in[2] : "");
            if (x.rank() != 2 && x.rank() != 3) {
                throw new ShapeException(op + ": " + shapes + ": expected a 2-D (C, L) or 3-D (N, C, L) input, got "
                        + x.rank() + "-D input " + x);
            }
            if (w.rank() != 3) {
                throw new ShapeException(op + ": " + shapes + ": weight must be 3-D (out_channels, in_channels/groups, "
                        + "K), got " + w.rank() + "-D");
            }
            n = x.rank() == 3 ? x.dim(0) : 1;
            c = x.dim(-2);
            length = x.dim(-1);
            o = w.dim(0);
            k = w.dim(2);
            groups = a.getInt("groups");
            stride = single(op, a, "stride");
            padding = single(op, a, "padding");
            dilation = single(op, a, "dilation");
            if (groups <= 0) {
                throw new ShapeException(op + ": groups must be positive, got " + groups);
            }
            if (stride <= 0 || dilation <= 0) {
                throw new ShapeException(op + ": stride and dilation must be positive, got stride " + stride
                        + " and dilation " + dilation);
            }
            if (padding < 0) {
                throw new ShapeException(op + ": padding must be non-negative, got " + padding);
            }
            if (o % groups != 0) {
                throw new ShapeException(op + ": " + shapes + ": out_channels " + o + " is not divisible by groups " + groups);
            }
            if ((long) w.dim(1) * groups != c) {
                throw new ShapeException(op + ": " + shapes + ": input has " + c + " channels, but weight with groups="
                        + groups + " expects " + w.dim(1) + " * " + groups + " = " + (long) w.dim(1) * groups);
            }
            if (in.length > 2 && !in[2].equals(Shape.of(o))) {
                throw new ShapeException(op + ": " + shapes + ": bias must have shape [" + o + "] (out_channels)");
            }
            // in long: padding and dilation near Integer.MAX_VALUE must not wrap around
            long span = length + 2L * padding - Math.multiplyExact((long) dilation, k - 1) - 1;
            if (span < 0) {
                throw new ShapeException(op + ": " + shapes + ": the input's length " + length + " padded by " + padding
                        + " on each side is smaller than the kernel " + k + " with dilation " + dilation);
            }
            long out = span / stride + 1;
            if (out > Integer.MAX_VALUE || length + 2L * padding > Integer.MAX_VALUE) {
                throw new ShapeException(op + ": " + shapes + ": the padded length " + (length + 2L * padding)
                        + " or the output length " + out + " is beyond 2^31 - 1");
            }
            outLength = (int) out;
        }

        Shape outShape(boolean batched) {
            return batched ? Shape.of(n, o, outLength) : Shape.of(o, outLength);
        }

        /** The conv2d attributes of the same convolution over images of height 1. */
        Attrs conv2dAttrs() {
            return Attrs.of("stride", new int[] {1, stride}, "padding", new int[] {0, padding},
                    "dilation", new int[] {1, dilation}, "groups", groups);
        }
    }

    /** An int-or-list attribute that must hold exactly one value, as conv1d's stride, padding and dilation. */
    static int single(String op, Attrs a, String name) {
        int[] v = a.getInts(name);
        if (v.length != 1) {
            throw new ShapeException(op + ": expected " + name + " to be a single integer or a list of 1 value, got "
                    + Arrays.toString(v));
        }
        return v[0];
    }

    /**
     * out[n][oc][t] = bias[oc] + sum over the channels c of oc's group and kernel positions j of
     * weight[oc][c][j] * input[n][c][t * stride - padding + j * dilation] (zero outside the input).
     */
    private static double[] forward(ForwardArgs a) {
        Geometry g = new Geometry("conv1d", a.shapes(), a.attrs());
        double[] x = a.in(0);
        double[] w = a.in(1);
        double[] bias = a.count() > 2 ? a.in(2) : null;
        int cg = g.c / g.groups;
        int og = g.o / g.groups;
        double[] out = new double[g.n * g.o * g.outLength];
        for (int n = 0; n < g.n; n++) {
            for (int oc = 0; oc < g.o; oc++) {
                int group = oc / og;
                for (int t = 0; t < g.outLength; t++) {
                    double s = bias == null ? 0 : bias[oc];
                    long start = (long) t * g.stride - g.padding;
                    for (int c = 0; c < cg; c++) {
                        int xRow = (n * g.c + group * cg + c) * g.length;
                        int wRow = (oc * cg + c) * g.k;
                        for (int j = 0; j < g.k; j++) {
                            long pos = start + (long) j * g.dilation;
                            if (pos >= 0 && pos < g.length) {
                                s += w[wRow + j] * x[xRow + (int) pos];
                            }
                        }
                    }
                    out[(n * g.o + oc) * g.outLength + t] = s;
                }
            }
        }
        return out;
    }

    /** conv2d's backward on the inputs and gradient viewed as (N, C, 1, L) images and (O, C/groups, 1, K) kernels. */
    private static Tensor[] backward(BackwardContext c) {
        Shape[] shapes = new Shape[c.count()];
        for (int i = 0; i < shapes.length; i++) {
            shapes[i] = c.input(i).shape();
        }
        Geometry g = new Geometry("conv1d", shapes, c.attrs());
        Tensor[] in2d = c.inputs().clone();
        in2d[0] = c.input(0).reshape(g.n, g.c, 1, g.length);
        in2d[1] = c.input(1).reshape(g.o, g.c / g.groups, 1, g.k);
        Tensor grad = c.grad().reshape(g.n, g.o, 1, g.outLength);
        Tensor out = c.output().reshape(g.n, g.o, 1, g.outLength);
        Tensor[] g2d = ConvOps.CONV2D.backward().apply(new BackwardContext(in2d, out, grad,
                ConvOps.CONV2D.resolve(g.conv2dAttrs()), c.needsGrad()));
        for (int i = 0; i < 2; i++) {
            if (g2d[i] != null) {
                g2d[i] = g2d[i].reshape(shapes[i].dims());
            }
        }
        return g2d;
    }

    static List<OpDef> all() {
        return List.of(CONV1D);
    }
}

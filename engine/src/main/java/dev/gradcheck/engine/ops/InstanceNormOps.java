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
import dev.gradcheck.engine.op.InputSpec;
import dev.gradcheck.engine.op.OpDef;
import dev.gradcheck.engine.op.Sample;
import dev.gradcheck.engine.op.Samplers;
import java.util.Arrays;
import java.util.List;

/**
 * instance_norm with the input's own statistics (PyTorch's use_input_stats=True, the default and
 * what InstanceNorm layers do unless track_running_stats): each (sample, channel) plane is
 * normalised over its spatial entries, (x - mean) / sqrt(var + eps) with the biased variance, then
 * scaled and shifted by the optional per-channel weight and bias. As the engine's batch_norm, it
 * takes no running statistics: with input statistics they do not change the output. The backward
 * is written with mean, sub, mul and pow, so it differentiates again.
 */
final class InstanceNormOps {
    private InstanceNormOps() {
    }

    static final OpDef INSTANCE_NORM = OpDef.builder("instance_norm")
            .summary("normalises each (N, C) plane of input (N, C, *) over its spatial entries, then weight * x + bias "
                    + "(each of shape (C)), as torch.nn.functional.instance_norm with use_input_stats=True")
            .inputs(InputSpec.real("input"), InputSpec.optionalReal("weight"), InputSpec.optionalReal("bias"))
            .attrs(optional("eps", Type.FLOAT, 1e-5))
            .shape((op, in, a) -> {
                Shape x = in[0];
                String shapes = shapes(in);
                if (x.rank() < 2) {
                    throw new ShapeException(op + ": " + shapes + ": input must have at least 2 dimensions (N, C, ...)");
                }
                if (spatial(x) <= 1) {
                    throw new ShapeException(op + ": " + shapes + ": expected more than 1 spatial element (the entries "
                            + "of dimensions 2 and after) per channel, as the statistics are the input's own");
                }
                for (int i = 1; i < in.length; i++) {
                    if (!in[i].equals(Shape.of(x.dim(1)))) {
                        throw new ShapeException(op + ": " + shapes + ": " + (i == 1 ? "weight" : "bias")
                                + " must have shape [" + x.dim(1) + "] (the input's channels)");
                    }
                }
                return x;
            })
            .forward(InstanceNormOps::forward)
            .backward(InstanceNormOps::backward)
            .twiceDifferentiable()
            .samples((rng, m) -> {
                int[] d = Samplers.shape(rng, 3, 4, 3).dims();
                if (d[2] * (d.length > 3 ? d[3] : 1) < 2) {
                    d[2] = 2 + rng.nextInt(2);
                }
                Shape x = Shape.of(d);
                Tensor in = Samplers.tensor(rng, x, Domain.REAL, m);
                Attrs a = rng.nextBoolean() ? Attrs.EMPTY : Attrs.of("eps", Math.pow(10, -1 - 4 * rng.nextDouble()));
                int k = rng.nextInt(3);
                if (k == 0) {
                    return new Sample(new Tensor[] {in}, a);
                }
                Tensor w = Samplers.tensor(rng, Shape.of(x.dim(1)), Domain.REAL, 1);
                return new Sample(k == 1 ? new Tensor[] {in, w}
                        : new Tensor[] {in, w, Samplers.tensor(rng, Shape.of(x.dim(1)), Domain.REAL, m)}, a);
            })
            .build();

    /** Entries per (N, C) plane: the product of dimensions 2 and after. */
    private static int spatial(Shape x) {
        int s = 1;
        for (int d = 2; d < x.rank(); d++) {
            s *= x.dim(d);
        }
        return s;
    }

    /** Per plane: mean, biased variance, then (x - mean) / sqrt(var + eps) * weight[c] + bias[c]. */
    private static double[] forward(ForwardArgs a) {
        Shape xs = a.shape(0);
        double eps = a.attrs().getDouble("eps");
        double[] x = a.in(0);
        double[] w = a.count() > 1 ? a.in(1) : null;
        double[] b = a.count() > 2 ? a.in(2) : null;
        int channels = xs.dim(1);
        int s = spatial(xs);
        int planes = xs.size() / s;
        double[] out = new double[x.length];
        for (int p = 0; p < planes; p++) {
            int base = p * s;
            int c = p % channels;
            double mean = 0;
            for (int i = 0; i < s; i++) {
                mean += x[base + i];
            }
            mean /= s;
            double var = 0;
            for (int i = 0; i < s; i++) {
                double d = x[base + i] - mean;
                var += d * d;
            }
            double rstd = 1 / Math.sqrt(var / s + eps);
            for (int i = 0; i < s; i++) {
                out[base + i] = (x[base + i] - mean) * rstd * (w == null ? 1 : w[c]) + (b == null ? 0 : b[c]);
            }
        }
        return out;
    }

    /**
     * With xhat = (x - mean) * rstd and h = g * weight (per channel), over each plane's spatial
     * dimensions: dx = rstd * (h - mean(h) - xhat * mean(h * xhat)); dweight = sum(g * xhat) and
     * dbias = sum(g) over every dimension but the channels.
     */
    private static Tensor[] backward(BackwardContext c) {
        Tensor x = c.input(0);
        Shape xs = x.shape();
        Tensor g = c.grad();
        int[] dims = new int[xs.rank() - 2];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = i + 2;
        }
        int[] perChannel = new int[xs.rank() - 1];
        Arrays.fill(perChannel, 1);
        perChannel[0] = xs.dim(1);
        double eps = c.attrs().getDouble("eps");
        Tensor xc = x.sub(x.mean(dims, true));
        Tensor rstd = xc.square().mean(dims, true).add(eps).pow(-0.5);
        Tensor xhat = xc.mul(rstd);
        Tensor h = c.count() > 1 ? g.mul(c.input(1).reshape(perChannel)) : g;
        Tensor gx = c.needs(0) ? h.sub(h.mean(dims, true)).sub(xhat.mul(h.mul(xhat).mean(dims, true))).mul(rstd) : null;
        Tensor gw = c.needs(1) ? toChannels(g.mul(xhat), perChannel) : null;
        Tensor gb = c.count() > 2 && c.needs(2) ? toChannels(g, perChannel) : null;
        return Arrays.copyOf(new Tensor[] {gx, gw, gb}, c.count());
    }

    /** Sums over every dimension but the channels, into shape (C). */
    private static Tensor toChannels(Tensor t, int[] perChannel) {
        return t.sumToSize(Shape.of(perChannel)).reshape(perChannel[0]);
    }

    private static String shapes(Shape[] in) {
        String s = "input " + in[0];
        if (in.length > 1) {
            s += ", weight " + in[1];
        }
        if (in.length > 2) {
            s += ", bias " + in[2];
        }
        return s;
    }

    static List<OpDef> all() {
        return List.of(INSTANCE_NORM);
    }
}

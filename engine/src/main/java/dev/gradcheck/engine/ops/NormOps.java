package dev.gradcheck.engine.ops;

import static dev.gradcheck.engine.op.AttrSpec.optional;
import static dev.gradcheck.engine.op.AttrSpec.required;

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

/**
 * layer_norm and batch_norm (batch statistics, as in training; biased variance; no running
 * statistics). Both normalise x to (x - mean) / sqrt(var + eps) over some dimensions, then scale
 * and shift by the optional weight and bias. Backward rules are written with mean, sub, mul and pow,
 * so they differentiate again.
 */
final class NormOps {
    private NormOps() {
    }

    static final OpDef LAYER_NORM = OpDef.builder("layer_norm")
            .summary("normalises over the last dimensions given by normalized_shape, then weight * x + bias "
                    + "(each of normalized_shape), as torch.nn.functional.layer_norm")
            .inputs(InputSpec.real("input"), InputSpec.optionalReal("weight"), InputSpec.optionalReal("bias"))
            .attrs(required("normalized_shape", Type.INTS), optional("eps", Type.FLOAT, 1e-5))
            .shape((op, in, a) -> {
                int[] ns = a.getInts("normalized_shape");
                Shape x = in[0];
                String shapes = shapes(in);
                int k = ns.length;
                if (k == 0) {
                    throw new ShapeException(op + ": normalized_shape must have at least one dimension, got []");
                }
                if (x.rank() < k || !Arrays.equals(Arrays.copyOfRange(x.dims(), x.rank() - k, x.rank()), ns)) {
                    throw new ShapeException(op + ": " + shapes + ": the input's last dimensions must be normalized_shape "
                            + Arrays.toString(ns));
                }
                for (int i = 1; i < in.length; i++) {
                    if (!in[i].equals(Shape.of(ns))) {
                        throw new ShapeException(op + ": " + shapes + ": " + (i == 1 ? "weight" : "bias")
                                + " must have shape normalized_shape " + Arrays.toString(ns));
                    }
                }
                return x;
            })
            .forward(a -> {
                int inner = Shape.of(a.attrs().getInts("normalized_shape")).size();
                return normalize(a, 1, inner == 0 ? 0 : a.shape(0).size() / inner, inner, 0);
            })
            .backward(c -> {
                int k = c.attrs().getInts("normalized_shape").length;
                int[] dims = new int[k];
                for (int i = 0; i < k; i++) {
                    dims[i] = i - k;
                }
                return backward(c, dims, null);
            })
            .twiceDifferentiable()
            .samples((rng, m) -> {
                Shape x = Samplers.shape(rng, 1, 3, 4);
                int k = 1 + rng.nextInt(x.rank());
                int[] ns = Arrays.copyOfRange(x.dims(), x.rank() - k, x.rank());
                if (Shape.of(ns).size() < 2) {
                    x = Shape.of(concat(x.dims(), 3));
                    ns = concat(ns, 3);
                }
                return normSample(rng, m, x, Shape.of(ns), Attrs.of("normalized_shape", ns));
            })
            .build();

    static final OpDef BATCH_NORM = OpDef.builder("batch_norm")
            .summary("normalises each channel (dimension 1) over the batch and spatial dimensions with batch "
                    + "statistics (training mode), then weight * x + bias (each of shape (C))")
            .inputs(InputSpec.real("input"), InputSpec.optionalReal("weight"), InputSpec.optionalReal("bias"))
            .attrs(optional("eps", Type.FLOAT, 1e-5))
            .mixesBatch("batch statistics in training mode: each channel is normalised with the mean and variance of "
                    + "the whole batch")
            .shape((op, in, a) -> {
                Shape x = in[0];
                String shapes = shapes(in);
                if (x.rank() < 2) {
                    throw new ShapeException(op + ": " + shapes + ": input must have at least 2 dimensions (N, C, ...)");
                }
                if (x.size() / Math.max(1, x.dim(1)) <= 1) {
                    throw new ShapeException(op + ": " + shapes + ": expected more than 1 value per channel when "
                            + "training (batch statistics)");
                }
                checkChannelParams(op, in, shapes);
                return x;
            })
            .forward(a -> {
                Shape x = a.shape(0);
                int ch = x.dim(1);
                int spatial = x.size() / Math.max(1, x.dim(0) * ch);
                return normalize(a, x.dim(0), ch, spatial, ch);
            })
            .backward(c -> {
                Shape x = c.input(0).shape();
                int[] dims = new int[x.rank() - 1];
                dims[0] = 0;
                for (int i = 2; i < x.rank(); i++) {
                    dims[i - 1] = i;
                }
                int[] param = new int[x.rank() - 1];
                Arrays.fill(param, 1);
                param[0] = x.dim(1);
                return backward(c, dims, param);
            })
            .twiceDifferentiable()
            .samples((rng, m) -> {
                Shape x = Samplers.shape(rng, 2, 4, 3);
                if (x.size() / x.dim(1) < 2) {
                    x = x.with(0, x.dim(0) + 2);
                }
                return normSample(rng, m, x, Shape.of(x.dim(1)), Attrs.EMPTY);
            })
            .build();

    /**
     * (x - mean) / sqrt(var + eps) * weight + bias, with x laid out as [outer][groups][spatial] and
     * statistics per group over (outer, spatial): layer_norm is outer = 1, one group per row and the
     * normalised entries as spatial, parameters per spatial entry ({@code channels} 0); batch_norm is
     * outer = N, groups = channels, spatial = H * W * ..., parameters per group; instance_norm is
     * outer = 1, a group per (N, C) plane, parameters per channel (group % channels).
     */
    static double[] normalize(ForwardArgs a, int outer, int groups, int spatial, int channels) {
        double eps = a.attrs().getDouble("eps");
        double[] x = a.in(0);
        double[] w = a.count() > 1 ? a.in(1) : null;
        double[] b = a.count() > 2 ? a.in(2) : null;
        double[] out = new double[x.length];
        int n = outer * spatial;
        for (int c = 0; c < groups; c++) {
            double mean = 0;
            for (int o = 0; o < outer; o++) {
                for (int s = 0; s < spatial; s++) {
                    mean += x[(o * groups + c) * spatial + s];
                }
            }
            mean /= n;
            double var = 0;
            for (int o = 0; o < outer; o++) {
                for (int s = 0; s < spatial; s++) {
                    double d = x[(o * groups + c) * spatial + s] - mean;
                    var += d * d;
                }
            }
            double rstd = 1 / Math.sqrt(var / n + eps);
            for (int o = 0; o < outer; o++) {
                for (int s = 0; s < spatial; s++) {
                    int i = (o * groups + c) * spatial + s;
                    int p = channels > 0 ? c % channels : s;
                    out[i] = (x[i] - mean) * rstd * (w == null ? 1 : w[p]) + (b == null ? 0 : b[p]);
                }
            }
        }
        return out;
    }

    /**
     * The gradients of a normalisation over {@code dims}: with xhat = (x - mean) * rstd and
     * h = g * weight, dx = rstd * (h - mean(h) - xhat * mean(h * xhat)); dweight = sum(g * xhat),
     * dbias = sum(g) over the other dimensions. {@code paramShape} reshapes (C) parameters to
     * broadcast over the input (batch_norm); null when they already do (layer_norm).
     */
    static Tensor[] backward(BackwardContext c, int[] dims, int[] paramShape) {
        Tensor x = c.input(0);
        Tensor g = c.grad();
        double eps = c.attrs().getDouble("eps");
        Tensor xc = x.sub(x.mean(dims, true));
        Tensor rstd = xc.square().mean(dims, true).add(eps).pow(-0.5);
        Tensor xhat = xc.mul(rstd);
        Tensor w = c.count() > 1 ? c.input(1) : null;
        Tensor h = w == null ? g : g.mul(paramShape == null ? w : w.reshape(paramShape));
        Tensor gx = null;
        if (c.needs(0)) {
            gx = h.sub(h.mean(dims, true)).sub(xhat.mul(h.mul(xhat).mean(dims, true))).mul(rstd);
        }
        Tensor gw = c.needs(1) ? toParam(g.mul(xhat), w.shape(), paramShape) : null;
        Tensor gb = c.count() > 2 && c.needs(2) ? toParam(g, c.input(2).shape(), paramShape) : null;
        return c.count() == 1 ? new Tensor[] {gx} : c.count() == 2 ? new Tensor[] {gx, gw} : new Tensor[] {gx, gw, gb};
    }

    private static Tensor toParam(Tensor t, Shape param, int[] paramShape) {
        return paramShape == null ? t.sumToSize(param) : t.sumToSize(Shape.of(paramShape)).reshape(param.dims());
    }

    /** Throws unless the optional weight and bias (inputs 1, 2) have shape (C), C the input's dimension 1. */
    static void checkChannelParams(String op, Shape[] in, String shapes) {
        int channels = in[0].dim(1);
        for (int i = 1; i < in.length; i++) {
            if (!in[i].equals(Shape.of(channels))) {
                throw new ShapeException(op + ": " + shapes + ": " + (i == 1 ? "weight" : "bias")
                        + " must have shape [" + channels + "] (the input's channels)");
            }
        }
    }

    /** The input, weight and bias shapes, for messages. */
    static String shapes(Shape[] in) {
        String s = "input " + in[0];
        if (in.length > 1) {
            s += ", weight " + in[1];
        }
        if (in.length > 2) {
            s += ", bias " + in[2];
        }
        return s;
    }

    private static int[] concat(int[] a, int v) {
        int[] r = Arrays.copyOf(a, a.length + 1);
        r[a.length] = v;
        return r;
    }

    private static Sample normSample(java.util.random.RandomGenerator rng, double m, Shape x, Shape param, Attrs a) {
        int k = rng.nextInt(3);
        Tensor in = Samplers.tensor(rng, x, Domain.REAL, m);
        if (k == 0) {
            return new Sample(new Tensor[] {in}, a);
        }
        Tensor w = Samplers.tensor(rng, param, Domain.REAL, 1);
        if (k == 1) {
            return new Sample(new Tensor[] {in, w}, a);
        }
        return new Sample(new Tensor[] {in, w, Samplers.tensor(rng, param, Domain.REAL, m)}, a);
    }
}

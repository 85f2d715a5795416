package dev.gradcheck.engine.ops;

import static dev.gradcheck.engine.op.AttrSpec.optional;

import dev.gradcheck.engine.Attrs;
import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.ShapeException;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.op.AttrSpec.Type;
import dev.gradcheck.engine.op.BackwardContext;
import dev.gradcheck.engine.op.Domain;
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
                String shapes = NormOps.shapes(in);
                if (x.rank() < 2) {
                    throw new ShapeException(op + ": " + shapes + ": input must have at least 2 dimensions (N, C, ...)");
                }
                if (spatial(x) <= 1) {
                    throw new ShapeException(op + ": " + shapes + ": expected more than 1 spatial element (the entries "
                            + "of dimensions 2 and after) per channel, as the statistics are the input's own");
                }
                NormOps.checkChannelParams(op, in, shapes);
                return x;
            })
            .forward(a -> {
                Shape x = a.shape(0);
                int s = spatial(x);
                return NormOps.normalize(a, 1, x.size() / s, s, x.dim(1));
            })
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

    /**
     * The normalisation's gradients over each plane's spatial dimensions (2 and after), the
     * per-channel weight and bias reshaped to broadcast over them.
     */
    private static Tensor[] backward(BackwardContext c) {
        Shape xs = c.input(0).shape();
        int[] dims = new int[xs.rank() - 2];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = i + 2;
        }
        int[] perChannel = new int[xs.rank() - 1];
        Arrays.fill(perChannel, 1);
        perChannel[0] = xs.dim(1);
        return NormOps.backward(c, dims, perChannel);
    }

    static List<OpDef> all() {
        return List.of(INSTANCE_NORM);
    }
}

package dev.gradcheck.engine.ops;

import static dev.gradcheck.engine.op.AttrSpec.optional;
import static dev.gradcheck.engine.op.AttrSpec.required;

import dev.gradcheck.engine.Attrs;
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
import dev.gradcheck.engine.op.SampleGenerator;
import dev.gradcheck.engine.op.Samplers;
import java.util.Arrays;
import java.util.List;

/**
 * Sums, means, maxima, log-sum-exps and Euclidean norms over dimensions, and the broadcasting pair
 * expand / sum_to_size.
 */
final class ReductionOps {
    private ReductionOps() {
    }

    static final OpDef SUM = OpDef.builder("sum")
            .summary("sum over dim (all dimensions when absent), keepdim as in PyTorch")
            .inputs(InputSpec.real("input"))
            .attrs(optional("dim", Type.INTS, null), optional("keepdim", Type.BOOL, false))
            .shape(ShapeRules.REDUCE)
            .forward(a -> Kernels.reduce(a.in(0), a.shape(0),
                    ShapeRules.reducedDims("sum", a.shape(0), a.attrs().getInts("dim")), 0, Double::sum))
            .backward(c -> new Tensor[] {unreduce(c.grad(), c.input(0).shape(), c.attrs())})
            .twiceDifferentiable()
            .forwardRule(ForwardRules.LINEAR)
            .samples(reductionSamples())
            .build();

    static final OpDef MEAN = OpDef.builder("mean")
            .summary("mean over dim (all dimensions when absent), keepdim as in PyTorch")
            .inputs(InputSpec.real("input"))
            .attrs(optional("dim", Type.INTS, null), optional("keepdim", Type.BOOL, false))
            .shape(ShapeRules.REDUCE)
            .forward(a -> {
                double[] s = Kernels.reduce(a.in(0), a.shape(0),
                        ShapeRules.reducedDims("mean", a.shape(0), a.attrs().getInts("dim")), 0, Double::sum);
                int count = count(a.shape(0), a.attrs());
                for (int i = 0; i < s.length; i++) {
                    s[i] = count == 0 ? Double.NaN : s[i] / count;
                }
                return s;
            })
            .backward(c -> new Tensor[] {
                unreduce(c.grad(), c.input(0).shape(), c.attrs()).div(count(c.input(0).shape(), c.attrs()))})
            .twiceDifferentiable()
            .forwardRule(ForwardRules.LINEAR)
            .samples(reductionSamples())
            .build();

    static final OpDef EXPAND = OpDef.builder("expand")
            .summary("broadcasts input to size (-1 keeps a dimension), as Tensor.expand")
            .inputs(InputSpec.any("input"))
            .attrs(required("size", Type.INTS))
            .shape((op, in, a) -> expandedShape(op, in[0], a.getInts("size")))
            .forward(a -> Kernels.broadcastTo(a.in(0), a.shape(0), a.out()))
            .backward(c -> new Tensor[] {c.grad().sumToSize(c.input(0).shape())})
            .twiceDifferentiable()
            .forwardRule(ForwardRules.LINEAR)
            .samples((rng, m) -> {
                Shape big = Samplers.shape(rng, 1, 3, 4);
                Shape small = Samplers.broadcastPartner(rng, big);
                return new Sample(new Tensor[] {Samplers.tensor(rng, small, Domain.REAL, m)},
                        Attrs.of("size", big.dims()));
            })
            .build();

    static final OpDef SUM_TO_SIZE = OpDef.builder("sum_to_size")
            .summary("sums input down to size, which must broadcast to input's shape, as Tensor.sum_to_size")
            .inputs(InputSpec.real("input"))
            .attrs(required("size", Type.INTS))
            .shape((op, in, a) -> {
                Shape target = Shape.of(a.getInts("size"));
                if (!target.broadcastsTo(in[0])) {
                    throw new ShapeException(op + ": size " + target + " is not expandable to the input's shape " + in[0]);
                }
                return target;
            })
            .forward(a -> Kernels.sumTo(a.in(0), a.shape(0), a.out()))
            .backward(c -> new Tensor[] {c.grad().expand(c.input(0).shape().dims())})
            .twiceDifferentiable()
            .forwardRule(ForwardRules.LINEAR)
            .samples((rng, m) -> {
                Shape big = Samplers.shape(rng, 1, 3, 4);
                Shape small = Samplers.broadcastPartner(rng, big);
                return new Sample(new Tensor[] {Samplers.tensor(rng, big, Domain.REAL, m)},
                        Attrs.of("size", small.dims()));
            })
            .build();


    static final OpDef AMAX = OpDef.builder("amax")
            .summary("maximum over dim (all dimensions when absent), keepdim as in PyTorch; the gradient is "
                    + "split evenly among tied maxima")
            .inputs(InputSpec.real("input"))
            .attrs(optional("dim", Type.INTS, null), optional("keepdim", Type.BOOL, false))
            .shape((op, in, a) -> {
                boolean[] mask = ShapeRules.reducedDims(op, in[0], a.getInts("dim"));
                for (int d = 0; d < mask.length; d++) {
                    if (mask[d] && in[0].dim(d) == 0) {
                        throw new ShapeException(op + ": expected reduction dimension " + d + " of shape " + in[0]
                                + " to have non-zero size");
                    }
                }
                return ShapeRules.REDUCE.apply(op, in, a);
            })
            .forward(a -> Kernels.reduce(a.in(0), a.shape(0),
                    ShapeRules.reducedDims("amax", a.shape(0), a.attrs().getInts("dim")), Double.NEGATIVE_INFINITY,
                    Math::max))
            .backward(c -> {
                Shape in = c.input(0).shape();
                Shape keep = ShapeRules.keepdimShape("amax", in, c.attrs());
                // a constant mask of the maxima, each scaled by 1 / (number of ties in its slice)
                double[] x = TensorAccess.data(c.input(0));
                double[] max = Kernels.broadcastTo(TensorAccess.data(c.output()), keep, in);
                double[] hit = new double[x.length];
                for (int i = 0; i < x.length; i++) {
                    hit[i] = x[i] == max[i] || (Double.isNaN(x[i]) && Double.isNaN(max[i])) ? 1 : 0;
                }
                double[] ties = Kernels.broadcastTo(Kernels.sumTo(hit, in, keep), keep, in);
                for (int i = 0; i < x.length; i++) {
                    hit[i] /= ties[i];
                }
                return new Tensor[] {unreduce(c.grad(), in, c.attrs()).mul(TensorAccess.wrap(hit, in))};
            })
            .twiceDifferentiable()
            .kinks("ties for the maximum")
            .samples(reductionSamples())
            .build();

    static final OpDef LOGSUMEXP = OpDef.builder("logsumexp")
            .summary("log(sum(exp(input))) over dim, computed stably (the maximum is subtracted first)")
            .inputs(InputSpec.real("input"))
            .attrs(required("dim", Type.INTS), optional("keepdim", Type.BOOL, false))
            .shape(ShapeRules.REDUCE)
            .forward(a -> {
                Shape in = a.shape(0);
                boolean[] mask = ShapeRules.reducedDims("logsumexp", in, a.attrs().getInts("dim"));
                double[] x = a.in(0);
                double[] m = Kernels.reduce(x, in, mask, Double.NEGATIVE_INFINITY, Math::max);
                for (int i = 0; i < m.length; i++) {
                    // as PyTorch: an infinite maximum is not subtracted (it would give inf - inf)
                    if (Double.isInfinite(m[i])) {
                        m[i] = 0;
                    }
                }
                Shape keep = ShapeRules.reducedShape("logsumexp", in, a.attrs().getInts("dim"), true);
                double[] mb = Kernels.broadcastTo(m, keep, in);
                double[] e = new double[x.length];
                for (int i = 0; i < x.length; i++) {
                    e[i] = Math.exp(x[i] - mb[i]);
                }
                double[] s = Kernels.sumTo(e, in, keep);
                for (int i = 0; i < s.length; i++) {
                    s[i] = Math.log(s[i]) + m[i];
                }
                return s;
            })
            .backward(c -> {
                Shape in = c.input(0).shape();
                Tensor out = unreduce(c.output(), in, c.attrs());
                return new Tensor[] {unreduce(c.grad(), in, c.attrs()).mul(c.input(0).sub(out).exp())};
            })
            .twiceDifferentiable()
            .forwardRule(c -> {
                // d lse = sum(softmax(x) * v) over dim, softmax(x) = exp(x - lse)
                Shape in = c.input(0).shape();
                Tensor p = c.input(0).sub(unreduce(c.output(), in, c.attrs())).exp();
                return p.mul(c.tangent(0)).sum(c.attrs().getInts("dim"), c.attrs().getBool("keepdim"));
            })
            .samples((rng, m) -> {
                Shape s = Samplers.shape(rng, 0, 3, 4);
                Tensor x = Samplers.tensor(rng, s, Domain.REAL, m);
                int[] dim = s.rank() >= 2 && rng.nextInt(3) == 0 ? new int[] {0, -1}
                        : new int[] {Samplers.dim(rng, s.rank())};
                return new Sample(new Tensor[] {x}, Attrs.of("dim", dim, "keepdim", rng.nextBoolean()));
            })
            .build();

    static final OpDef VECTOR_NORM = OpDef.builder("vector_norm")
            .summary("the Euclidean norm sqrt(sum(input^2)) over dim (all dimensions when absent), keepdim, as "
                    + "torch.linalg.vector_norm(input, 2, dim, keepdim) (and torch.norm, F.normalize, ONNX ReduceL2); "
                    + "the gradient at a zero vector is 0, as PyTorch")
            .inputs(InputSpec.real("input"))
            .attrs(optional("dim", Type.INTS, null), optional("keepdim", Type.BOOL, false))
            .shape(ShapeRules.REDUCE)
            .forward(a -> {
                double[] s = Kernels.reduce(a.in(0), a.shape(0),
                        ShapeRules.reducedDims("vector_norm", a.shape(0), a.attrs().getInts("dim")), 0,
                        (acc, x) -> acc + x * x);
                for (int i = 0; i < s.length; i++) {
                    s[i] = Math.sqrt(s[i]);
                }
                return s;
            })
            .backward(c -> {
                // PyTorch's norm_backward: grad * (x / norm), with x / norm taken as 0 where the norm is 0 (a
                // select: there the chain rule through sqrt would give 0 * inf)
                Shape in = c.input(0).shape();
                Tensor norm = unreduce(c.output(), in, c.attrs());
                Tensor direction = Masks.passWhere(norm, n -> n != 0, c.input(0).div(norm));
                return new Tensor[] {unreduce(c.grad(), in, c.attrs()).mul(direction)};
            })
            .twiceDifferentiable()
            .kinks("a zero vector (the gradient there is 0)")
            .samples(reductionSamples())
            .build();

    /** The shape {@code in} broadcasts to under PyTorch's {@code expand(size)} rules. */
    static Shape expandedShape(String op, Shape in, int[] size) {
        if (size.length < in.rank()) {
            throw new ShapeException(op + ": size " + Arrays.toString(size) + " has fewer dimensions than the input "
                    + in);
        }
        int off = size.length - in.rank();
        int[] out = new int[size.length];
        for (int i = 0; i < size.length; i++) {
            int have = i < off ? -2 : in.dim(i - off);
            if (size[i] == -1) {
                if (have == -2) {
                    throw new ShapeException(op + ": size " + Arrays.toString(size) + ": -1 is not allowed in a new "
                            + "leading dimension (input " + in + ")");
                }
                out[i] = have;
            } else if (have == -2 || have == size[i] || have == 1) {
                if (size[i] < 0) {
                    throw new ShapeException(op + ": size " + Arrays.toString(size) + " has a negative dimension");
                }
                out[i] = size[i];
            } else {
                throw new ShapeException(op + ": the input's shape " + in + " cannot be expanded to size "
                        + Arrays.toString(size) + ": dimension " + (i - off) + " is " + have + ", not 1 or " + size[i]);
            }
        }
        return Shape.of(out);
    }

    /** The gradient of a reduction's output, broadcast back to the input's shape. */
    static Tensor unreduce(Tensor g, Shape input, Attrs a) {
        Shape keep = ShapeRules.keepdimShape("sum", input, a);
        return g.reshape(keep.dims()).expand(input.dims());
    }

    /** How many elements each output of a reduction combines. */
    static int count(Shape input, Attrs a) {
        boolean[] mask = ShapeRules.reducedDims("mean", input, a.getInts("dim"));
        int n = 1;
        for (int d = 0; d < mask.length; d++) {
            if (mask[d]) {
                n *= input.dim(d);
            }
        }
        return n;
    }

    /** Samples for reductions: all dimensions, one (possibly negative) or several, keepdim either way. */
    static SampleGenerator reductionSamples() {
        return (rng, m) -> {
            Shape s = Samplers.shape(rng, 0, 3, 4);
            Tensor x = Samplers.tensor(rng, s, Domain.REAL, m);
            int kind = rng.nextInt(3);
            if (kind == 0 || s.rank() == 0) {
                return new Sample(new Tensor[] {x}, Attrs.EMPTY);
            }
            boolean keep = rng.nextBoolean();
            if (kind == 1 || s.rank() == 1) {
                return new Sample(new Tensor[] {x}, Attrs.of("dim", Samplers.dim(rng, s.rank()), "keepdim", keep));
            }
            return new Sample(new Tensor[] {x}, Attrs.of("dim", new int[] {0, -1}, "keepdim", keep));
        };
    }

    static List<OpDef> all() {
        return List.of(SUM, MEAN, EXPAND, SUM_TO_SIZE, AMAX, LOGSUMEXP, VECTOR_NORM);
    }
}

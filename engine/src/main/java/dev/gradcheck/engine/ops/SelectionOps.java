package dev.gradcheck.engine.ops;

import static dev.gradcheck.engine.op.AttrSpec.required;

import dev.gradcheck.engine.Attrs;
import dev.gradcheck.engine.Ops;
import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.ShapeException;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.op.AttrSpec.Type;
import dev.gradcheck.engine.op.Domain;
import dev.gradcheck.engine.op.ForwardRules;
import dev.gradcheck.engine.op.InputSpec;
import dev.gradcheck.engine.op.OpDef;
import dev.gradcheck.engine.op.Sample;
import dev.gradcheck.engine.op.Samplers;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Ops that pick entries: where (by a 0/1 condition), gather (along a dimension, by an index
 * tensor of the output's shape) and index_select (whole slices, by a list of indices), with the
 * internal adjoints gather_backward and index_select_backward that add gradients back into place.
 * Each op and its adjoint are the other's backward, so all are differentiable to any order.
 *
 * <p>The engine has no bool dtype: a condition is an int64 tensor holding 0 (false) or 1 (true),
 * as a PyTorch bool tensor converted with {@code .long()}; any other value is an error rather than
 * being read as true, so a condition that is really something else is not silently accepted.
 * Indices are int64 and, as in PyTorch, must not be negative.
 */
final class SelectionOps {
    private SelectionOps() {
    }

    /** The values of a condition: 0 or 1. */
    private static final Domain BOOLEAN = new Domain(0, 1, false, new double[0]);

    static final OpDef WHERE = OpDef.builder("where")
            .summary("input where condition is 1 (true), other where it is 0 (false), the three broadcast "
                    + "together, as torch.where; condition is an int64 tensor of 0s and 1s standing for a bool tensor")
            .inputs(new InputSpec("condition", InputSpec.Kind.INDEX, false, BOOLEAN), InputSpec.real("input"),
                    InputSpec.real("other"))
            .shape((op, in, a) -> {
                try {
                    return Shape.broadcast(op, Shape.broadcast(op, in[0], in[1]), in[2]);
                } catch (ShapeException e) {
                    // Shape.broadcast names two of the three shapes: name all of them
                    throw new ShapeException(op + ": condition " + in[0] + ", input " + in[1] + ", other " + in[2]
                            + " do not broadcast together (" + e.getMessage().substring(op.length() + 2) + ")");
                }
            })
            .forward(a -> {
                checkCondition(a.in(0), a.shape(0));
                Shape out = a.out();
                double[] cond = Kernels.broadcastTo(a.in(0), a.shape(0), out);
                double[] x = Kernels.broadcastTo(a.in(1), a.shape(1), out);
                double[] y = Kernels.broadcastTo(a.in(2), a.shape(2), out);
                double[] r = new double[out.size()];
                for (int i = 0; i < r.length; i++) {
                    r[i] = cond[i] == 1 ? x[i] : y[i];
                }
                return r;
            })
            .backward(c -> {
                // the gradient goes where the value came from: where(condition, g, 0) to input,
                // where(condition, 0, g) to other, each summed back to its own shape
                Tensor cond = c.input(0);
                Tensor zero = Tensor.scalar(0);
                Tensor gx = c.needs(1) ? Ops.apply("where", Attrs.EMPTY, cond, c.grad(), zero)
                        .sumToSize(c.input(1).shape()) : null;
                Tensor gy = c.needs(2) ? Ops.apply("where", Attrs.EMPTY, cond, zero, c.grad())
                        .sumToSize(c.input(2).shape()) : null;
                return new Tensor[] {null, gx, gy};
            })
            .twiceDifferentiable()
            .forwardRule(ForwardRules.LINEAR)
            .samples((rng, m) -> {
                // all 0-d one time in six; otherwise each input broadcast from a smaller shape half the time
                Shape out = rng.nextInt(6) == 0 ? Shape.SCALAR : Samplers.shape(rng, 1, 3, 4);
                Shape[] s = new Shape[3];
                for (int i = 0; i < 3; i++) {
                    s[i] = rng.nextBoolean() ? Samplers.broadcastPartner(rng, out) : out;
                }
                return new Sample(new Tensor[] {Samplers.indices(rng, s[0], 2),
                    Samplers.tensor(rng, s[1], Domain.REAL, m), Samplers.tensor(rng, s[2], Domain.REAL, m)},
                        Attrs.EMPTY);
            })
            .build();

    static final OpDef GATHER = OpDef.builder("gather")
            .summary("out[i][j][k] = input[index[i][j][k]][j][k] for dim 0 (likewise for other dims): entries "
                    + "picked along dim by an int64 index of the output's shape, as torch.gather")
            .inputs(InputSpec.any("input"), InputSpec.index("index"))
            .attrs(required("dim", Type.INT))
            .shape((op, in, a) -> {
                gatherDim(op, in[0], in[1], a.getInt("dim"));
                return in[1];
            })
            .forward(a -> {
                Shape x = a.shape(0);
                Shape index = a.shape(1);
                int dim = gatherDim("gather", x, index, a.attrs().getInt("dim"));
                checkIndices("gather", a.in(1), atLeast1d(x).dim(dim), dim, x, index);
                return gather(a.in(0), atLeast1d(x), a.in(1), atLeast1d(index), dim);
            })
            .backward(c -> new Tensor[] {c.needs(0) ? Ops.apply("gather_backward",
                    Attrs.of("dim", c.attrs().getInt("dim"), "size", c.input(0).shape().dims()),
                    c.grad(), c.input(1)) : null, null})
            .twiceDifferentiable()
            .forwardRule(ForwardRules.LINEAR)
            .samples(SelectionOps::gatherSample)
            .build();

    static final OpDef GATHER_BACKWARD = OpDef.builder("gather_backward")
            .summary("internal: a zero tensor of shape size with grad added at the places gather(dim, index) read "
                    + "(a scatter-add); the adjoint of gather")
            .inputs(InputSpec.real("grad"), InputSpec.index("index"))
            .attrs(required("dim", Type.INT), required("size", Type.INTS))
            .shape((op, in, a) -> {
                Shape x = Shape.of(a.getInts("size"));
                gatherDim(op, x, in[1], a.getInt("dim"));
                if (!in[0].equals(in[1])) {
                    throw new ShapeException(op + ": grad " + in[0] + " must have the index's shape " + in[1]);
                }
                return x;
            })
            .forward(a -> {
                Shape x = a.out();
                Shape index = a.shape(1);
                int dim = gatherDim("gather_backward", x, index, a.attrs().getInt("dim"));
                checkIndices("gather_backward", a.in(1), atLeast1d(x).dim(dim), dim, x, index);
                return scatterAdd(a.in(0), a.in(1), atLeast1d(index), atLeast1d(x), dim);
            })
            .backward(c -> new Tensor[] {c.needs(0) ? Ops.apply("gather", Attrs.of("dim", c.attrs().getInt("dim")),
                    c.grad(), c.input(1)) : null, null})
            .twiceDifferentiable()
            .forwardRule(ForwardRules.LINEAR)
            .internal()
            .samples((rng, m) -> {
                Sample g = gatherSample(rng, m);
                Tensor index = g.inputs()[1];
                return new Sample(new Tensor[] {Samplers.tensor(rng, index.shape(), Domain.REAL, m), index},
                        g.attrs().with("size", g.inputs()[0].shape().dims()));
            })
            .build();

    static final OpDef INDEX_SELECT = OpDef.builder("index_select")
            .summary("the slices of input along dim picked by a 1-D (or 0-d) int64 index, in its order, "
                    + "as torch.index_select")
            .inputs(InputSpec.any("input"), InputSpec.index("index"))
            .attrs(required("dim", Type.INT))
            .shape((op, in, a) -> indexSelectShape(op, in[0], in[1], a.getInt("dim")))
            .forward(a -> {
                Shape x = a.shape(0);
                int dim = indexSelectDim("index_select", x, a.shape(1), a.attrs().getInt("dim"));
                checkIndices("index_select", a.in(1), atLeast1d(x).dim(dim), dim, x, a.shape(1));
                Shape xs = atLeast1d(x);
                return indexSelect(a.in(0), xs, a.in(1), dim, xs.with(dim, a.in(1).length));
            })
            .backward(c -> new Tensor[] {c.needs(0) ? Ops.apply("index_select_backward",
                    Attrs.of("dim", c.attrs().getInt("dim"), "size", c.input(0).shape().dims()),
                    c.grad(), c.input(1)) : null, null})
            .twiceDifferentiable()
            .forwardRule(ForwardRules.LINEAR)
            .samples(SelectionOps::indexSelectSample)
            .build();

    static final OpDef INDEX_SELECT_BACKWARD = OpDef.builder("index_select_backward")
            .summary("internal: a zero tensor of shape size with the slices of grad added at the places "
                    + "index_select(dim, index) read; the adjoint of index_select")
            .inputs(InputSpec.real("grad"), InputSpec.index("index"))
            .attrs(required("dim", Type.INT), required("size", Type.INTS))
            .shape((op, in, a) -> {
                Shape x = Shape.of(a.getInts("size"));
                Shape selected = indexSelectShape(op, x, in[1], a.getInt("dim"));
                if (!in[0].equals(selected)) {
                    throw new ShapeException(op + ": grad " + in[0] + " must have shape " + selected
                            + " (index_select of size " + x + " by index " + in[1] + ")");
                }
                return x;
            })
            .forward(a -> {
                Shape x = a.out();
                int dim = indexSelectDim("index_select_backward", x, a.shape(1), a.attrs().getInt("dim"));
                checkIndices("index_select_backward", a.in(1), atLeast1d(x).dim(dim), dim, x, a.shape(1));
                Shape xs = atLeast1d(x);
                return indexAdd(a.in(0), xs.with(dim, a.in(1).length), a.in(1), dim, xs);
            })
            .backward(c -> new Tensor[] {c.needs(0) ? Ops.apply("index_select",
                    Attrs.of("dim", c.attrs().getInt("dim")), c.grad(), c.input(1)) : null, null})
            .twiceDifferentiable()
            .forwardRule(ForwardRules.LINEAR)
            .internal()
            .samples((rng, m) -> {
                Sample s = indexSelectSample(rng, m);
                Shape x = s.inputs()[0].shape();
                Shape g = indexSelectShape("index_select", x, s.inputs()[1].shape(), s.attrs().getInt("dim"));
                return new Sample(new Tensor[] {Samplers.tensor(rng, g, Domain.REAL, m), s.inputs()[1]},
                        s.attrs().with("size", x.dims()));
            })
            .build();

    // ------------------------------------------------------------------------------ shape rules

    /**
     * gather's dim, normalised, after PyTorch's checks: input and index have the same number of
     * dimensions (a 0-d tensor counting as 1-d) and index is no larger than input in every other
     * dimension.
     */
    private static int gatherDim(String op, Shape x, Shape index, int dim) {
        int d = x.normalizeDim(dim, op);
        Shape xs = atLeast1d(x);
        Shape is = atLeast1d(index);
        if (xs.rank() != is.rank()) {
            throw new ShapeException(op + ": input " + x + ", index " + index + ": index must have as many "
                    + "dimensions as input (" + x.rank() + "), got " + index.rank());
        }
        for (int k = 0; k < xs.rank(); k++) {
            if (k != d && is.dim(k) > xs.dim(k)) {
                throw new ShapeException(op + ": input " + x + ", index " + index + ": index must be no larger than "
                        + "input in every dimension but dim " + d + "; dimension " + k + " is " + is.dim(k)
                        + " in index and " + xs.dim(k) + " in input");
            }
        }
        return d;
    }

    /** index_select's dim, normalised: index must be 1-D or 0-d, and a 0-d input takes exactly one index. */
    private static int indexSelectDim(String op, Shape x, Shape index, int dim) {
        int d = x.normalizeDim(dim, op);
        if (index.rank() > 1) {
            throw new ShapeException(op + ": input " + x + ", index " + index + ": index must be 1-D or 0-d, got "
                    + index.rank() + "-D");
        }
        if (x.rank() == 0 && index.size() != 1) {
            // PyTorch 1.13 returns the scalar for any number of zeros but cannot differentiate that;
            // later versions reject it, as here
            throw new ShapeException(op + ": input " + x + ", index " + index + ": a 0-d input takes exactly one "
                    + "index, got " + index.size());
        }
        return d;
    }

    private static Shape indexSelectShape(String op, Shape x, Shape index, int dim) {
        int d = indexSelectDim(op, x, index, dim);
        return x.rank() == 0 ? x : x.with(d, index.size());
    }

    /** A 0-d shape as [1]: PyTorch indexes a scalar as a one-element vector. */
    private static Shape atLeast1d(Shape s) {
        return s.rank() == 0 ? Shape.of(1) : s;
    }

    // ------------------------------------------------------------------------------ kernels

    /**
     * Throws, naming the op, both shapes and the place, when an index is outside [0, size); run
     * before anything is allocated for the output.
     */
    private static void checkIndices(String op, double[] index, int size, int dim, Shape x, Shape indexShape) {
        for (int i = 0; i < index.length; i++) {
            double v = index[i];
            if (!(v >= 0 && v < size)) {
                throw new IllegalArgumentException(op + ": index " + (long) v + " is out of bounds for dimension "
                        + dim + " with size " + size + " (input " + x + ", index " + indexShape + ", at index position "
                        + Arrays.toString(indexShape.unravel(i)) + ")");
            }
        }
    }

    /** Throws when a condition holds anything but 0 and 1. */
    private static void checkCondition(double[] cond, Shape shape) {
        for (int i = 0; i < cond.length; i++) {
            if (cond[i] != 0 && cond[i] != 1) {
                throw new IllegalArgumentException("where: condition must hold only 0 (false) and 1 (true), got "
                        + (long) cond[i] + " at index " + Arrays.toString(shape.unravel(i)) + " (condition " + shape + ")");
            }
        }
    }

    /**
     * out[p] = x[p with p[dim] replaced by index[p]] for every position p of the index: the walk
     * keeps p's offset in the index (and output) and in x with dim left out.
     */
    private static double[] gather(double[] x, Shape xs, double[] index, Shape is, int dim) {
        int[] xStrides = xs.strides();
        int step = xStrides[dim];
        xStrides[dim] = 0;
        double[] out = new double[index.length];
        StridedWalk w = new StridedWalk(is.dims(), is.strides(), xStrides);
        for (int i = 0; i < out.length; i++) {
            out[w.offset(0)] = x[w.offset(1) + (int) index[w.offset(0)] * step];
            w.next();
        }
        return out;
    }

    /** The adjoint of {@link #gather}: grad[p] added to out[p with p[dim] replaced by index[p]]. */
    private static double[] scatterAdd(double[] grad, double[] index, Shape is, Shape xs, int dim) {
        int[] xStrides = xs.strides();
        int step = xStrides[dim];
        xStrides[dim] = 0;
        double[] out = new double[xs.size()];
        StridedWalk w = new StridedWalk(is.dims(), is.strides(), xStrides);
        for (int i = 0; i < grad.length; i++) {
            out[w.offset(1) + (int) index[w.offset(0)] * step] += grad[w.offset(0)];
            w.next();
        }
        return out;
    }

    /** Slice j of the output along dim is slice index[j] of x. */
    private static double[] indexSelect(double[] x, Shape xs, double[] index, int dim, Shape out) {
        int outer = outer(xs, dim);
        int inner = xs.strides()[dim];
        double[] r = new double[out.size()];
        for (int o = 0; o < outer; o++) {
            for (int j = 0; j < index.length; j++) {
                System.arraycopy(x, (o * xs.dim(dim) + (int) index[j]) * inner, r, (o * index.length + j) * inner, inner);
            }
        }
        return r;
    }

    /** The adjoint of {@link #indexSelect}: slice j of grad added to slice index[j] of the result. */
    private static double[] indexAdd(double[] grad, Shape gs, double[] index, int dim, Shape xs) {
        int outer = outer(xs, dim);
        int inner = xs.strides()[dim];
        double[] r = new double[xs.size()];
        for (int o = 0; o < outer; o++) {
            for (int j = 0; j < index.length; j++) {
                int from = (o * index.length + j) * inner;
                int to = (o * xs.dim(dim) + (int) index[j]) * inner;
                for (int k = 0; k < inner; k++) {
                    r[to + k] += grad[from + k];
                }
            }
        }
        return r;
    }

    private static int outer(Shape s, int dim) {
        int n = 1;
        for (int d = 0; d < dim; d++) {
            n *= s.dim(d);
        }
        return n;
    }

    // ------------------------------------------------------------------------------ samples

    /**
     * An input of rank 1..3 (0-d one time in eight), a dim (negative half the time) and an index of
     * the same rank, at most the input's size in the other dimensions and 1..4 long along dim, with
     * repeats (which add up in the gradient).
     */
    private static Sample gatherSample(RandomGenerator rng, double m) {
        Shape x = rng.nextInt(8) == 0 ? Shape.SCALAR : Samplers.shape(rng, 1, 3, 4);
        int dim = Samplers.dim(rng, x.rank());
        Shape xs = atLeast1d(x);
        int d = xs.normalizeDim(dim, "gather");
        int[] id = new int[xs.rank()];
        for (int k = 0; k < id.length; k++) {
            id[k] = k == d ? 1 + rng.nextInt(4) : 1 + rng.nextInt(xs.dim(k));
        }
        Shape index = x.rank() == 0 && rng.nextBoolean() ? Shape.SCALAR : Shape.of(id);
        return new Sample(new Tensor[] {Samplers.tensor(rng, x, Domain.REAL, m),
            Samplers.indices(rng, index, xs.dim(d))}, Attrs.of("dim", dim));
    }

    /** An input of rank 1..3 (0-d one time in eight), a dim and an index of 1..4 entries (0-d one time in six). */
    private static Sample indexSelectSample(RandomGenerator rng, double m) {
        Shape x = rng.nextInt(8) == 0 ? Shape.SCALAR : Samplers.shape(rng, 1, 3, 4);
        int dim = Samplers.dim(rng, x.rank());
        int size = atLeast1d(x).dim(atLeast1d(x).normalizeDim(dim, "index_select"));
        Shape index = x.rank() == 0 || rng.nextInt(6) == 0 ? (rng.nextBoolean() ? Shape.SCALAR : Shape.of(1))
                : Shape.of(1 + rng.nextInt(4));
        return new Sample(new Tensor[] {Samplers.tensor(rng, x, Domain.REAL, m), Samplers.indices(rng, index, size)},
                Attrs.of("dim", dim));
    }

    static List<OpDef> all() {
        return List.of(WHERE, GATHER, GATHER_BACKWARD, INDEX_SELECT, INDEX_SELECT_BACKWARD);
    }
}

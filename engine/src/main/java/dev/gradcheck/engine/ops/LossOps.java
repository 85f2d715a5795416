package dev.gradcheck.engine.ops;

import static dev.gradcheck.engine.op.AttrSpec.choice;

import dev.gradcheck.engine.Attrs;
import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.ShapeException;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.internal.TensorAccess;
import dev.gradcheck.engine.op.Domain;
import dev.gradcheck.engine.op.InputSpec;
import dev.gradcheck.engine.op.OpDef;
import dev.gradcheck.engine.op.Sample;
import dev.gradcheck.engine.op.SampleGenerator;

/**
 * Losses with PyTorch's {@code reduction} ("mean" by default, "sum", "none"): cross_entropy and
 * nll_loss over int64 class indices, mse_loss, and binary_cross_entropy_with_logits.
 */
final class LossOps {
    private LossOps() {
    }

    static final OpDef CROSS_ENTROPY = OpDef.builder("cross_entropy")
            .summary("log_softmax over the class dimension then nll_loss, with int64 class-index targets; "
                    + "input (C), (N, C) or (N, C, d1, ...)")
            .inputs(InputSpec.real("input"), InputSpec.index("target"))
            .attrs(choice("reduction", "mean", "sum", "none"))
            .shape(LossOps::classShape)
            .forward(a -> {
                Classes k = new Classes(a.shape(0));
                double[] logp = SoftmaxOps.softmax(a.in(0), a.shape(0), k.classDim(), true);
                return reduce(k.pick("cross_entropy", logp, a.in(1), a.shape(1)), a.attrs());
            })
            .backward(c -> {
                // d/dx = (softmax(x) - onehot(target)) * g, with g spread over the class dimension
                Classes k = new Classes(c.input(0).shape());
                Tensor p = c.input(0).softmax(k.classDim());
                return new Tensor[] {p.sub(k.oneHot(c.input(1))).mul(k.spread(c.grad(), c.attrs())), null};
            })
            .twiceDifferentiable()
            .samples(classSamples())
            .build();

    static final OpDef NLL_LOSS = OpDef.builder("nll_loss")
            .summary("-input[n, target[n], ...] (input holds log-probabilities), with int64 class-index targets; "
                    + "input (C), (N, C) or (N, C, d1, ...)")
            .inputs(InputSpec.real("input"), InputSpec.index("target"))
            .attrs(choice("reduction", "mean", "sum", "none"))
            .shape(LossOps::classShape)
            .forward(a -> reduce(new Classes(a.shape(0)).pick("nll_loss", a.in(0), a.in(1), a.shape(1)),
                    a.attrs()))
            .backward(c -> {
                Classes k = new Classes(c.input(0).shape());
                return new Tensor[] {k.oneHot(c.input(1)).mul(k.spread(c.grad(), c.attrs())).neg(), null};
            })
            .twiceDifferentiable()
            .samples(classSamples())
            .build();

    static final OpDef MSE_LOSS = OpDef.builder("mse_loss")
            .summary("(input - target)^2, broadcasting, then reduced")
            .inputs(InputSpec.real("input"), InputSpec.real("target"))
            .attrs(choice("reduction", "mean", "sum", "none"))
            .shape((op, in, a) -> reducedShape(Shape.broadcast(op, in[0], in[1]), a))
            .forward(a -> {
                Shape full = Shape.broadcast("mse_loss", a.shape(0), a.shape(1));
                double[] d = Kernels.zip(a.in(0), a.shape(0), a.in(1), a.shape(1), full, (x, t) -> (x - t) * (x - t));
                return reduce(d, a.attrs());
            })
            .backward(c -> {
                Tensor x = c.input(0);
                Tensor t = c.input(1);
                Tensor d = x.sub(t).mul(elementwise(c.grad(), c.attrs(), Shape.broadcast("mse_loss", x.shape(),
                        t.shape()))).mul(2.0);
                return new Tensor[] {c.needs(0) ? d.sumToSize(x.shape()) : null,
                    c.needs(1) ? d.neg().sumToSize(t.shape()) : null};
            })
            .twiceDifferentiable()
            .samples((rng, m) -> {
                Shape a = Samplers.shape(rng, 0, 3, 4);
                Shape b = rng.nextInt(3) == 0 ? Samplers.broadcastPartner(rng, a) : a;
                return new Sample(new Tensor[] {Samplers.tensor(rng, a, Domain.REAL, m),
                    Samplers.tensor(rng, b, Domain.REAL, m)}, reductionAttr(rng));
            })
            .build();

    static final OpDef BCE_WITH_LOGITS = OpDef.builder("binary_cross_entropy_with_logits")
            .summary("-(t log sigmoid(x) + (1 - t) log(1 - sigmoid(x))), computed stably from the logits x; "
                    + "target the same shape as input")
            .inputs(InputSpec.real("input"), InputSpec.real("target", Domain.UNIT_INTERVAL))
            .attrs(choice("reduction", "mean", "sum", "none"))
            .shape((op, in, a) -> {
                if (!in[0].equals(in[1])) {
                    throw new ShapeException(op + ": target " + in[1] + " must be the same shape as input " + in[0]);
                }
                return reducedShape(in[0], a);
            })
            .forward(a -> {
                double[] x = a.in(0);
                double[] t = a.in(1);
                double[] l = new double[x.length];
                for (int i = 0; i < x.length; i++) {
                    // max(x, 0) - x t + log(1 + exp(-|x|)): no overflow for any x
                    l[i] = Math.max(x[i], 0) - x[i] * t[i] + Math.log1p(Math.exp(-Math.abs(x[i])));
                }
                return reduce(l, a.attrs());
            })
            .backward(c -> {
                Tensor x = c.input(0);
                Tensor g = elementwise(c.grad(), c.attrs(), x.shape());
                return new Tensor[] {c.needs(0) ? x.sigmoid().sub(c.input(1)).mul(g) : null,
                    c.needs(1) ? x.neg().mul(g) : null};
            })
            .twiceDifferentiable()
            .samples((rng, m) -> {
                Shape s = Samplers.shape(rng, 0, 3, 4);
                return new Sample(new Tensor[] {Samplers.tensor(rng, s, Domain.REAL, m),
                    Samplers.tensor(rng, s, Domain.UNIT_INTERVAL, 1)}, reductionAttr(rng));
            })
            .build();

    // ---------------------------------------------------------------- reductions

    private static Shape reducedShape(Shape elementwise, Attrs a) {
        return a.getString("reduction").equals("none") ? elementwise : Shape.SCALAR;
    }

    /** Applies the reduction to per-element losses. */
    private static double[] reduce(double[] l, Attrs a) {
        String r = a.getString("reduction");
        if (r.equals("none")) {
            return l;
        }
        double s = 0;
        for (double v : l) {
            s += v;
        }
        return new double[] {r.equals("sum") ? s : (l.length == 0 ? Double.NaN : s / l.length)};
    }

    /** The output gradient as a per-element weight that broadcasts to {@code full}. */
    private static Tensor elementwise(Tensor g, Attrs a, Shape full) {
        return a.getString("reduction").equals("mean") ? g.div(full.size()) : g;
    }

    private static Attrs reductionAttr(java.util.random.RandomGenerator rng) {
        int k = rng.nextInt(4);
        return k == 3 ? Attrs.EMPTY : Attrs.of("reduction", new String[] {"mean", "sum", "none"}[k]);
    }

    // ---------------------------------------------------------------- class-index losses

    private static Shape classShape(String op, Shape[] in, Attrs a) {
        Shape x = in[0];
        Shape t = in[1];
        if (x.rank() == 0) {
            throw new ShapeException(op + ": input must have a class dimension, got a 0-d input " + x
                    + " with target " + t);
        }
        Shape expected = Classes.targetShape(x);
        if (!expected.equals(t)) {
            throw new ShapeException(op + ": target " + t + " does not fit input " + x + ": expected a target of shape "
                    + expected + (x.rank() == 1 ? " (one class index for an unbatched input)"
                            : " (the input's shape without the class dimension 1)"));
        }
        return reducedShape(t, a);
    }

    /** The layout of a class-index loss input: N batches, C classes at dimension 1, S positions. */
    private static final class Classes {
        final Shape input;
        final int batches;
        final int classes;
        final int positions;

        Classes(Shape input) {
            this.input = input;
            if (input.rank() == 1) {
                batches = 1;
                classes = input.dim(0);
                positions = 1;
            } else {
                batches = input.dim(0);
                classes = input.dim(1);
                positions = classes == 0 || batches == 0 ? 0 : input.size() / (batches * classes);
            }
        }

        static Shape targetShape(Shape x) {
            if (x.rank() == 1) {
                return Shape.SCALAR;
            }
            int[] d = new int[x.rank() - 1];
            d[0] = x.dim(0);
            for (int i = 2; i < x.rank(); i++) {
                d[i - 1] = x.dim(i);
            }
            return Shape.of(d);
        }

        int classDim() {
            return input.rank() == 1 ? 0 : 1;
        }

        /** Per target position, -values[n, target[n, s], s]. */
        double[] pick(String op, double[] values, double[] target, Shape targetShape) {
            double[] out = new double[target.length];
            for (int n = 0; n < batches; n++) {
                for (int s = 0; s < positions; s++) {
                    int c = classOf(op, target[n * positions + s], targetShape);
                    double v = values[(n * classes + c) * positions + s];
                    out[n * positions + s] = -v;
                }
            }
            return out;
        }

        int classOf(String op, double t, Shape targetShape) {
            if (t < 0 || t >= classes) {
                throw new IllegalArgumentException(op + ": target " + (long) t + " is out of bounds: input " + input
                        + " has " + classes + " classes, so class indices must be in 0.." + (classes - 1)
                        + " (target " + targetShape + ")");
            }
            return (int) t;
        }

        /** A constant tensor of the input's shape, 1 at each target class. */
        Tensor oneHot(Tensor target) {
            double[] t = TensorAccess.data(target);
            double[] h = new double[input.size()];
            for (int n = 0; n < batches; n++) {
                for (int s = 0; s < positions; s++) {
                    int c = classOf("one_hot", t[n * positions + s], target.shape());
                    h[(n * classes + c) * positions + s] = 1;
                }
            }
            return TensorAccess.wrap(h, input);
        }

        /** The output gradient, shaped to broadcast over the input (class dimension of size 1). */
        Tensor spread(Tensor g, Attrs a) {
            String r = a.getString("reduction");
            if (r.equals("mean")) {
                return g.div(batches * positions);
            }
            if (r.equals("sum") || input.rank() == 1) {
                return g;
            }
            int[] d = input.dims();
            d[1] = 1;
            return g.reshape(d);
        }
    }

    private static SampleGenerator classSamples() {
        return (rng, m) -> {
            int kind = rng.nextInt(4);
            int classes = 1 + rng.nextInt(4);
            Shape x;
            if (kind == 0) {
                x = Shape.of(classes);
            } else if (kind == 3) {
                x = Shape.of(1 + rng.nextInt(3), classes, 1 + rng.nextInt(3));
            } else {
                x = Shape.of(1 + rng.nextInt(4), classes);
            }
            return new Sample(new Tensor[] {Samplers.tensor(rng, x, Domain.REAL, m),
                Samplers.indices(rng, Classes.targetShape(x), classes)}, reductionAttr(rng));
        };
    }
}

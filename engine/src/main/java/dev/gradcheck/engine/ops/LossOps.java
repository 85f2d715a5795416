package dev.gradcheck.engine.ops;

import static dev.gradcheck.engine.op.AttrSpec.choice;
import static dev.gradcheck.engine.op.AttrSpec.optional;

import dev.gradcheck.engine.Attrs;
import dev.gradcheck.engine.DType;
import dev.gradcheck.engine.Ops;
import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.ShapeException;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.internal.TensorAccess;
import dev.gradcheck.engine.op.AttrSpec.Type;
import dev.gradcheck.engine.op.ClassLayout;
import dev.gradcheck.engine.op.ClassificationLoss;
import dev.gradcheck.engine.op.Domain;
import dev.gradcheck.engine.op.IndexRange;
import dev.gradcheck.engine.op.ForwardRules;
import dev.gradcheck.engine.op.InputSpec;
import dev.gradcheck.engine.op.OpDef;
import dev.gradcheck.engine.op.Sample;
import dev.gradcheck.engine.op.SampleGenerator;
import dev.gradcheck.engine.op.Samplers;
import dev.gradcheck.engine.op.ShapeRule;

/**
 * Losses with PyTorch's {@code reduction} ("mean" by default, "sum", "none"): cross_entropy over
 * int64 class indices or float64 class probabilities ({@link ClassProbabilities}), nll_loss over
 * class indices, mse_loss, and binary_cross_entropy_with_logits.
 */
final class LossOps {
    private LossOps() {
    }

    /** The optional class weights of the class-index losses: constant (no gradient), one per class. */
    private static final InputSpec CLASS_WEIGHT = new InputSpec("weight", InputSpec.Kind.CONSTANT, true, Domain.POSITIVE);
    /** Class-index targets: in [0, C) with C the input's class dimension, or ignore_index. */
    private static final IndexRange CLASS_RANGE = IndexRange.into("class target", 0, 1, "ignore_index");

    static final OpDef CROSS_ENTROPY = OpDef.builder("cross_entropy")
            .summary("log_softmax over the class dimension, then the negative log-likelihood of the target: int64 "
                    + "class indices (the input's shape without the class dimension; targets equal to ignore_index "
                    + "count for nothing) or float64 class probabilities of the input's shape (differentiable; "
                    + "\"mean\" divides by the number of positions; ignore_index must stay negative); input (C), "
                    + "(N, C) or (N, C, d1, ...); optional class weights (C); label_smoothing mixes the target with "
                    + "the uniform one")
            .inputs(InputSpec.real("input"), InputSpec.indexOrReal("target", CLASS_RANGE), CLASS_WEIGHT)
            .classification(ClassificationLoss.classesAlongDim1())
            .attrs(optional("ignore_index", Type.INT, -100), choice("reduction", "mean", "sum", "none"),
                    optional("label_smoothing", Type.FLOAT, 0.0))
            .shape(classShape(true))
            .forward(a -> {
                if (ClassProbabilities.given(a.shape(0), a.shape(1))) {
                    return new ClassProbabilities(a.shape(0), weights(a), a.attrs()).forward(a.in(0), a.in(1));
                }
                Classes k = new Classes("cross_entropy", a.shape(0), a.in(1), a.shape(1), weights(a), a.attrs());
                return k.reduce(k.picked(SoftmaxOps.softmax(a.in(0), a.shape(0), k.classDim(), true)));
            })
            .backward(c -> {
                if (ClassProbabilities.given(c.input(0).shape(), c.input(1).shape())) {
                    return new ClassProbabilities(c.input(0).shape(), weights(c), c.attrs()).backward(c);
                }
                // as PyTorch's nll_loss(log_softmax(x)): nll_loss's backward (see there) into log_softmax's,
                // d/dx = u - softmax(x) * sum_c u (equal to (softmax(x) * A - Q) * g, A the sum of Q over
                // classes, but PyTorch's numbers when g is infinite or NaN)
                Classes k = new Classes("cross_entropy", c.input(0), c.input(1), weights(c), c.attrs());
                Tensor u = k.logProbabilityGrad(c.grad());
                return withoutWeightGrad(c, u.sub(c.input(0).softmax(k.classDim()).mul(u.sum(k.classDim(), true))));
            })
            .twiceDifferentiable()
            .samples(classSamples(true))
            .build();

    static final OpDef NLL_LOSS = OpDef.builder("nll_loss")
            .summary("-weight[t] * input[n, t, ...] with t = target[n, ...] (input holds log-probabilities), "
                    + "int64 class-index targets; input (C), (N, C) or (N, C, d1, ...); optional class weights (C); "
                    + "targets equal to ignore_index count for nothing")
            .inputs(InputSpec.real("input"), InputSpec.index("target", CLASS_RANGE), CLASS_WEIGHT)
            .classification(ClassificationLoss.classesAlongDim1())
            .attrs(optional("ignore_index", Type.INT, -100), choice("reduction", "mean", "sum", "none"))
            .shape(classShape(false))
            .forward(a -> {
                Classes k = new Classes("nll_loss", a.shape(0), a.in(1), a.shape(1), weights(a), a.attrs());
                return k.reduce(k.picked(a.in(0)));
            })
            .backward(c -> {
                Classes k = new Classes("nll_loss", c.input(0), c.input(1), weights(c), c.attrs());
                return withoutWeightGrad(c, k.logProbabilityGrad(c.grad()));
            })
            .twiceDifferentiable()
            .forwardRule(ForwardRules.LINEAR)
            .samples(classSamples(false))
            .build();

    /**
     * A class loss's output gradient shaped to broadcast over its input (C), (N, C) or (N, C, d1, …):
     * divided by {@code divisor} for "mean" (a scalar), as is for "sum" or an unbatched input, else
     * the per-position gradient with the class dimension put back as 1.
     */
    static Tensor spread(Tensor g, Shape input, String reduction, double divisor) {
        if (reduction.equals("mean")) {
            return g.div(divisor);
        }
        if (reduction.equals("sum") || input.rank() == 1) {
            return g;
        }
        return g.unsqueeze(1);
    }

    private static double[] weights(dev.gradcheck.engine.op.ForwardArgs a) {
        return a.count() > 2 ? a.in(2) : null;
    }

    private static double[] weights(dev.gradcheck.engine.op.BackwardContext c) {
        return c.count() > 2 ? TensorAccess.data(c.input(2)) : null;
    }

    private static Tensor[] withoutWeightGrad(dev.gradcheck.engine.op.BackwardContext c, Tensor gx) {
        return c.count() > 2 ? new Tensor[] {gx, null, null} : new Tensor[] {gx, null};
    }

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
            .forwardRule(c -> {
                // d (x - t)^2 = 2 (x - t) (v_x - v_t), then reduced as the loss is
                Tensor d = c.input(0).sub(c.input(1)).mul(c.tangentOrZeros(0).sub(c.tangentOrZeros(1))).mul(2.0);
                String reduction = c.attrs().getString("reduction");
                return "none".equals(reduction) ? d : "sum".equals(reduction) ? d.sum() : d.mean();
            })
            .samples((rng, m) -> {
                Shape a = Samplers.shape(rng, 0, 3, 4);
                Shape b = rng.nextInt(3) == 0 ? Samplers.broadcastPartner(rng, a) : a;
                return new Sample(new Tensor[] {Samplers.tensor(rng, a, Domain.REAL, m),
                    Samplers.tensor(rng, b, Domain.REAL, m)}, reductionAttr(rng));
            })
            .build();

    static final OpDef BCE_WITH_LOGITS = OpDef.builder("binary_cross_entropy_with_logits")
            .summary("-w (p t log sigmoid(x) + (1 - t) log(1 - sigmoid(x))), computed stably from the logits x; "
                    + "target the same shape as input; optional weight w and pos_weight p (constants that broadcast "
                    + "to the input)")
            .inputs(InputSpec.real("input"), InputSpec.real("target", Domain.UNIT_INTERVAL),
                    new InputSpec("weight", InputSpec.Kind.CONSTANT, true, Domain.POSITIVE),
                    new InputSpec("pos_weight", InputSpec.Kind.CONSTANT, true, Domain.POSITIVE))
            .classification(ClassificationLoss.binaryPerEntry())
            .attrs(choice("reduction", "mean", "sum", "none"))
            .shape((op, in, a) -> {
                if (!in[0].equals(in[1])) {
                    throw new ShapeException(op + ": target " + in[1] + " must be the same shape as input " + in[0]);
                }
                for (int i = 2; i < in.length; i++) {
                    if (!in[i].broadcastsTo(in[0])) {
                        throw new ShapeException(op + ": " + (i == 2 ? "weight " : "pos_weight ") + in[i]
                                + " does not broadcast to input " + in[0]);
                    }
                }
                return reducedShape(in[0], a);
            })
            .forward(a -> {
                double[] x = a.in(0);
                double[] t = a.in(1);
                double[] w = a.count() > 2 ? Kernels.broadcastTo(a.in(2), a.shape(2), a.shape(0)) : null;
                double[] pw = a.count() > 3 ? Kernels.broadcastTo(a.in(3), a.shape(3), a.shape(0)) : null;
                double[] l = new double[x.length];
                for (int i = 0; i < x.length; i++) {
                    // (1 - t) x + (1 + (p - 1) t) softplus(-x), softplus(-x) = log(1 + exp(-|x|)) + max(-x, 0)
                    double sp = Math.log1p(Math.exp(-Math.abs(x[i]))) + Math.max(-x[i], 0);
                    double lw = pw == null ? 1 : 1 + (pw[i] - 1) * t[i];
                    l[i] = ((1 - t[i]) * x[i] + lw * sp) * (w == null ? 1 : w[i]);
                }
                return reduce(l, a.attrs());
            })
            .backward(c -> {
                Tensor x = c.input(0);
                Tensor t = c.input(1);
                Tensor g = elementwise(c.grad(), c.attrs(), x.shape());
                if (c.count() > 2) {
                    g = g.mul(c.input(2));
                }
                Tensor gx = null;
                Tensor gt = null;
                if (c.count() > 3) {
                    // d/dx = (1 - t) sigmoid(x) - p t sigmoid(-x) (no cancellation of large terms);
                    // d/dt = p softplus(-x) - softplus(x)
                    Tensor p = c.input(3);
                    gx = c.needs(0) ? t.rsub(1).mul(x.sigmoid()).sub(p.mul(t).mul(x.neg().sigmoid())).mul(g) : null;
                    gt = c.needs(1) ? p.mul(softplus(x.neg())).sub(softplus(x)).mul(g) : null;
                } else {
                    gx = c.needs(0) ? x.sigmoid().sub(t).mul(g) : null;
                    gt = c.needs(1) ? x.neg().mul(g) : null;
                }
                Tensor[] r = new Tensor[c.count()];
                r[0] = gx;
                r[1] = gt;
                return r;
            })
            .twiceDifferentiable()
            .samples((rng, m) -> {
                Shape s = Samplers.shape(rng, 0, 3, 4);
                Tensor[] in = {Samplers.tensor(rng, s, Domain.REAL, m), Samplers.tensor(rng, s, Domain.UNIT_INTERVAL, 1)};
                int extra = rng.nextInt(3);
                if (extra > 0) {
                    Tensor[] more = new Tensor[2 + extra];
                    System.arraycopy(in, 0, more, 0, 2);
                    for (int i = 2; i < more.length; i++) {
                        more[i] = Samplers.tensor(rng, Samplers.broadcastPartner(rng, s), Domain.POSITIVE, 1);
                    }
                    in = more;
                }
                return new Sample(in, reductionAttr(rng));
            })
            .build();

    /** log(1 + exp(x)), exact in double precision (beyond 40 it equals x to the last bit). */
    private static Tensor softplus(Tensor x) {
        return Ops.apply("softplus", Attrs.of("threshold", 40.0), x);
    }

    // ---------------------------------------------------------------- reductions

    private static Shape reducedShape(Shape elementwise, Attrs a) {
        return a.getString("reduction").equals("none") ? elementwise : Shape.SCALAR;
    }

    /** Applies the reduction to per-element losses ("mean" divides by their number; NaN when there are none). */
    private static double[] reduce(double[] l, Attrs a) {
        return reduce(l, a.getString("reduction"), l.length);
    }

    /** "none" keeps the per-element losses, "sum" adds them, "mean" divides that sum by {@code meanDivisor}. */
    static double[] reduce(double[] l, String reduction, double meanDivisor) {
        if (reduction.equals("none")) {
            return l;
        }
        double s = 0;
        for (double v : l) {
            s += v;
        }
        return new double[] {reduction.equals("sum") ? s : s / meanDivisor};
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

    /**
     * The shape rule of the class losses: a target of class indices (the input's shape without the
     * class dimension) or, when {@code probabilities}, of class probabilities (the input's shape).
     */
    private static ShapeRule classShape(boolean probabilities) {
        return (op, in, a) -> classShape(op, in, a, probabilities);
    }

    private static Shape classShape(String op, Shape[] in, Attrs a, boolean probabilities) {
        Shape x = in[0];
        Shape t = in[1];
        if (x.rank() == 0) {
            throw new ShapeException(op + ": input must have a class dimension, got a 0-d input " + x
                    + " with target " + t);
        }
        if (a.has("label_smoothing") && !(a.getDouble("label_smoothing") >= 0 && a.getDouble("label_smoothing") <= 1)) {
            throw new IllegalArgumentException(op + ": label_smoothing must be between 0.0 and 1.0, got "
                    + a.getDouble("label_smoothing"));
        }
        if (in.length > 2 && !in[2].equals(Shape.of(x.dim(x.rank() == 1 ? 0 : 1)))) {
            throw new ShapeException(op + ": weight " + in[2] + " must hold one weight per class: shape ["
                    + x.dim(x.rank() == 1 ? 0 : 1) + "] for input " + x);
        }
        Shape expected = Classes.targetShape(x);
        String indices = expected + (x.rank() == 1 ? " (one class index for an unbatched input)"
                : " (the input's shape without the class dimension 1)");
        if (probabilities && ClassProbabilities.given(x, t)) {
            if (a.getInt("ignore_index") >= 0) {
                throw new IllegalArgumentException(op + ": ignore_index " + a.getInt("ignore_index") + " is not "
                        + "supported for a target of class probabilities (target " + t + ", the input's shape), as "
                        + "in PyTorch: leave ignore_index at its default -100");
            }
            return reducedShape(expected, a);
        }
        if (!expected.equals(t)) {
            throw new ShapeException(op + ": target " + t + " does not fit input " + x + ": expected "
                    + (probabilities ? "int64 class indices of shape " + indices + " or float64 class probabilities "
                            + "of the input's shape " + x : "a target of shape " + indices));
        }
        return reducedShape(t, a);
    }

    /**
     * A class-index loss's input and target: N batches, C classes at dimension 1, S positions per
     * batch entry; each target position's class (-1 where the target is ignore_index), the class
     * weights (null: all 1) and label_smoothing. Per position, the loss is -sum_c Q_c logp_c with
     * the target distribution Q_c = (1 - e) w_t [c = t] + e w_c / C.
     */
    private static final class Classes {
        final Shape input;
        final int batches;
        final int classes;
        final int positions;
        final String reduction;
        final int[] cls;
        final double[] weight;
        /** label_smoothing (cross_entropy only; 0 for nll_loss). */
        final double smoothing;
        /** The "mean" divisor: the summed weights of the targets not ignored. */
        final double divisor;

        Classes(String op, Tensor input, Tensor target, double[] weight, Attrs a) {
            this(op, input.shape(), TensorAccess.data(target), target.shape(), weight, a);
        }

        Classes(String op, Shape input, double[] target, Shape targetShape, double[] weight, Attrs a) {
            this.input = input;
            this.weight = weight;
            this.reduction = a.getString("reduction");
            ClassLayout layout = ClassLayout.of(input);
            batches = layout.batches();
            classes = layout.classes();
            positions = layout.positions();
            smoothing = a.has("label_smoothing") ? a.getDouble("label_smoothing") : 0;
            int ignore = a.getInt("ignore_index");
            cls = new int[target.length];
            double total = 0;
            for (int i = 0; i < target.length; i++) {
                double t = target[i];
                if (t == ignore) {
                    cls[i] = -1;
                } else if (t < 0 || t >= classes) {
                    throw new IllegalArgumentException(op + ": target " + (long) t + " is out of bounds: input " + input
                            + " has " + classes + " classes, so class indices must be in 0.." + (classes - 1)
                            + " (or ignore_index " + ignore + "; target " + targetShape + ")");
                } else {
                    cls[i] = (int) t;
                    total += w((int) t);
                }
            }
            divisor = total;
        }

        private double w(int c) {
            return weight == null ? 1 : weight[c];
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

        /** Per target position, -sum_c Q_c values[n, c, s]; 0 where ignored. */
        double[] picked(double[] values) {
            double[] out = new double[cls.length];
            for (int n = 0; n < batches; n++) {
                for (int s = 0; s < positions; s++) {
                    int t = cls[n * positions + s];
                    if (t < 0) {
                        continue;
                    }
                    double v = -w(t) * values[(n * classes + t) * positions + s];
                    if (smoothing != 0) {
                        double all = 0;
                        for (int c = 0; c < classes; c++) {
                            all -= w(c) * values[(n * classes + c) * positions + s];
                        }
                        v = (1 - smoothing) * v + smoothing / classes * all;
                    }
                    out[n * positions + s] = v;
                }
            }
            return out;
        }

        /** The reduction; "mean" divides by the summed weights of the targets not ignored (NaN when none). */
        double[] reduce(double[] l) {
            return LossOps.reduce(l, reduction, divisor);
        }

        /** The constant target distribution Q (input's shape), zeros where ignored. */
        Tensor targetDistribution() {
            double[] q = new double[input.size()];
            for (int n = 0; n < batches; n++) {
                for (int s = 0; s < positions; s++) {
                    int t = cls[n * positions + s];
                    if (t < 0) {
                        continue;
                    }
                    if (smoothing != 0) {
                        for (int c = 0; c < classes; c++) {
                            q[(n * classes + c) * positions + s] = smoothing * w(c) / classes;
                        }
                    }
                    q[(n * classes + t) * positions + s] += (1 - smoothing) * w(t);
                }
            }
            return TensorAccess.wrap(q, input);
        }

        /**
         * The gradient of the loss with respect to the log-probabilities it reads, -Q g (g spread over the
         * classes), where it reads them: the target of each position not ignored (every class of it with
         * label smoothing); 0 elsewhere whatever g holds (PyTorch's nll_loss_backward scatters, and its
         * label smoothing term is masked_fill'ed at the ignored positions).
         */
        Tensor logProbabilityGrad(Tensor g) {
            return Masks.passWhere(reads(), targetDistribution().mul(spread(g)).neg());
        }

        /** The int64 condition (input's shape): 1 at the entries the loss reads. */
        private Tensor reads() {
            double[] r = new double[input.size()];
            for (int n = 0; n < batches; n++) {
                for (int s = 0; s < positions; s++) {
                    int t = cls[n * positions + s];
                    for (int c = 0; c < classes && t >= 0; c++) {
                        r[(n * classes + c) * positions + s] = c == t || smoothing != 0 ? 1 : 0;
                    }
                }
            }
            return TensorAccess.wrap(r, input, DType.INT64);
        }

        Tensor spread(Tensor g) {
            return LossOps.spread(g, input, reduction, divisor);
        }
    }

    /**
     * Samples of the class losses; {@code crossEntropy} adds label_smoothing and, in a third of the
     * draws, a target of class probabilities (a softmax of normal values per position).
     */
    private static SampleGenerator classSamples(boolean crossEntropy) {
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
            Tensor target = Samplers.indices(rng, Classes.targetShape(x), classes);
            if (target.size() > 1 && rng.nextInt(4) == 0) {
                // one position with PyTorch's default ignore_index, -100
                long[] t = new long[target.size()];
                double[] d = target.data();
                for (int i = 0; i < t.length; i++) {
                    t[i] = (long) d[i];
                }
                t[rng.nextInt(t.length)] = -100;
                target = Tensor.ofLongs(t, target.shape().dims());
            }
            Attrs a = reductionAttr(rng);
            if (crossEntropy && rng.nextInt(3) == 0) {
                a = a.with("label_smoothing", rng.nextDouble());
            }
            Tensor input = Samplers.tensor(rng, x, Domain.REAL, m);
            Tensor w = rng.nextInt(3) == 0 ? Samplers.tensor(rng, Shape.of(classes), Domain.POSITIVE, 1) : null;
            if (crossEntropy && rng.nextInt(3) == 0) {
                target = Samplers.tensor(rng, x, Domain.REAL, 1).softmax(x.rank() == 1 ? 0 : 1).detach();
            }
            return new Sample(w == null ? new Tensor[] {input, target} : new Tensor[] {input, target, w}, a);
        };
    }
}

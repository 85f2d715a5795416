package dev.gradcheck.engine.ops;

import dev.gradcheck.engine.Attrs;
import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.op.BackwardContext;
import dev.gradcheck.engine.op.ClassLayout;

/**
 * cross_entropy with class-probability targets (PyTorch 1.10 and later): a float64 target of the
 * input's shape. Per position the loss is {@code -sum_c w_c q_c logp_c} with {@code q = (1 - e)
 * target + e / C} (e the label_smoothing, w the class weights, all 1 when absent, logp the
 * log_softmax over the class dimension). "mean" divides by the number of positions, not by the
 * weights as for class indices (NaN for an empty input, as PyTorch); ignore_index does not apply.
 * The target gets a gradient: {@code -(1 - e) w_c logp_c}.
 */
final class ClassProbabilities {
    private final Shape input;
    private final int batches;
    private final int classes;
    private final int positions;
    private final double[] weight;
    private final double smoothing;
    private final String reduction;

    /** The layout of {@code input} ((C), (N, C) or (N, C, d1, ...)); {@code weight} null for none. */
    ClassProbabilities(Shape input, double[] weight, Attrs a) {
        this.input = input;
        this.weight = weight;
        this.smoothing = a.getDouble("label_smoothing");
        this.reduction = a.getString("reduction");
        ClassLayout layout = ClassLayout.of(input);
        batches = layout.batches();
        classes = layout.classes();
        positions = layout.positions();
    }

    /** True when {@code target} is the probability form for {@code input}: the same shape, as PyTorch decides. */
    static boolean given(Shape input, Shape target) {
        return input.equals(target);
    }

    int classDim() {
        return input.rank() == 1 ? 0 : 1;
    }

    /** The per-position losses (the input's shape without the class dimension), reduced. */
    double[] forward(double[] x, double[] target) {
        double[] logp = SoftmaxOps.softmax(x, input, classDim(), true);
        double[] out = new double[batches * positions];
        for (int n = 0; n < batches; n++) {
            for (int s = 0; s < positions; s++) {
                double v = 0;
                for (int c = 0; c < classes; c++) {
                    int i = (n * classes + c) * positions + s;
                    double q = (1 - smoothing) * target[i] + smoothing / classes;
                    v -= w(c) * q * logp[i];
                }
                out[n * positions + s] = v;
            }
        }
        return LossOps.reduce(out, reduction, meanDivisor());
    }

    /**
     * Gradients of input, target (and none for the constant weights), from differentiable ops, as
     * PyTorch's composite: log_softmax's backward of u = -Q g (Q = w q), d/dx = u - softmax(x) sum_c u
     * (which is (softmax(x) A - Q) g with A the sum of Q over classes, but PyTorch's numbers when g is
     * infinite or NaN); d/dtarget = -(1 - e) w logp g.
     */
    Tensor[] backward(BackwardContext c) {
        Tensor x = c.input(0);
        Tensor g = LossOps.spread(c.grad(), input, reduction, meanDivisor());
        Tensor w = c.count() > 2 ? c.input(2).reshape(weightShape()) : null;
        Tensor gx = null;
        if (c.needs(0)) {
            Tensor q = smoothing == 0 ? c.input(1) : c.input(1).mul(1 - smoothing).add(smoothing / classes);
            Tensor weighted = w == null ? q : q.mul(w);
            Tensor u = weighted.mul(g).neg();
            gx = u.sub(x.softmax(classDim()).mul(u.sum(classDim(), true)));
        }
        Tensor gt = null;
        if (c.needs(1)) {
            Tensor logp = x.logSoftmax(classDim());
            gt = (w == null ? logp : logp.mul(w)).mul(smoothing - 1).mul(g);
        }
        return c.count() > 2 ? new Tensor[] {gx, gt, null} : new Tensor[] {gx, gt};
    }

    /** "mean" divides by the number of positions (NaN for an empty input, as PyTorch). */
    private double meanDivisor() {
        return input.size() == 0 ? Double.NaN : batches * positions;
    }

    private double w(int c) {
        return weight == null ? 1 : weight[c];
    }

    /** The class weights laid out along the class dimension: (C) unbatched, else (C, 1, ...). */
    private int[] weightShape() {
        int[] d = new int[Math.max(1, input.rank() - 1)];
        java.util.Arrays.fill(d, 1);
        d[0] = classes;
        return d;
    }
}

package dev.gradcheck.kernels.incremental;

import dev.gradcheck.engine.Attrs;
import dev.gradcheck.engine.DType;
import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.Tensor;

/**
 * cross_entropy of [N, C] logits with class-index targets, no class weights, no label smoothing,
 * reduction "mean" or "sum": the per-row losses of the rows whose logits changed, with the
 * engine's arithmetic (a stable log_softmax of the row, minus its target's entry), then the
 * reduction over all rows in the engine's order from the kept losses of the others.
 */
final class CrossEntropyRule extends Rule {
    private final int rows;
    private final int classes;
    /** Per row its class, or -1 where the target is ignore_index. */
    private final int[] cls;
    private final boolean mean;
    private final double divisor;
    private final double[] rowLoss;

    private CrossEntropyRule(int out, int[] in, int rows, int classes, int[] cls, boolean mean, double divisor,
            double[] rowLoss) {
        super(out, in);
        this.rows = rows;
        this.classes = classes;
        this.cls = cls;
        this.mean = mean;
        this.divisor = divisor;
        this.rowLoss = rowLoss;
    }

    /**
     * The rule for a cross_entropy node, or null for a case it does not cover (class weights, label
     * smoothing, changing targets, another layout or reduction), or when it does not reproduce the
     * cached loss bit for bit.
     */
    static CrossEntropyRule of(Node node) {
        Tensor[] inputs = node.inputs();
        if (node.in().length != 2 || inputs[0].dtype() != DType.FLOAT64 || inputs[1].dtype() != DType.INT64
                || node.varying()[node.in()[1]]) {
            return null;
        }
        return of(node.out(), node.in(), node.attrs(), node.shapes(), node.data(), node.cachedOut());
    }

    private static CrossEntropyRule of(int out, int[] in, Attrs attrs, Shape[] shapes, double[][] cachedIn,
            double[] cachedOut) {
        if (shapes[0].rank() != 2 || attrs.getDouble("label_smoothing") != 0) {
            return null;
        }
        String reduction = attrs.getString("reduction");
        if (!reduction.equals("mean") && !reduction.equals("sum")) {
            return null;
        }
        int rows = shapes[0].dim(0);
        int classes = shapes[0].dim(1);
        int ignore = attrs.getInt("ignore_index");
        int[] cls = new int[rows];
        double total = 0;
        for (int r = 0; r < rows; r++) {
            double t = cachedIn[1][r];
            if (t == ignore) {
                cls[r] = -1;
            } else if (t < 0 || t >= classes) {
                return null; // the engine reports it
            } else {
                cls[r] = (int) t;
                total += 1;
            }
        }
        CrossEntropyRule rule = new CrossEntropyRule(out, in, rows, classes, cls, reduction.equals("mean"), total,
                new double[rows]);
        for (int r = 0; r < rows; r++) {
            rule.rowLoss[r] = rule.loss(cachedIn[0], r);
        }
        double v = rule.reduce(rule.rowLoss);
        return Double.doubleToRawLongBits(v) == Double.doubleToRawLongBits(cachedOut[0]) ? rule : null;
    }

    /** Row r's loss: −log_softmax(x[r])[target], as the engine's softmax and picking compute it. */
    private double loss(double[] x, int r) {
        int t = cls[r];
        if (t < 0) {
            return 0;
        }
        int base = r * classes;
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < classes; k++) {
            max = Math.max(max, x[base + k]);
        }
        double sum = 0;
        for (int k = 0; k < classes; k++) {
            sum += Math.exp(x[base + k] - max);
        }
        double logSum = Math.log(sum);
        double z = x[base + t] - max;
        return -1.0 * (z - logSum);
    }

    private double reduce(double[] l) {
        double s = 0;
        for (double v : l) {
            s += v;
        }
        return mean ? s / divisor : s;
    }

    @Override
    String kind() {
        return "cross_entropy";
    }

    /** One thread's per-row losses (the kept ones, with the changed rows replaced) and marks. */
    private static final class Scratch {
        final double[] loss;
        final boolean[] changed;
        final int[] list;

        Scratch(double[] kept) {
            loss = kept.clone();
            changed = new boolean[kept.length];
            list = new int[kept.length];
        }
    }

    @Override
    void propagate(State s, double[][] cache, int step) {
        Scratch sc = (Scratch) s.scratch[step];
        if (sc == null) {
            sc = new Scratch(rowLoss);
            s.scratch[step] = sc;
        }
        int t = in[0];
        int[] idx = s.changed[t];
        double[] x = s.cur[t];
        int nRows = 0;
        for (int q = 0; q < s.n[t]; q++) {
            int r = idx[q] / classes;
            if (!sc.changed[r]) {
                sc.changed[r] = true;
                sc.list[nRows++] = r;
            }
        }
        for (int q = 0; q < nRows; q++) {
            sc.loss[sc.list[q]] = loss(x, sc.list[q]);
        }
        s.setOnce(cache, out, 0, reduce(sc.loss));
        for (int q = 0; q < nRows; q++) {
            int r = sc.list[q];
            sc.loss[r] = rowLoss[r];
            sc.changed[r] = false;
        }
    }
}

package dev.gradcheck.health;

import dev.gradcheck.engine.DType;
import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.op.ClassLayout;
import dev.gradcheck.engine.op.ClassificationLoss;
import dev.gradcheck.model.Model;
import dev.gradcheck.model.NodeSpec;
import java.util.Arrays;
import java.util.Map;

/**
 * Whether a classification loss's float target holds what its loss assumes: probabilities in
 * [0, 1] (binary targets, one per entry), or per prediction class probabilities that are ≥ 0 and
 * sum to 1 (soft labels, classes along dimension 1). PyTorch checks neither, and the losses are
 * computed anyway; but then the chance-level loss log(C) and the floor of 0 that sanity's checks
 * rely on do not hold, and a negative loss is the target's doing, not the model's.
 */
final class SoftTargets {
    /** How far a row's sum may be from 1 (float32 probabilities widened to float64 sum within ~1e-7). */
    private static final double SUM_TOLERANCE = 1e-4;

    private SoftTargets() {
    }

    /** What is wrong with the output loss's float target at {@code values}, or null (no such target, or it fits). */
    static String problem(Model model, Map<String, Tensor> values, NodeSpec out) {
        ClassificationLoss classification = out.op().classification();
        if (classification == null || out.inputs().size() < 2) {
            return null;
        }
        String name = out.inputs().get(1);
        Tensor target = values.get(name);
        Shape input = model.shape(out.inputs().get(0));
        if (target == null || target.dtype() != DType.FLOAT64 || !target.shape().equals(input)) {
            return null;
        }
        double[] t = target.data();
        ClassificationLoss.Predictions p = classification.predictions(input);
        for (int i = 0; i < t.length; i++) {
            if (!(t[i] >= 0) || p.classes() == 2 && p.count() == t.length && !(t[i] <= 1)) {
                return "target '" + name + "' holds " + TensorStats.fmt(t[i]) + " at "
                        + Arrays.toString(target.shape().unravel(i)) + ", not a probability";
            }
        }
        if (p.classes() == 2 && p.count() == t.length) {
            return null;
        }
        ClassLayout layout = ClassLayout.of(input);
        for (int n = 0; n < layout.batches(); n++) {
            for (int s = 0; s < layout.positions(); s++) {
                double sum = 0;
                for (int c = 0; c < layout.classes(); c++) {
                    sum += t[layout.index(n, c, s)];
                }
                if (Math.abs(sum - 1) > SUM_TOLERANCE) {
                    int first = layout.index(n, 0, s);
                    return "target '" + name + "' sums to " + TensorStats.fmt(sum) + " over the " + layout.classes()
                            + " classes at " + Arrays.toString(target.shape().unravel(first)) + " (and the classes"
                            + " along that position), not 1: not class probabilities";
                }
            }
        }
        return null;
    }
}

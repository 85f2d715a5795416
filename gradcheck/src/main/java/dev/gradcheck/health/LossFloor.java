package dev.gradcheck.health;

import dev.gradcheck.engine.Ops;
import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.model.Evaluation;
import dev.gradcheck.model.Model;
import dev.gradcheck.model.NodeSpec;
import java.util.List;
import java.util.Map;

/**
 * The lowest loss the model's targets allow, for {@code overfit} and {@code zero_input}: a loss
 * op's floor is 0 for class indices or exact regression targets, but above 0 for class
 * probabilities (their entropy), label smoothing, or BCE with soft targets. Found without a rule
 * per op: the output's loss op is minimised over its first input (the predictions) alone, every
 * other input (targets, weights) held, from the predictions at the point. Only for a loss op
 * ({@link dev.gradcheck.engine.op.OpDef#isLoss}); 0 otherwise, and never below 0.
 *
 * <p>The minimiser is Rprop (per entry, a step that grows by 1.2 while the gradient keeps its
 * sign and halves when it flips): the losses are convex in the predictions, and where the
 * infimum is approached only as the logits grow without bound (one-hot targets), growing steps
 * reach it in tens of iterations where Adam's shrink with the gradient.
 */
final class LossFloor {
    static final int STEPS = 300;
    private static final double FIRST_STEP = 0.1;
    private static final double LARGEST_STEP = 50;

    private LossFloor() {
    }

    static double of(Model model, Map<String, Tensor> values) {
        NodeSpec out = Sanity.outputNode(model);
        if (!out.op().isLoss() || !out.op().input(0).differentiable()) {
            return 0;
        }
        Evaluation e = model.evaluate(values, List.of());
        Tensor[] args = new Tensor[out.inputs().size()];
        for (int i = 0; i < args.length; i++) {
            args[i] = e.tensor(out.inputs().get(i));
        }
        Shape shape = args[0].shape();
        double[] z = args[0].data().clone();
        double[] step = new double[z.length];
        double[] previous = new double[z.length];
        java.util.Arrays.fill(step, FIRST_STEP);
        double best = Double.POSITIVE_INFINITY;
        for (int t = 0; t <= STEPS; t++) {
            args[0] = Tensor.of(z, shape).requiresGrad();
            Tensor loss = Ops.apply(out.op(), out.attrs(), args);
            double l = loss.item();
            if (l <= 0) {
                return 0; // reaches 0, or passes below it (nll_loss of free log-probabilities)
            }
            if (!Double.isFinite(l)) {
                break; // the minimisation itself overflowed: what was reached stands
            }
            best = Math.min(best, l);
            loss.backward();
            double[] g = args[0].grad().data();
            for (int i = 0; i < z.length; i++) {
                double turn = g[i] * previous[i];
                if (turn > 0) {
                    step[i] = Math.min(step[i] * 1.2, LARGEST_STEP);
                } else if (turn < 0) {
                    step[i] *= 0.5;
                    g[i] = 0; // iRprop-: after a sign change, wait a step
                }
                z[i] -= Math.signum(g[i]) * step[i];
                previous[i] = g[i];
            }
        }
        return best == Double.POSITIVE_INFINITY ? 0 : best;
    }
}

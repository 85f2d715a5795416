package dev.gradcheck.engine.nn;

import dev.gradcheck.engine.Tensor;
import java.util.List;

/**
 * Stochastic gradient descent with PyTorch's update rule ({@code torch.optim.SGD}):
 *
 * <pre>
 * g = grad + weight_decay * p
 * buf = g                                  (first step)
 * buf = momentum * buf + (1 - dampening) * g   (later steps)
 * g = nesterov ? g + momentum * buf : buf     (when momentum != 0)
 * p = p - lr * g
 * </pre>
 */
public final class SGD extends Optimizer {
    private final double momentum;
    private final double dampening;
    private final double weightDecay;
    private final boolean nesterov;
    private final double[][] buffers;

    /** Plain SGD: {@code p -= lr * grad}. */
    public SGD(List<Tensor> params, double lr) {
        this(params, lr, 0.0, 0.0, 0.0, false);
    }

    /** SGD with momentum and weight decay (no dampening, no Nesterov). */
    public SGD(List<Tensor> params, double lr, double momentum, double weightDecay) {
        this(params, lr, momentum, 0.0, weightDecay, false);
    }

    /**
     * Every option of {@code torch.optim.SGD}.
     *
     * @throws IllegalArgumentException for negative values, or Nesterov without momentum or with dampening
     */
    public SGD(List<Tensor> params, double lr, double momentum, double dampening, double weightDecay,
            boolean nesterov) {
        super(params, lr);
        if (!(momentum >= 0) || !(weightDecay >= 0) || Double.isNaN(dampening)) {
            throw new IllegalArgumentException("SGD: invalid momentum " + momentum + " or weight decay " + weightDecay);
        }
        if (nesterov && (momentum <= 0 || dampening != 0)) {
            throw new IllegalArgumentException("SGD: Nesterov momentum requires a momentum and zero dampening");
        }
        this.momentum = momentum;
        this.dampening = dampening;
        this.weightDecay = weightDecay;
        this.nesterov = nesterov;
        this.buffers = new double[params().size()][];
    }

    @Override
    protected void update(int index, double[] p, double[] grad) {
        double lr = lr();
        double[] buf = buffers[index];
        boolean first = buf == null;
        if (momentum != 0 && first) {
            buf = new double[p.length];
            buffers[index] = buf;
        }
        for (int i = 0; i < p.length; i++) {
            double g = grad[i];
            if (weightDecay != 0) {
                g = g + weightDecay * p[i];
            }
            if (momentum != 0) {
                buf[i] = first ? g : buf[i] * momentum + (1 - dampening) * g;
                g = nesterov ? g + momentum * buf[i] : buf[i];
            }
            p[i] = p[i] + (-lr) * g;
        }
    }
}

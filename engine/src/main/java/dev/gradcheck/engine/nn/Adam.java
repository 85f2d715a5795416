package dev.gradcheck.engine.nn;

import dev.gradcheck.engine.Tensor;
import java.util.List;

/**
 * Adam with PyTorch's update rule ({@code torch.optim.Adam}, bias-corrected, L2 weight decay
 * added to the gradient), per parameter with its own step count t:
 *
 * <pre>
 * g = grad + weight_decay * p
 * m = beta1 * m + (1 - beta1) * g
 * v = beta2 * v + (1 - beta2) * g * g
 * p = p - (lr / (1 - beta1^t)) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
 * </pre>
 */
public final class Adam extends Optimizer {
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final double[][] m;
    private final double[][] v;
    private final int[] steps;

    /** PyTorch's defaults: betas (0.9, 0.999), eps 1e-8, no weight decay. */
    public Adam(List<Tensor> params, double lr) {
        this(params, lr, 0.9, 0.999, 1e-8, 0.0);
    }

    /**
     * @throws IllegalArgumentException for betas outside [0, 1), a negative eps or weight decay
     */
    public Adam(List<Tensor> params, double lr, double beta1, double beta2, double eps, double weightDecay) {
        super(params, lr);
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("Adam: betas must lie in [0, 1), got (" + beta1 + ", " + beta2 + ")");
        }
        if (!(eps >= 0) || !(weightDecay >= 0)) {
            throw new IllegalArgumentException("Adam: invalid eps " + eps + " or weight decay " + weightDecay);
        }
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        int n = params().size();
        this.m = new double[n][];
        this.v = new double[n][];
        this.steps = new int[n];
    }

    @Override
    protected void update(int index, double[] p, double[] grad) {
        if (m[index] == null) {
            m[index] = new double[p.length];
            v[index] = new double[p.length];
        }
        double[] mi = m[index];
        double[] vi = v[index];
        int t = ++steps[index];
        double biasCorrection1 = 1 - Math.pow(beta1, t);
        double biasCorrection2 = 1 - Math.pow(beta2, t);
        double stepSize = lr() / biasCorrection1;
        double biasCorrection2Sqrt = Math.sqrt(biasCorrection2);
        for (int i = 0; i < p.length; i++) {
            double g = grad[i];
            if (weightDecay != 0) {
                g = g + weightDecay * p[i];
            }
            mi[i] = mi[i] * beta1 + (1 - beta1) * g;
            vi[i] = vi[i] * beta2 + (1 - beta2) * g * g;
            double denom = Math.sqrt(vi[i]) / biasCorrection2Sqrt + eps;
            p[i] = p[i] + (-stepSize) * (mi[i] / denom);
        }
    }

    /** The number of updates parameter {@code index} has received. */
    public int stepCount(int index) {
        return steps[index];
    }
}

package dev.gradcheck.engine.nn;

import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.internal.TensorAccess;
import java.util.List;

/**
 * Updates parameters in place from their accumulated gradients, as PyTorch's optimisers do.
 * A parameter whose {@link Tensor#grad()} is null is skipped (its state is left as it was).
 *
 * <pre>{@code
 * loss.backward();
 * optimizer.step();
 * optimizer.zeroGrad();
 * }</pre>
 */
public abstract class Optimizer {
    private final List<Tensor> params;
    private double lr;

    /**
     * @throws IllegalArgumentException when a parameter is not a leaf that requires grad, or lr is negative
     */
    protected Optimizer(List<Tensor> params, double lr) {
        this.params = List.copyOf(params);
        for (int i = 0; i < this.params.size(); i++) {
            Tensor p = this.params.get(i);
            if (!p.isLeaf() || !p.isGradRequired()) {
                throw new IllegalArgumentException(getClass().getSimpleName() + ": parameter " + i + " of shape "
                        + p.shape() + " must be a leaf tensor that requires grad");
            }
        }
        setLr(lr);
    }

    /** Applies one update to every parameter that has a gradient. */
    public final void step() {
        for (int i = 0; i < params.size(); i++) {
            Tensor p = params.get(i);
            if (p.grad() != null) {
                if (!p.grad().shape().equals(p.shape())) {
                    throw new IllegalStateException(getClass().getSimpleName() + ": parameter " + i + " has shape "
                            + p.shape() + " but its gradient has shape " + p.grad().shape());
                }
                update(i, TensorAccess.data(p), TensorAccess.data(p.grad()));
            }
        }
    }

    /**
     * Updates parameter {@code index} in place.
     *
     * @param param the parameter's own storage, to be modified
     * @param grad the gradient's values; read only
     */
    protected abstract void update(int index, double[] param, double[] grad);

    /** Clears every parameter's gradient (PyTorch's {@code zero_grad(set_to_none=True)}). */
    public void zeroGrad() {
        for (Tensor p : params) {
            p.zeroGrad();
        }
    }

    /** The parameters, in the order given. */
    public List<Tensor> params() {
        return params;
    }

    /** The current learning rate. */
    public double lr() {
        return lr;
    }

    /** Sets the learning rate (schedules call this). */
    public void setLr(double lr) {
        if (!(lr >= 0)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": invalid learning rate " + lr);
        }
        this.lr = lr;
    }
}

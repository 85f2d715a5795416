package dev.gradcheck.engine.op;

import dev.gradcheck.engine.Attrs;
import dev.gradcheck.engine.Tensor;

/**
 * What a backward rule sees. Backward rules compute with differentiable engine ops on these
 * tensors, so that the engine can differentiate them again (grad of grad).
 *
 * @param inputs the op's inputs
 * @param output the op's output
 * @param grad the gradient of the final result with respect to {@code output}
 * @param attrs the resolved attributes
 * @param needsGrad which inputs want a gradient; a rule may skip the others (return null)
 */
public record BackwardContext(Tensor[] inputs, Tensor output, Tensor grad, Attrs attrs, boolean[] needsGrad) {
    /** Input {@code i}. */
    public Tensor input(int i) {
        return inputs[i];
    }

    /** Whether input {@code i} wants a gradient. */
    public boolean needs(int i) {
        return i < needsGrad.length && needsGrad[i];
    }

    /** The number of inputs. */
    public int count() {
        return inputs.length;
    }
}

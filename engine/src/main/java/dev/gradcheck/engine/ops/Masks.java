package dev.gradcheck.engine.ops;

import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.internal.TensorAccess;
import java.util.function.DoublePredicate;
import java.util.function.DoubleUnaryOperator;

/**
 * Constant (never differentiated) tensors computed from a tensor's values, for backward rules
 * that switch between branches: the branch taken is a constant of the rule, so the rule stays
 * differentiable in everything else (and its second derivative at a kink is PyTorch's choice).
 */
final class Masks {
    private Masks() {
    }

    /** f(x) over x's values, as a constant tensor of x's shape. */
    static Tensor constant(Tensor x, DoubleUnaryOperator f) {
        return TensorAccess.wrap(Kernels.map(TensorAccess.data(x), f), x.shape());
    }

    /** 1 where {@code p} holds, 0 elsewhere, as a constant tensor of x's shape. */
    static Tensor mask(Tensor x, DoublePredicate p) {
        return constant(x, v -> p.test(v) ? 1 : 0);
    }
}

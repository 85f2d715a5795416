package dev.gradcheck.engine.ops;

import dev.gradcheck.engine.DType;
import dev.gradcheck.engine.Ops;
import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.internal.TensorAccess;
import java.util.function.DoublePredicate;
import java.util.function.DoubleUnaryOperator;

/**
 * Constant (never differentiated) tensors computed from a tensor's values, for backward rules
 * that switch between branches: the branch taken is a constant of the rule, so the rule stays
 * differentiable in everything else (and its second derivative at a kink is PyTorch's choice).
 *
 * <p>A rule that drops the gradient somewhere does it as PyTorch's does: where PyTorch selects
 * ({@code threshold_backward}, {@code clamp_backward}, a scatter), {@link #passWhere} selects too,
 * so an infinite or NaN gradient at a dropped entry gives 0 there; where PyTorch multiplies by a
 * 0 (abs's {@code grad * sgn}, dropout's mask), so does the rule, and Inf · 0 is NaN as there.
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

    /** {@code g} where {@code p} holds of x's values, 0 elsewhere whatever g holds there (a select). */
    static Tensor passWhere(Tensor x, DoublePredicate p, Tensor g) {
        return passWhere(condition(TensorAccess.data(x), x.shape(), p), g);
    }

    /** {@code g} where {@code condition} (an int64 tensor of 0s and 1s) is 1, 0 elsewhere whatever g holds there. */
    static Tensor passWhere(Tensor condition, Tensor g) {
        return Ops.apply("where", condition, g, Tensor.scalar(0));
    }

    /** The int64 condition (1 where {@code p} holds of a value, else 0) of {@code values} laid out as {@code shape}. */
    static Tensor condition(double[] values, Shape shape, DoublePredicate p) {
        return TensorAccess.wrap(Kernels.map(values, v -> p.test(v) ? 1 : 0), shape, DType.INT64);
    }
}

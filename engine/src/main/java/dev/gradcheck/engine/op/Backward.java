package dev.gradcheck.engine.op;

import dev.gradcheck.engine.Tensor;

/**
 * An op's backward rule: the gradient for each input, written with differentiable engine ops (so
 * it can be differentiated again). Returns one entry per input; null for an input that gets no
 * gradient. Each gradient must have its input's shape.
 */
@FunctionalInterface
public interface Backward {
    Tensor[] apply(BackwardContext ctx);
}

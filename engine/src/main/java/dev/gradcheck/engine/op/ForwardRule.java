package dev.gradcheck.engine.op;

import dev.gradcheck.engine.Tensor;

/**
 * An op's forward-mode rule (its Jacobian-vector product): the output's tangent from the inputs'
 * tangents, written with differentiable engine ops so that the tangent can itself be
 * differentiated in reverse (forward-over-reverse). The {@link ForwardRules} categories cover most
 * ops; an op without a rule gets the engine's default, the double-VJP transpose of its backward.
 */
@FunctionalInterface
public interface ForwardRule {
    /**
     * The output tangent, shaped like the output, or null for zero.
     *
     * @param c the primal inputs and output and one tangent per input (null for none)
     */
    Tensor apply(JvpContext c);

    /** How the rule is derived, in words (a category's name, or "explicit" for a hand-written rule). */
    default String route() {
        return "explicit";
    }
}

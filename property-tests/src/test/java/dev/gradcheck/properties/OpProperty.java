package dev.gradcheck.properties;

import dev.gradcheck.engine.op.OpDef;

/** One property every applicable op must have, checked on one draw at a time. */
interface OpProperty {
    /** The name shown in the test report, e.g. {@code gradient vs numeric}. */
    String name();

    /** Whether the property is meaningful for {@code op} (e.g. second order only for twice-differentiable ops). */
    boolean appliesTo(OpDef op);

    /** Examples per CI run (bounded so the module stays fast); {@code -Dgradcheck.props.examples} overrides it. */
    int defaultExamples();

    /**
     * Checks the property on one draw.
     *
     * @return true when the draw was checked; false when it was unusable and skipped (its forward is
     *     not finite, or the finite-difference step straddles a declared kink)
     * @throws AssertionError describing the violation, with expected and actual values
     */
    boolean check(OpDraw draw);
}

package dev.gradcheck.properties;

import dev.gradcheck.engine.op.OpDef;

/** One property every applicable op must have, checked on one draw at a time. */
abstract class OpProperty {
    private final String name;
    private final int defaultExamples;

    /**
     * @param name the name shown in the test report, e.g. {@code gradient vs numeric}
     * @param defaultExamples examples per CI run (bounded so the module stays fast);
     *     {@code -Dgradcheck.props.examples} overrides it
     */
    OpProperty(String name, int defaultExamples) {
        this.name = name;
        this.defaultExamples = defaultExamples;
    }

    /** The name shown in the test report, e.g. {@code gradient vs numeric}. */
    final String name() {
        return name;
    }

    /** Examples per CI run (bounded so the module stays fast); {@code -Dgradcheck.props.examples} overrides it. */
    final int defaultExamples() {
        return defaultExamples;
    }

    /** Whether the property is meaningful for {@code op}; every op unless a property narrows it. */
    boolean appliesTo(OpDef op) {
        return true;
    }

    /**
     * Checks the property on one draw.
     *
     * @return true when the draw was checked; false when it was unusable and skipped (its forward is
     *     not finite, or the finite-difference step straddles a declared kink)
     * @throws AssertionError describing the violation, with expected and actual values
     */
    abstract boolean check(OpDraw draw);
}

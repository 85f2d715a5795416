package dev.gradcheck;

/** A named op with the input shapes it is checked at; found by ServiceLoader. */
public interface CustomOp extends DifferentiableFunction {
    String name();

    int[][] inputShapes();

    /**
     * The values input {@code input} may take (e.g. {@code Domain.atLeast(1)} for acosh,
     * {@code Domain.greaterThan(0)} for log, {@code Domain.integers(0, 9)} for an index): the
     * checker's draws stay inside it at every magnitude. Optional: the default declares nothing,
     * and then a draw whose forward is not finite is re-drawn (see {@link Domain}).
     *
     * @param input the input's position, {@code 0 ≤ input < inputShapes().length}
     */
    default Domain domain(int input) {
        return Domain.undeclared();
    }
}

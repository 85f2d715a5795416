package dev.gradcheck;

/** A named op with the input shapes it is checked at; found by ServiceLoader. */
public interface CustomOp extends DifferentiableFunction {
    String name();

    int[][] inputShapes();
}

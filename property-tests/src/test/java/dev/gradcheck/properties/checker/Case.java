package dev.gradcheck.properties.checker;

import dev.gradcheck.CheckReport;
import dev.gradcheck.DifferentiableFunction;
import dev.gradcheck.GradCheck;
import dev.gradcheck.Mode;

/**
 * One function and point to check, as a draw produced it: {@link #check(Mode)} runs the checker
 * with its default options except the mode and the seed (one thread: the machine is shared, and
 * results are bit-identical for any thread count).
 */
record Case(String label, DifferentiableFunction function, double[][] inputs, int[][] shapes, String[] names,
        long seed) {

    CheckReport check(Mode mode) {
        return GradCheck.of(function).at(inputs).shapes(shapes).names(names).seed(seed).mode(mode).threads(1).check();
    }
}

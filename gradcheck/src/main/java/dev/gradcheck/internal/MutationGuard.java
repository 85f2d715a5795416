package dev.gradcheck.internal;

import dev.gradcheck.DifferentiableFunction;
import java.util.Arrays;

/**
 * Keeps the checked point safe from the function under check: a user's function is given copies
 * (compared with the point afterwards, to catch a function that writes to its inputs); one of the
 * checker's own adapters ({@link ReadOnlyInputs}) is given the point itself.
 */
final class MutationGuard {
    private final boolean readOnly;
    private final CheckedInputs inputs;

    MutationGuard(DifferentiableFunction f, CheckedInputs inputs) {
        this.readOnly = f instanceof ReadOnlyInputs;
        this.inputs = inputs;
    }

    /** True when the function is one of the checker's adapters: it is given the point itself. */
    boolean readOnly() {
        return readOnly;
    }

    /**
     * The point as the function is given it: the point itself when the function is read-only,
     * otherwise a copy, compared with the point afterwards ({@link #firstChange}: an identical
     * array compares in no time).
     */
    double[][] argument(double[][] x) {
        return readOnly ? x : copy(x);
    }

    double[] argument(double[] u) {
        return readOnly ? u : u.clone();
    }

    /**
     * A scratch point on which input i may be moved (and put back): input i copied; the others are
     * the point's own arrays when the function is read-only, copies otherwise.
     */
    double[][] scratchFor(double[][] x, int i) {
        if (!readOnly) {
            return copy(x);
        }
        double[][] w = x.clone();
        w[i] = x[i].clone();
        return w;
    }

    /**
     * A worker's scratch point for jobs that move any input: null for a read-only function (its
     * jobs copy only the input they move), else a copy of the whole point, as a user's function may
     * write to any input.
     */
    double[][] workerScratch(double[][] x) {
        return readOnly ? null : copy(x);
    }

    /** The first input entry a call changed, as "input 'x' entry [1, 2]", or null. */
    String firstChange(double[][] before, double[][] after) {
        for (int i = 0; i < before.length; i++) {
            if (Arrays.equals(before[i], after[i])) {
                continue; // the usual case, compared by the JDK's vectorised loop
            }
            for (int j = 0; j < before[i].length; j++) {
                if (Double.doubleToLongBits(before[i][j]) != Double.doubleToLongBits(after[i][j])) {
                    return "input '" + inputs.name(i) + "' entry " + inputs.place(i, j);
                }
            }
        }
        return null;
    }

    static double[][] copy(double[][] x) {
        double[][] c = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            c[i] = x[i].clone();
        }
        return c;
    }
}

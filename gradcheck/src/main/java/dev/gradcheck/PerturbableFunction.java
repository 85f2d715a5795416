package dev.gradcheck;

/**
 * A {@link DifferentiableFunction} with one output value that can evaluate itself cheaply at a
 * point changed in a single entry, e.g. by recomputing only what that entry reaches. The checker
 * uses it for the entry-by-entry finite differences of the FULL and SAMPLED modes (and the kink
 * tests of single entries) when the output has exactly one value, instead of calling
 * {@link #forward} on a copy of the whole point, and, when {@link #inputPerturbedAt} offers it,
 * for FAST mode's projections, which move one whole input; everything else still goes through
 * {@link #forward} and {@link #backward}.
 *
 * <p>Contract: for the point {@code p} given to {@link #perturbedAt}, any input {@code i}, entry
 * {@code j} and value {@code v}, {@code perturbedAt(p).value(i, j, v)} equals, bit for bit,
 * {@code forward(q)[0]} where {@code q} is {@code p} with {@code q[i][j] = v}. So a check gives the
 * same report with or without this interface.
 */
public interface PerturbableFunction extends DifferentiableFunction {
    /**
     * Prepares single-entry evaluations around {@code point} (flat row-major arrays, one per input;
     * not modified, not retained). Called once per checked point, after {@link #forward} at it.
     *
     * @return the evaluator, or null when this point cannot be handled (the checker then uses
     *         {@link #forward})
     */
    Perturbed perturbedAt(double[][] point);

    /**
     * Prepares evaluations around {@code point} with one whole input replaced, as FAST mode's
     * projections need (each moves every entry of one input along a random direction); e.g. by
     * rerunning only the part of the computation downstream of that input. Called once per checked
     * point, in FAST mode, after {@link #forward} at it.
     *
     * <p>Contract: {@code inputPerturbedAt(p).value(i, v)} equals, bit for bit,
     * {@code forward(q)[0]} where {@code q} is {@code p} with {@code q[i] = v}.
     *
     * @param point flat row-major arrays, one per input; not modified, not retained
     * @return the evaluator, or null (the default) when the checker should use {@link #forward}
     */
    default InputPerturbed inputPerturbedAt(double[][] point) {
        return null;
    }

    /** Evaluations of the function at its point with one entry replaced. Safe to call from several threads at once. */
    @FunctionalInterface
    interface Perturbed {
        /** {@code forward(point with point[input][index] = value)[0]}, bit for bit. */
        double value(int input, int index, double value);
    }

    /** Evaluations of the function at its point with one whole input replaced. Safe to call from several threads at once. */
    @FunctionalInterface
    interface InputPerturbed {
        /**
         * {@code forward(point with point[input] = values)[0]}, bit for bit.
         *
         * @param values the new values of that input (not modified, not retained)
         */
        double value(int input, double[] values);
    }
}

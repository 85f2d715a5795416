package dev.gradcheck;

/**
 * A {@link DifferentiableFunction} with one output value that can evaluate itself cheaply at a
 * point changed in a single entry, e.g. by recomputing only what that entry reaches. The checker
 * uses it for the entry-by-entry finite differences of the FULL and SAMPLED modes (and the kink
 * tests of single entries) when the output has exactly one value, instead of calling
 * {@link #forward} on a copy of the whole point; everything else still goes through
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

    /** Evaluations of the function at its point with one entry replaced. Safe to call from several threads at once. */
    @FunctionalInterface
    interface Perturbed {
        /** {@code forward(point with point[input][index] = value)[0]}, bit for bit. */
        double value(int input, int index, double value);
    }
}

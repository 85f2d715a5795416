package dev.gradcheck.internal;

import dev.gradcheck.DifferentiableFunction;
import dev.gradcheck.PerturbableFunction;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * The checker's use of {@link PerturbableFunction}: single-entry evaluations without a forward on
 * a copy of the whole point. Kept apart from {@link PointCheck} so the hook is one call site there.
 */
final class Perturbation {
    /** Off with {@code -Dgradcheck.incremental=false} (to compare timings and reports side by side). */
    static final boolean ENABLED = !"false".equals(System.getProperty("gradcheck.incremental"));

    private Perturbation() {
    }

    /**
     * The evaluator of {@code f} at {@code x} when {@code f} offers one and its output has one
     * value; null otherwise, or when preparing it fails (the checker then calls forward).
     */
    static PerturbableFunction.Perturbed prepare(DifferentiableFunction f, Supplier<double[][]> x, int outputs) {
        return offered(f, x, outputs, PerturbableFunction::perturbedAt);
    }

    /**
     * The whole-input evaluator of {@code f} at {@code x} (FAST mode's projections, the Taylor test)
     * when {@code f} offers one and its output has one value; null otherwise, or when preparing it fails.
     */
    static PerturbableFunction.InputPerturbed prepareInputs(DifferentiableFunction f, Supplier<double[][]> x,
            int outputs) {
        return offered(f, x, outputs, PerturbableFunction::inputPerturbedAt);
    }

    /** {@code x} gives the point as {@code f} may keep it (asked for only when an evaluator is offered). */
    private static <E> E offered(DifferentiableFunction f, Supplier<double[][]> x, int outputs,
            BiFunction<PerturbableFunction, double[][], E> at) {
        if (!ENABLED || outputs != 1 || !(f instanceof PerturbableFunction)) {
            return null;
        }
        try {
            return at.apply((PerturbableFunction) f, x.get());
        } catch (Throwable e) {
            UserCodeException.rethrowIfJvmFailure(e);
            return null; // forward is still there, and is the reference anyway
        }
    }

    /** The function's one output with input i set to {@code values}. */
    static double value(PerturbableFunction.InputPerturbed p, int i, double[] values) {
        try {
            return p.value(i, values);
        } catch (Throwable e) {
            UserCodeException.rethrowIfJvmFailure(e);
            throw new UserCodeException(UserCodeException.describe("forward", e) + " (during numeric differentiation)", e);
        }
    }

    /** The function's one output with entry j of input i set to {@code value}. */
    static double value(PerturbableFunction.Perturbed p, int i, int j, double value) {
        try {
            return p.value(i, j, value);
        } catch (Throwable e) {
            UserCodeException.rethrowIfJvmFailure(e);
            throw new UserCodeException(UserCodeException.describe("forward", e) + " (during numeric differentiation)", e);
        }
    }
}

package dev.gradcheck.internal;

import dev.gradcheck.DifferentiableFunction;
import dev.gradcheck.PerturbableFunction;
import dev.gradcheck.Precision;

/**
 * φ(x) = ⟨u, f(x)⟩ near the checked point, u the seeded gradOutput: the scalar whose derivatives
 * the numeric side measures. Evaluated by forward on a scratch point, or by the function's own
 * single-entry and whole-input evaluators ({@link PerturbableFunction}) when it offers them.
 */
final class Phi {
    private final DifferentiableFunction f;
    private final double[] u;
    private final Precision precision;
    /** The function's single-entry evaluator at the point, or null. */
    private final PerturbableFunction.Perturbed perturbed;
    /** Its whole-input evaluator at the point, for FAST mode and the Taylor test, or null. */
    private final PerturbableFunction.InputPerturbed inputPerturbed;

    Phi(DifferentiableFunction f, double[] u, Precision precision, PerturbableFunction.Perturbed perturbed,
            PerturbableFunction.InputPerturbed inputPerturbed) {
        this.f = f;
        this.u = u;
        this.precision = precision;
        this.perturbed = perturbed;
        this.inputPerturbed = inputPerturbed;
    }

    /** The gradOutput u. */
    double[] gradOutput() {
        return u;
    }

    /** φ at a scratch copy of the inputs. */
    double at(double[][] work) {
        double[] y;
        try {
            y = f.forward(work);
        } catch (RuntimeException | StackOverflowError e) {
            throw new UserCodeException(UserCodeException.describe("forward", e) + " (during numeric differentiation)", e);
        }
        if (y == null || y.length != u.length) {
            throw new UserCodeException("forward returned " + (y == null ? "null" : y.length + " values") + " at a nearby point, "
                    + u.length + " at the checked point", null);
        }
        double s = 0;
        for (int k = 0; k < y.length; k++) {
            s += u[k] * y[k];
        }
        return s;
    }

    /** φ at {@code work}, which differs from the point in input i only: by the whole-input evaluator when there is one. */
    double movedInput(double[][] work, int i) {
        return inputPerturbed != null ? Perturbation.phi(inputPerturbed, i, work[i], u) : at(work);
    }

    /** The line through entry j of input i, on a scratch copy; restores the entry after each evaluation. */
    Line entryLine(double[][] work, int i, int j) {
        double x0 = work[i][j];
        return new Line() {
            @Override
            public double at(double t) {
                if (perturbed != null) {
                    return Perturbation.phi(perturbed, i, j, precision.round(x0 + t), u);
                }
                work[i][j] = precision.round(x0 + t);
                try {
                    return Phi.this.at(work);
                } finally {
                    work[i][j] = x0;
                }
            }

            @Override
            public double snap(double t) {
                return precision.round(x0 + t) - x0;
            }
        };
    }
}

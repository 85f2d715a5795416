package dev.gradcheck.internal;

import dev.gradcheck.DifferentiableFunction;
import dev.gradcheck.PerturbableFunction;
import dev.gradcheck.Precision;

/**
 * φ(x) = ⟨u, f(x)⟩ near the checked point, u the seeded gradOutput: the scalar whose derivatives
 * the numeric side measures. Evaluated by forward on a scratch point, or by the function's own
 * single-entry and whole-input evaluators ({@link PerturbableFunction}) when it offers them.
 *
 * <p>With several outputs φ is taken output by output relative to the point's output y:
 * φ(x') = Σₖ uₖ·(fₖ(x') − yₖ). Every finite difference is a difference of φ values, so this changes
 * none of them in exact arithmetic; in floating point an output the move leaves unchanged adds
 * exactly 0 instead of its rounding, and each entry's error estimate stays on the scale of the
 * outputs it moves (an exp entry of 44 beside one of e¹⁰⁰ is measured to 1e-10, not to ±4.6e3).
 * Each line records that scale, Σ|uₖ·yₖ| over the outputs it moved ({@link Line#scale()}); an
 * output so large that the small steps do not change it still depends on the entry, so a line is
 * first {@link #prime primed} at a large step either way.
 */
final class Phi {
    private final DifferentiableFunction f;
    private final double[] u;
    private final double[] y;
    private final Precision precision;
    /** The function's single-entry evaluator at the point, or null. */
    private final PerturbableFunction.Perturbed perturbed;
    /** Its whole-input evaluator at the point, for FAST mode and the Taylor test, or null. */
    private final PerturbableFunction.InputPerturbed inputPerturbed;

    /** @param y the forward's output at the point (read, never written) */
    Phi(DifferentiableFunction f, double[] u, double[] y, Precision precision, PerturbableFunction.Perturbed perturbed,
            PerturbableFunction.InputPerturbed inputPerturbed) {
        this.f = f;
        this.u = u;
        this.y = y;
        this.precision = precision;
        this.perturbed = perturbed;
        this.inputPerturbed = inputPerturbed;
    }

    /** The gradOutput u. */
    double[] gradOutput() {
        return u;
    }

    /** True when φ is taken relative to the point's outputs (any number of outputs but one). */
    boolean relative() {
        return u.length != 1;
    }

    /** φ at the point itself: 0 when relative, else u₀·y₀. */
    double atPoint() {
        return relative() ? 0 : u[0] * y[0];
    }

    /** Σ|uₖ·yₖ| over every output: the scale of φ's round-off when every output moves. */
    double scale() {
        double s = 0;
        for (int k = 0; k < y.length; k++) {
            s += Math.abs(u[k] * y[k]);
        }
        return s;
    }

    /** φ at a scratch copy of the inputs. */
    double at(double[][] work) {
        return at(work, null);
    }

    /** φ at {@code work}; when {@code moved} is given, moved[0] grows to Σ|uₖ·yₖ| over the outputs that moved. */
    private double at(double[][] work, double[] moved) {
        double[] out;
        try {
            out = f.forward(work);
        } catch (Throwable e) {
            UserCodeException.rethrowIfJvmFailure(e);
            throw new UserCodeException(UserCodeException.describe("forward", e) + " (during numeric differentiation)", e);
        }
        if (out == null || out.length != u.length) {
            throw new UserCodeException("forward returned " + (out == null ? "null" : out.length + " values")
                    + " at a nearby point, " + u.length + " at the checked point", null);
        }
        return combine(out, moved);
    }

    /** ⟨u, out⟩, relative to y when there are several outputs; moved[0] records the moved outputs' scale. */
    private double combine(double[] out, double[] moved) {
        double s = 0;
        double scale = 0;
        if (relative()) {
            for (int k = 0; k < out.length; k++) {
                double d = out[k] - y[k];
                if (d != 0 || Double.isNaN(d)) {
                    s += u[k] * d;
                    scale += Math.abs(u[k] * y[k]);
                }
            }
        } else {
            s = u[0] * out[0];
            scale = Math.abs(u[0] * y[0]); // one output: its rounding counts, moved or not
        }
        if (moved != null && scale > moved[0]) {
            moved[0] = scale;
        }
        return s;
    }

    /**
     * The forward's outputs at {@code work} (a point the caller owns), or null when the forward
     * throws or returns another number of values: for the diagnoser's probes elsewhere.
     */
    double[] outputs(double[][] work) {
        try {
            double[] out = f.forward(work);
            return out == null || out.length != u.length ? null : out;
        } catch (Throwable e) {
            UserCodeException.rethrowIfJvmFailure(e);
            return null;
        }
    }

    /** φ at {@code work}, which differs from the point in input i only: by the whole-input evaluator when there is one. */
    double movedInput(double[][] work, int i) {
        return inputPerturbed != null ? combine(new double[] {Perturbation.value(inputPerturbed, i, work[i])}, null)
                : at(work);
    }

    /**
     * Evaluates the line at ±t (a large step, e.g. Ridders' first) so that its scale counts every
     * output the entry moves, also those whose ulp is above the small steps; nothing to do with one
     * output.
     */
    void prime(Line line, double t) {
        if (relative()) {
            line.at(t);
            line.at(-t);
        }
    }

    /** The line along which input i moves as a whole, by {@code direction}·t, on {@code work} (restored after each evaluation). */
    Line inputLine(double[][] work, double[] x, int i, int lo, int hi, double[] step) {
        double[] moved = {0};
        boolean rounds = precision != Precision.FLOAT64; // rounding to double is the identity
        return new Line() {
            @Override
            public double at(double t) {
                double[] w = work[i];
                for (int j = lo; j < hi; j++) {
                    w[j] = rounds ? precision.round(x[j] + t * step[j]) : x[j] + t * step[j];
                }
                try {
                    return inputPerturbed != null
                            ? combine(new double[] {Perturbation.value(inputPerturbed, i, w)}, moved)
                            : Phi.this.at(work, moved);
                } finally {
                    System.arraycopy(x, lo, w, lo, hi - lo);
                }
            }

            @Override
            public double scale() {
                return moved[0];
            }
        };
    }

    /** The line through entry j of input i, on a scratch copy; restores the entry after each evaluation. */
    Line entryLine(double[][] work, int i, int j) {
        double x0 = work[i][j];
        double[] moved = {0};
        return new Line() {
            @Override
            public double at(double t) {
                if (perturbed != null) {
                    return combine(new double[] {Perturbation.value(perturbed, i, j, precision.round(x0 + t))}, moved);
                }
                work[i][j] = precision.round(x0 + t);
                try {
                    return Phi.this.at(work, moved);
                } finally {
                    work[i][j] = x0;
                }
            }

            @Override
            public double snap(double t) {
                return precision.round(x0 + t) - x0;
            }

            @Override
            public double scale() {
                return moved[0];
            }
        };
    }
}

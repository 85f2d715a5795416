package dev.gradcheck.internal;

/**
 * A numeric derivative with its error estimate (NaN when not computed) and, when known, the
 * values φ(+h), φ(−h) at the small step h and the realised steps, reused for one-sided differences.
 */
public final class Numeric {
    final double value;
    final double error;
    final double phiPlus;
    final double phiMinus;
    final double hPlus;
    final double hMinus;
    /** False when the adaptive search found no step at which the estimate settled. */
    final boolean converged;
    /** |φ''| measured at the anchor (0 when below its noise); only set by the adaptive anchor. */
    double curvature;
    /** Ridders' initial step of the accepted estimate (NaN for fixed-step schemes). */
    final double startStep;

    Numeric(double value, double error, double phiPlus, double phiMinus, double hPlus, double hMinus) {
        this(value, error, phiPlus, phiMinus, hPlus, hMinus, true, Double.NaN);
    }

    Numeric(double value, double error, double phiPlus, double phiMinus, double hPlus, double hMinus,
            boolean converged, double startStep) {
        this.converged = converged;
        this.startStep = startStep;
        this.value = value;
        this.error = error;
        this.phiPlus = phiPlus;
        this.phiMinus = phiMinus;
        this.hPlus = hPlus;
        this.hMinus = hMinus;
    }

    public double value() {
        return value;
    }

    public double error() {
        return error;
    }

    public boolean converged() {
        return converged;
    }

    Numeric withConverged(boolean c) {
        return new Numeric(value, error, phiPlus, phiMinus, hPlus, hMinus, c, startStep);
    }
}

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

    Numeric(double value, double error, double phiPlus, double phiMinus, double hPlus, double hMinus) {
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
}

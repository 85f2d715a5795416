package dev.gradcheck;

/** The precision the checked function computes in; sets the default step and tolerance. */
public enum Precision {
    /** Double precision: eps 1e-6, atol 1e-5, rtol 1e-3 (PyTorch's defaults). */
    FLOAT64(0x1p-53, 1e-6, 1e-5, 1e-3),
    /**
     * Single precision: evaluation points are rounded to float, step ≈ cbrt(float ε), atol 1e-3,
     * rtol 1e-2.
     */
    FLOAT32(0x1p-24, 4e-3, 1e-3, 1e-2);

    private final double unitRoundoff;
    private final double defaultEps;
    private final double defaultAtol;
    private final double defaultRtol;

    Precision(double unitRoundoff, double defaultEps, double defaultAtol, double defaultRtol) {
        this.unitRoundoff = unitRoundoff;
        this.defaultEps = defaultEps;
        this.defaultAtol = defaultAtol;
        this.defaultRtol = defaultRtol;
    }

    /** The unit roundoff (half the machine epsilon). */
    public double unitRoundoff() {
        return unitRoundoff;
    }

    /** The default relative step. */
    public double defaultEps() {
        return defaultEps;
    }

    /** The default PyTorch-style tolerance for this precision. */
    public Tolerance defaultTolerance() {
        return Tolerance.pytorch(defaultAtol, defaultRtol);
    }

    /** {@code x} rounded to this precision. */
    public double round(double x) {
        return this == FLOAT32 ? (double) (float) x : x;
    }
}

package dev.gradcheck;

/** The precision the checked function computes in; sets the default step and tolerance. */
public enum Precision {
    /** Double precision: eps 1e-6 (five-point: 1e-3), atol 1e-5, rtol 1e-3 (PyTorch's defaults). */
    FLOAT64(0x1p-53, 1e-6, 1e-3, 1e-5, 1e-3),
    /**
     * Single precision: evaluation points are rounded to float, step 4e-3 ≈ cbrt(float ε)
     * (five-point: 3e-2), atol 1e-3, rtol 1e-2.
     */
    FLOAT32(0x1p-24, 4e-3, 3e-2, 1e-3, 1e-2);

    private final double unitRoundoff;
    private final double defaultEps;
    private final double fivePointEps;
    private final double defaultAtol;
    private final double defaultRtol;

    Precision(double unitRoundoff, double defaultEps, double fivePointEps, double defaultAtol, double defaultRtol) {
        this.unitRoundoff = unitRoundoff;
        this.defaultEps = defaultEps;
        this.fivePointEps = fivePointEps;
        this.defaultAtol = defaultAtol;
        this.defaultRtol = defaultRtol;
    }

    /** The unit roundoff (half the machine epsilon). */
    public double unitRoundoff() {
        return unitRoundoff;
    }

    /** The default relative step of the central scheme (and Ridders' one-sided kink test). */
    public double defaultEps() {
        return defaultEps;
    }

    /**
     * The default relative step for a scheme: the five-point stencil's truncation error is
     * O(h⁴), so its best step is near ε^(1/5) (1e-3 in float64), not the central scheme's.
     */
    public double defaultEps(Scheme scheme) {
        return scheme == Scheme.FIVE_POINT ? fivePointEps : defaultEps;
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

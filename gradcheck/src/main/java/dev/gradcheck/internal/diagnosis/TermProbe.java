package dev.gradcheck.internal.diagnosis;

/**
 * For a function of several outputs: what each output contributes to one input entry's gradient,
 * gradOutput_k·∂y_k/∂x_j for every output k, by central differences on the whole output vector (two
 * forward evaluations per entry asked for, on first use).
 */
final class TermProbe {
    /** The most entries worth asking about (two forward evaluations each). */
    static final int MAX_ENTRIES = 32;
    /** The largest output worth keeping a term per entry of. */
    static final int MAX_OUTPUTS = 1 << 16;

    private final ElementwiseProbe.Forward forward;
    private final double[] x;
    private final double[] u;

    /** {@code x} and {@code u} are the checked point's input and gradOutput: read, never written, not copied. */
    private TermProbe(ElementwiseProbe.Forward forward, double[] x, double[] u) {
        this.forward = forward;
        this.x = x;
        this.u = u;
    }

    /** A probe when the forward is known and gives two outputs or more (not too many), else null. */
    static TermProbe of(ElementwiseProbe.Forward forward, double[] x, double[] gradOutput) {
        if (forward == null || x == null || gradOutput == null || gradOutput.length < 2
                || gradOutput.length > MAX_OUTPUTS) {
            return null;
        }
        return new TermProbe(forward, x, gradOutput);
    }

    /** [k]: output k's contribution to the gradient at flat entry j; null when the forward fails or is not finite. */
    double[] terms(int j) {
        double h = 1e-5 * Math.max(1, Math.abs(x[j]));
        double[] up = at(j, x[j] + h);
        double[] down = at(j, x[j] - h);
        if (up == null || down == null) {
            return null;
        }
        double[] t = new double[u.length];
        for (int k = 0; k < u.length; k++) {
            t[k] = u[k] * (up[k] - down[k]) / (2 * h);
        }
        return t;
    }

    private double[] at(int j, double v) {
        double[] moved = x.clone();
        moved[j] = v;
        double[] y = forward.at(moved); // null when the forward throws (the Forward's contract)
        if (y == null || y.length != u.length) {
            return null;
        }
        for (double w : y) {
            if (!Double.isFinite(w)) {
                return null;
            }
        }
        return y;
    }
}

package dev.gradcheck.internal.diagnosis;

/**
 * Products of the forward's Jacobian J (outputs by the checked input's entries) with a vector, by
 * central differences at the checked point, each with an error estimate: for the findings that
 * test which product a wrong backward computed instead of Jᵀ·gradOutput. J·v costs four forward
 * calls; Jᵀ·w four per input entry, so it is offered for small inputs only. Computed on demand,
 * never cached (each finding asks once).
 */
final class JacobianProbe {
    /** The largest input worth four forward calls per entry. */
    static final int MAX_ENTRIES = 256;
    /** The relative step; the error estimate compares it with twice the step. */
    private static final double STEP = 1e-5;

    /** A product and, per entry, a bound on its finite-difference error. */
    record Estimate(double[] value, double[] error) {
    }

    private final ElementwiseProbe.Forward forward;
    private final double[] x;
    private final double[] u;

    private JacobianProbe(ElementwiseProbe.Forward forward, double[] x, double[] u) {
        this.forward = forward;
        this.x = x.clone();
        this.u = u.clone();
    }

    /** A probe when the forward is known and its output has the gradOutput's size, else null. */
    static JacobianProbe of(ElementwiseProbe.Forward forward, double[] x, double[] output, double[] gradOutput) {
        if (forward == null || x == null || x.length == 0 || output == null || gradOutput == null
                || output.length != gradOutput.length || output.length == 0) {
            return null;
        }
        return new JacobianProbe(forward, x, gradOutput);
    }

    int inputSize() {
        return x.length;
    }

    int outputSize() {
        return u.length;
    }

    /** The gradOutput at the point (a copy). */
    double[] gradOutput() {
        return u.clone();
    }

    /** J·v for an input-sized v, or null when the forward fails or is not finite near the point. */
    Estimate forwardProduct(double[] v) {
        double vMax = 0;
        double xMax = 0;
        for (int j = 0; j < x.length; j++) {
            vMax = Math.max(vMax, Math.abs(v[j]));
            xMax = Math.max(xMax, Math.abs(x[j]));
        }
        if (vMax == 0 || !Double.isFinite(vMax)) {
            return null;
        }
        double h = STEP * Math.max(1, xMax) / vMax;
        double[] fine = difference(v, -1, h);
        double[] coarse = difference(v, -1, 2 * h);
        return fine == null || coarse == null ? null : estimate(fine, coarse);
    }

    /** J's column j (every output's derivative in input entry j), or null when the forward fails there. */
    Estimate column(int j) {
        double h = STEP * Math.max(1, Math.abs(x[j]));
        double[] fine = difference(null, j, h);
        double[] coarse = difference(null, j, 2 * h);
        return fine == null || coarse == null ? null : estimate(fine, coarse);
    }

    /** Jᵀ·w for an output-sized w, or null when the input is too large or the forward fails. */
    Estimate transposedProduct(double[] w) {
        if (x.length > MAX_ENTRIES) {
            return null;
        }
        double[] fine = new double[x.length];
        double[] coarse = new double[x.length];
        for (int j = 0; j < x.length; j++) {
            double h = STEP * Math.max(1, Math.abs(x[j]));
            double[] f1 = difference(null, j, h);
            double[] f2 = difference(null, j, 2 * h);
            if (f1 == null || f2 == null) {
                return null;
            }
            fine[j] = dot(w, f1);
            coarse[j] = dot(w, f2);
        }
        return estimate(fine, coarse);
    }

    /** The central difference of the outputs along v (entry j alone when v is null) with step h. */
    private double[] difference(double[] v, int j, double h) {
        double[] up = at(v, j, h);
        double[] down = at(v, j, -h);
        if (up == null || down == null) {
            return null;
        }
        double[] d = new double[u.length];
        for (int k = 0; k < d.length; k++) {
            d[k] = (up[k] - down[k]) / (2 * h);
        }
        return d;
    }

    private double[] at(double[] v, int j, double t) {
        double[] moved = x.clone();
        if (v == null) {
            moved[j] += t;
        } else {
            for (int i = 0; i < moved.length; i++) {
                moved[i] += t * v[i];
            }
        }
        return forward.finiteAt(moved, u.length);
    }

    /** The fine estimate, its error the gap to the coarse one (4x its own truncation error) plus rounding. */
    private static Estimate estimate(double[] fine, double[] coarse) {
        double scale = 0;
        for (double v : fine) {
            scale = Math.max(scale, Math.abs(v));
        }
        double[] error = new double[fine.length];
        for (int k = 0; k < fine.length; k++) {
            error[k] = Math.abs(fine[k] - coarse[k]) + 1e-8 * scale;
        }
        return new Estimate(fine, error);
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int k = 0; k < a.length; k++) {
            s += a[k] * b[k];
        }
        return s;
    }
}

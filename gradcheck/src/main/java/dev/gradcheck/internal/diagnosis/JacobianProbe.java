package dev.gradcheck.internal.diagnosis;

/**
 * Products of the forward's Jacobian J (outputs by the checked input's entries) with a vector, by
 * central differences at the checked point, each with an error estimate: for the findings that
 * test which product a wrong backward computed instead of Jᵀ·gradOutput. J·v costs four forward
 * calls; J whole four per input entry, so it is offered for small inputs only. Computed on demand,
 * never cached (each finding asks once), except J whole ({@link #matrix}), which several findings
 * test hypotheses on: computed on first use and kept.
 */
final class JacobianProbe {
    /** The largest input worth four forward calls per entry. */
    static final int MAX_ENTRIES = 256;
    /** The most outputs × input entries kept as J whole (two copies of 8 MB at most). */
    static final int MAX_MATRIX = 1 << 20;
    /** The relative step; the error estimate compares it with twice the step. */
    private static final double STEP = 1e-5;

    /** A product and, per entry, a bound on its finite-difference error. */
    record Estimate(double[] value, double[] error) {
    }

    /**
     * What a backward computes at input entry j from the Jacobian's columns ({@code columns[j][i]} =
     * ∂y_i/∂x_j): a hypothesis about a wrong backward, tested by {@link Matrix#predictsEveryEntry}.
     */
    @FunctionalInterface
    interface Hypothesis {
        double at(double[][] columns, int j);
    }

    /**
     * J whole, column by column, by central differences at the step ({@code fine}) and at twice it
     * ({@code coarse}): a hypothesis's value from the fine columns, its error the gap to the coarse.
     */
    record Matrix(double[][] fine, double[][] coarse) {
        /**
         * Whether the evidence's analytic values are the hypothesis's on every entry, telling it from
         * the numeric value on {@code minTelling} or more ({@link Matching#everyEntryPredicted}, entry
         * by entry: it stops at the first entry the hypothesis misses, so most cost one entry's sum).
         */
        boolean predictsEveryEntry(Evidence e, Hypothesis h, int minTelling) {
            int telling = 0;
            for (int k = 0; k < e.size(); k++) {
                double value = h.at(fine, e.flat[k]);
                double error = Math.abs(value - h.at(coarse, e.flat[k])) + 1e-8 * Math.max(Math.abs(value),
                        e.numericMax);
                int verdict = Matching.entryPredicted(e, k, value, error);
                if (verdict < 0) {
                    return false;
                }
                telling += verdict;
            }
            return telling >= minTelling;
        }
    }

    private final ElementwiseProbe.Forward forward;
    private final double[] x;
    private final double[] u;
    private Matrix matrix;
    private boolean matrixTried;

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

    /**
     * J whole (four forward calls per input entry, on first call only), or null when the input has
     * more than {@link #MAX_ENTRIES} entries, outputs × entries exceed {@link #MAX_MATRIX} or the
     * forward fails.
     */
    synchronized Matrix matrix() {
        if (!matrixTried) {
            matrixTried = true;
            matrix = computeMatrix();
        }
        return matrix;
    }

    private Matrix computeMatrix() {
        if (x.length > MAX_ENTRIES || (long) x.length * u.length > MAX_MATRIX) {
            return null;
        }
        double[][] fine = new double[x.length][];
        double[][] coarse = new double[x.length][];
        for (int j = 0; j < x.length; j++) {
            double h = STEP * Math.max(1, Math.abs(x[j]));
            fine[j] = difference(null, j, h);
            coarse[j] = difference(null, j, 2 * h);
            if (fine[j] == null || coarse[j] == null) {
                return null;
            }
        }
        return new Matrix(fine, coarse);
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
}

package dev.gradcheck.internal.diagnosis;

import static dev.gradcheck.internal.diagnosis.FloatGrid.bits;
import static dev.gradcheck.internal.diagnosis.FloatGrid.isFloat;

/**
 * The analytic gradient went through single precision: every compared entry's analytic value, or
 * its ratio to gradOutput where gradOutput is aligned with the entries, lies on float's grid, and at
 * least three of them carry more than 12 significant bits (0, 1, 0.5 or 3 say nothing). A double
 * result lands on that grid by chance about once in 2²⁷, so three such values are the backward
 * computing or storing in float (a cast, a float[] buffer, a float constant in the product).
 *
 * <p>Named only when the check is not itself of a float function (the input's own values are off
 * float's grid: a FLOAT32 check rounds its points to float) and every wrong entry is wrong by a
 * small amount, at most 1e-4 of its scale ({@link Evidence#entryScale}): rounding, not another
 * mistake, which the other findings name before this one is tried.
 */
final class SinglePrecisionFinding implements Finding {
    static final String KIND = "single_precision";
    /** Bits beyond which a float value is evidence (a short dyadic like 0.375 is not). */
    private static final int TELLING_BITS = FloatGrid.TELLING_BITS;
    /** The most a wrong entry may be off, against its scale, for rounding to explain it. */
    private static final double SMALL = 1e-4;

    @Override
    public Diagnosis test(Evidence e) {
        Evidence.Variable own = e.own();
        if (own == null || telling(own.values(), null) >= 3) {
            return null; // the inputs are floats themselves (a FLOAT32 check), or not known
        }
        int wrong = 0;
        for (int k = 0; k < e.size(); k++) {
            if (!onFloatGrid(e.a[k], e.u == null ? Double.NaN : e.u[k])) {
                return null;
            }
            if (e.wrong[k]) {
                if (!(Math.abs(e.a[k] - e.n[k]) <= SMALL * e.entryScale(k))) {
                    return null;
                }
                wrong++;
            }
        }
        int telling = telling(e.a, e.u);
        if (wrong == 0 || telling < 3) {
            return null;
        }
        return Diagnosis.of(KIND, "analytic values are single-precision (float) numbers" + e.every + " (" + telling
                + " with more than " + TELLING_BITS + " significant bits, which a double result has by chance once in"
                + " 10^8) and the wrong entries are off by rounding only: the backward computes or stores in float"
                + " (a cast, a float array or a float constant), accurate to about 1e-7; compute it in double, or"
                + " check it as a single-precision op (Precision.FLOAT32)");
    }

    /** How many of {@code v} (divided by gradOutput {@code u} where given and not 0) are floats with many bits. */
    private static int telling(double[] v, double[] u) {
        int count = 0;
        for (int k = 0; k < v.length; k++) {
            double r = u == null || u[k] == 0 ? v[k] : v[k] / u[k];
            boolean direct = isFloat(v[k]) && bits((float) v[k]) > TELLING_BITS;
            count += direct || isFloat(r) && bits((float) r) > TELLING_BITS ? 1 : 0;
        }
        return count;
    }

    /** {@code a}, or {@code a / u} when u is a non-zero gradOutput, is a float. */
    private static boolean onFloatGrid(double a, double u) {
        return isFloat(a) || u != 0 && !Double.isNaN(u) && isFloat(a / u);
    }
}

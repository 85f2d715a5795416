package dev.gradcheck.properties;

import dev.gradcheck.engine.Shape;
import java.util.Arrays;

/** Compares analytic against numeric entries and reports the worst one. */
final class Entries {
    private String worst;
    private double worstRatio = 1;
    private int failing;
    private int compared;

    /** Records one comparison; {@code where} names the entry. */
    void compare(String where, double analytic, double numeric, double tolerance) {
        compared++;
        double diff = Math.abs(analytic - numeric);
        boolean bad = !(diff <= tolerance); // NaN counts as bad
        if (bad) {
            failing++;
            double ratio = Double.isNaN(diff) ? Double.POSITIVE_INFINITY : diff / tolerance;
            if (worst == null || ratio > worstRatio) {
                worstRatio = ratio;
                worst = where + ": expected (numeric) " + numeric + ", actual (analytic) " + analytic + ", |difference| "
                        + diff + " > tolerance " + tolerance;
            }
        }
    }

    /** Throws when any comparison failed. */
    void assertAllClose(String what) {
        if (failing > 0) {
            throw new AssertionError(what + ": " + failing + " of " + compared + " entries differ; worst at " + worst);
        }
    }

    /** {@code [1, 2]}: the multi-index of flat position {@code flat} in {@code shape}. */
    static String index(Shape shape, int flat) {
        int[] idx = new int[shape.rank()];
        int[] strides = shape.strides();
        for (int d = 0; d < idx.length; d++) {
            idx[d] = strides[d] == 0 ? 0 : (flat / strides[d]) % shape.dim(d);
        }
        return Arrays.toString(idx);
    }
}

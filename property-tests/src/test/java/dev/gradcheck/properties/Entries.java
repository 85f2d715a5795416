package dev.gradcheck.properties;

import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.Tensor;
import java.util.Arrays;
import java.util.function.ToDoubleFunction;

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

    /**
     * Records, for every entry {@code x[k][j]}, the analytic derivative {@code analytic[k]} at j
     * against the central difference of {@code phi} there, to {@link Numeric#tolerance} with
     * {@code termScale}; the entry is named {@code names[k]}, the shape of {@code wrt[k]} and its
     * multi-index in that shape.
     *
     * @param kinked whether to detect (and stop at) differences that straddle a kink
     * @return false as soon as a difference straddles a kink (the draw is then unusable), else true
     */
    boolean comparePartials(ToDoubleFunction<double[][]> phi, double[][] x, Tensor[] wrt, String[] names,
            Tensor[] analytic, double termScale, boolean kinked) {
        for (int k = 0; k < x.length; k++) {
            double[] a = analytic[k].data();
            Shape shape = wrt[k].shape();
            for (int j = 0; j < x[k].length; j++) {
                Numeric.Diff d = Numeric.partial(phi, x, k, j, kinked);
                if (d.straddlesKink()) {
                    return false;
                }
                compare(names[k] + " " + shape + " index " + index(shape, j), a[j], d.value(),
                        Numeric.tolerance(a[j], d.value(), termScale, Numeric.step(x[k][j])));
            }
        }
        return true;
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

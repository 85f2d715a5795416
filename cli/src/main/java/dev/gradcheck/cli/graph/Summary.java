package dev.gradcheck.cli.graph;

import java.util.Locale;

/**
 * A one-line summary of a tensor's values: {@code mean 0.0123 std 0.98 [-2.1, 2.3]}, with the
 * count of NaN and infinite entries when there are any.
 *
 * @param count entries
 * @param nan NaN entries
 * @param inf infinite entries
 * @param min smallest finite entry (NaN when none)
 * @param max largest finite entry (NaN when none)
 * @param mean mean of the finite entries (NaN when none)
 * @param std population standard deviation of the finite entries (NaN when none)
 */
public record Summary(long count, long nan, long inf, double min, double max, double mean, double std) {
    /** Summarises {@code values}. */
    public static Summary of(double[] values) {
        long nan = 0;
        long inf = 0;
        long finite = 0;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        double mean = 0;
        double m2 = 0;
        for (double v : values) {
            if (Double.isNaN(v)) {
                nan++;
            } else if (Double.isInfinite(v)) {
                inf++;
            } else {
                finite++;
                min = Math.min(min, v);
                max = Math.max(max, v);
                // Welford: stable for large tensors
                double d = v - mean;
                mean += d / finite;
                m2 += d * (v - mean);
            }
        }
        if (finite == 0) {
            return new Summary(values.length, nan, inf, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        return new Summary(values.length, nan, inf, min, max, mean, Math.sqrt(m2 / finite));
    }

    /** True when every entry is finite. */
    public boolean finite() {
        return nan == 0 && inf == 0;
    }

    /** True when there are entries and every one is 0. */
    public boolean allZero() {
        return count > 0 && finite() && min == 0 && max == 0;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        if (count > 1 && allZero()) {
            return "all " + count + " entries 0"; // a dead path reads as such, not as "mean 0.000 std 0.000"
        }
        if (count == 1 && finite()) {
            sb.append(num(mean));
        } else if (nan + inf < count) {
            sb.append("mean ").append(num(mean)).append(" std ").append(num(std))
                    .append(" [").append(num(min)).append(", ").append(num(max)).append(']');
        }
        if (nan > 0) {
            sb.append(sb.length() > 0 ? ", " : "").append(nan).append(" NaN");
        }
        if (inf > 0) {
            sb.append(sb.length() > 0 ? ", " : "").append(inf).append(" Inf");
        }
        return sb.toString();
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.4g", v);
    }
}

package dev.gradcheck.health;

import dev.gradcheck.engine.Shape;
import java.util.Locale;

/**
 * Flags a weight (a param of rank 2 or more) whose initial values are far from the scale its
 * fan-in calls for: Xavier's and Kaiming's inits put the root mean square of a weight between
 * 1/sqrt(fan-in) and sqrt(2/fan-in). The fan-in is read from the shape, which may be laid out
 * {@code [in, out]} (a {@code matmul} weight) or {@code [out, in, ...]} ({@code linear},
 * {@code conv2d}), so both readings bound the expected range; only values more than
 * {@value #MARGIN} times outside it, or all zero, are flagged. Then the learning rate is not the
 * problem, whatever the update:data ratio says: the init is.
 */
final class InitScale {
    /** How far outside the expected range a weight's scale must be to be flagged. */
    static final double MARGIN = 100;

    private InitScale() {
    }

    /** The {@code init_scale} flag of {@code p}, or null when its scale is plausible (or it is no weight). */
    static Flag flag(ParamSample p) {
        Shape s = p.value().shape();
        if (p.input() || s.rank() < 2 || s.size() == 0) {
            return null;
        }
        double[] w = p.value().data();
        double sum = 0;
        for (double v : w) {
            sum += v * v;
        }
        double rms = Math.sqrt(sum / w.length);
        if (!Double.isFinite(rms)) {
            return null; // the anomaly flags say it
        }
        // [in, out] (x @ W) or [out, in, kh, kw] (linear, conv2d): the fan-in is one of these
        long first = s.size() / s.dim(0);
        long last = s.size() / s.dim(s.rank() - 1);
        long fanLow = Math.max(1, Math.min(first, last));
        long fanHigh = Math.max(1, Math.max(first, last));
        double low = 1 / Math.sqrt(fanHigh);
        double high = Math.sqrt(2.0 / fanLow);
        String where = p.layer() != null ? p.layer() : p.name();
        String expected = String.format(Locale.ROOT, "%s to %s for a fan-in of %s, as kaiming and xavier give",
                TensorStats.fmt(low), TensorStats.fmt(high), fanLow == fanHigh ? Long.toString(fanLow)
                        : fanLow + " to " + fanHigh);
        if (rms == 0) {
            return new Flag(FlagKind.INIT_SCALE, where, "param '" + p.name() + "' " + s + " is all zero at init: "
                    + "every unit computes the same and gets the same update, so symmetry is never broken; "
                    + "initialise it at random (root mean square " + expected + ")");
        }
        if (rms > MARGIN * high || rms < low / MARGIN) {
            boolean above = rms > high;
            return new Flag(FlagKind.INIT_SCALE, where, String.format(Locale.ROOT,
                    "param '%s' %s has root mean square %s at init, %sx %s its fan-in calls for (%s): the init's "
                            + "scale causes what follows (saturation, exploding or vanishing gradients, update:data "
                            + "ratios far from 1e-3), not the learning rate; initialise it with kaiming or xavier",
                    p.name(), s, TensorStats.fmt(rms), TensorStats.fmt(above ? rms / high : low / rms),
                    above ? "the largest" : "below the smallest", expected));
        }
        return null;
    }
}

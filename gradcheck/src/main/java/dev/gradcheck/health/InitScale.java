package dev.gradcheck.health;

import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.Tensor;
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
        Scale sc = p.input() ? null : Scale.of(p.value());
        if (sc == null || !sc.off()) {
            return null;
        }
        Shape s = p.value().shape();
        String where = p.layer() != null ? p.layer() : p.name();
        String expected = String.format(Locale.ROOT, "%s to %s for a fan-in of %s, as kaiming and xavier give",
                TensorStats.fmt(sc.low), TensorStats.fmt(sc.high), sc.fanLow == sc.fanHigh ? Long.toString(sc.fanLow)
                        : sc.fanLow + " to " + sc.fanHigh);
        if (sc.rms == 0) {
            return new Flag(FlagKind.INIT_SCALE, where, "param '" + p.name() + "' " + s + " is all zero at init: "
                    + "every unit computes the same and gets the same update, so symmetry is never broken; "
                    + "initialise it at random (root mean square " + expected + ")");
        }
        boolean above = sc.rms > sc.high;
        return new Flag(FlagKind.INIT_SCALE, where, String.format(Locale.ROOT,
                "param '%s' %s has root mean square %s at init, %sx %s its fan-in calls for (%s): the init's "
                        + "scale causes what follows (saturation, exploding or vanishing gradients, update:data "
                        + "ratios far from 1e-3), not the learning rate; initialise it with kaiming or xavier",
                p.name(), s, TensorStats.fmt(sc.rms), TensorStats.fmt(above ? sc.rms / sc.high : sc.low / sc.rms),
                above ? "the largest" : "below the smallest", expected));
    }

    /**
     * True when {@code value}, a weight's values, is still as far off its fan-in's scale as
     * {@link #flag} requires (for a weight flagged at init: does its init still explain what follows?).
     */
    static boolean offScale(Tensor value) {
        Scale sc = Scale.of(value);
        return sc != null && sc.off();
    }

    /**
     * A weight's root mean square against the range its fan-in calls for. The fan-in is read from
     * the shape, {@code [in, out]} (x @ W) or {@code [out, in, kh, kw]} (linear, conv2d): one of
     * these, so both readings bound the range.
     */
    private record Scale(double rms, double low, double high, long fanLow, long fanHigh) {
        /** Null for no weight (rank below 2, empty) or non-finite values (the anomaly flags say those). */
        static Scale of(Tensor value) {
            Shape s = value.shape();
            if (s.rank() < 2 || s.size() == 0) {
                return null;
            }
            double[] w = value.data();
            double sum = 0;
            for (double v : w) {
                sum += v * v;
            }
            double rms = Math.sqrt(sum / w.length);
            if (!Double.isFinite(rms)) {
                return null;
            }
            long first = s.size() / s.dim(0);
            long last = s.size() / s.dim(s.rank() - 1);
            long fanLow = Math.max(1, Math.min(first, last));
            long fanHigh = Math.max(1, Math.max(first, last));
            return new Scale(rms, 1 / Math.sqrt(fanHigh), Math.sqrt(2.0 / fanLow), fanLow, fanHigh);
        }

        boolean off() {
            return rms == 0 || rms > MARGIN * high || rms < low / MARGIN;
        }
    }
}

package dev.gradcheck.model;

import dev.gradcheck.engine.Tensor;
import java.util.Collection;

/**
 * The tolerances {@code compare} judges gradients computed at a reduced {@link FloatPrecision}
 * with: an entry passes when {@code |theirs − reference| <= tol·(|reference| + scale)}, tol the
 * precision's {@link FloatPrecision#tolerance()} and {@code scale} the largest |reference| over
 * all the compared tensors.
 *
 * <p>Why the scale of all tensors, not of the entry's own: rounding in a gradient entry is
 * relative to the magnitudes that flowed into it (the terms of its sums), not to its value. An
 * entry whose terms cancel (a conv bias before a BatchNorm, a key bias a softmax ignores: true
 * gradient 0 on the whole tensor) carries float32 noise of the order of the upstream gradients,
 * which are the loss's gradients, of the order of the largest compared gradient. A bound relative
 * to the tensor's own largest entry collapses to nothing there. The cost: a tensor whose whole
 * gradient is below {@code tol·scale} (6e-5 of the largest gradient for float32) is checked only
 * to that absolute bound; a float64 file checks it at float64 tolerances.
 *
 * @param precision the precision the gradients (or the model's constants) carry
 * @param scale the largest |reference| over all the compared tensors
 */
public record PrecisionTolerance(FloatPrecision precision, double scale) {
    /** The tolerance for {@code precision} over the reference gradients {@code reference}. */
    public static PrecisionTolerance of(FloatPrecision precision, Collection<Tensor> reference) {
        double m = 0;
        for (Tensor t : reference) {
            for (double v : t.data()) {
                if (Double.isFinite(v)) {
                    m = Math.max(m, Math.abs(v));
                }
            }
        }
        return new PrecisionTolerance(precision, m);
    }

    /** The absolute tolerance: {@code tol·scale}, at least {@code floor} (compare's float64 one). */
    public double atol(double floor) {
        return Math.max(floor, precision.tolerance() * scale);
    }

    /** The relative tolerance: {@code tol}, at least {@code floor}. */
    public double rtol(double floor) {
        return Math.max(floor, precision.tolerance());
    }
}

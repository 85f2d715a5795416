package dev.gradcheck.engine.nn;

/**
 * A learning rate as a function of the epoch, with PyTorch's closed forms; epoch counts
 * scheduler steps as PyTorch's {@code last_epoch} does (0 before the first {@code step()}).
 *
 * <pre>{@code
 * LrSchedule schedule = LrSchedule.cosine(0.1, 50, 0.0);
 * for (int epoch = 0; epoch < 50; epoch++) {
 *     schedule.applyTo(optimizer, epoch);
 *     ... train one epoch ...
 * }
 * }</pre>
 */
@FunctionalInterface
public interface LrSchedule {
    /** The learning rate at {@code epoch} (≥ 0). */
    double lr(int epoch);

    /** Sets {@code optimizer}'s learning rate to {@code lr(epoch)}. */
    default void applyTo(Optimizer optimizer, int epoch) {
        optimizer.setLr(lr(epoch));
    }

    /** A constant rate. */
    static LrSchedule constant(double lr) {
        return epoch -> lr;
    }

    /** PyTorch's {@code StepLR}: {@code baseLr * gamma^floor(epoch / stepSize)}. */
    static LrSchedule step(double baseLr, int stepSize, double gamma) {
        if (stepSize <= 0) {
            throw new IllegalArgumentException("StepLR: step size must be positive, got " + stepSize);
        }
        return epoch -> baseLr * Math.pow(gamma, Math.floorDiv(checked(epoch), stepSize));
    }

    /**
     * PyTorch's {@code CosineAnnealingLR}:
     * {@code etaMin + (baseLr - etaMin) * (1 + cos(pi * epoch / tMax)) / 2}; past {@code tMax} the
     * cosine continues (rises again), as PyTorch's does.
     */
    static LrSchedule cosine(double baseLr, int tMax, double etaMin) {
        if (tMax <= 0) {
            throw new IllegalArgumentException("CosineAnnealingLR: T_max must be positive, got " + tMax);
        }
        return epoch -> etaMin + (baseLr - etaMin) * (1 + Math.cos(Math.PI * checked(epoch) / tMax)) / 2;
    }

    private static int checked(int epoch) {
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch must be >= 0, got " + epoch);
        }
        return epoch;
    }
}

package dev.gradcheck.health;

import java.util.List;

/**
 * Settings of the recipe checks.
 *
 * @param steps training steps of the overfitting and zeroed-input runs (default 300)
 * @param optimizer {@code adam} (default) or {@code sgd}
 * @param lr the learning rate (default 0.03)
 * @param initFactor the loss at init passes when within this factor of {@code -log(1/C)}
 *     (default 3: between a third of it and three times it)
 * @param overfitFraction overfitting passes when the final loss is at most this fraction of the
 *     initial loss (default 0.1)
 * @param zeroInputRatio the zeroed-input baseline passes when the real input's final loss is at
 *     most this fraction of the zeroed input's (default 0.5)
 * @param divergeFactor a run diverges at the first step whose loss is not finite or above this
 *     multiple of the initial loss (default 4)
 * @param listeners called after every training step of every run
 * @param batchDim the dimension of the inputs that holds the batch, for the batch-independence
 *     check (default 0)
 */
public record SanityOptions(int steps, String optimizer, double lr, double initFactor, double overfitFraction,
        double zeroInputRatio, double divergeFactor, List<StepListener> listeners, int batchDim) {

    public SanityOptions {
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be at least 1, got " + steps);
        }
        if (!optimizer.equals("adam") && !optimizer.equals("sgd")) {
            throw new IllegalArgumentException("optimizer must be adam or sgd, got '" + optimizer + "'");
        }
        if (!(lr > 0 && lr < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("lr must be positive and finite, got " + lr);
        }
        if (!(initFactor > 1)) {
            throw new IllegalArgumentException("initFactor must be above 1, got " + initFactor);
        }
        if (!(overfitFraction > 0 && overfitFraction < 1)) {
            throw new IllegalArgumentException("overfitFraction must be in (0, 1), got " + overfitFraction);
        }
        if (!(zeroInputRatio > 0 && zeroInputRatio <= 1)) {
            throw new IllegalArgumentException("zeroInputRatio must be in (0, 1], got " + zeroInputRatio);
        }
        if (!(divergeFactor > 1)) {
            throw new IllegalArgumentException("divergeFactor must be above 1, got " + divergeFactor);
        }
        if (batchDim < 0) {
            throw new IllegalArgumentException("batchDim must be 0 or more, got " + batchDim);
        }
        listeners = List.copyOf(listeners);
    }

    /** The settings with the batch along dimension 0. */
    public SanityOptions(int steps, String optimizer, double lr, double initFactor, double overfitFraction,
            double zeroInputRatio, double divergeFactor, List<StepListener> listeners) {
        this(steps, optimizer, lr, initFactor, overfitFraction, zeroInputRatio, divergeFactor, listeners, 0);
    }

    /** 300 steps of Adam at lr 0.03; init within 3x, overfit to 10%, zeroed input 2x worse, divergence at 4x. */
    public static SanityOptions defaults() {
        return new SanityOptions(300, "adam", 0.03, 3, 0.1, 0.5, 4, List.of());
    }

    public SanityOptions withSteps(int n) {
        return new SanityOptions(n, optimizer, lr, initFactor, overfitFraction, zeroInputRatio, divergeFactor,
                listeners);
    }

    public SanityOptions withOptimizer(String name, double learningRate) {
        return new SanityOptions(steps, name, learningRate, initFactor, overfitFraction, zeroInputRatio,
                divergeFactor, listeners, batchDim);
    }

    public SanityOptions withThresholds(double initFactorValue, double overfitFractionValue, double zeroInputRatioValue,
            double divergeFactorValue) {
        return new SanityOptions(steps, optimizer, lr, initFactorValue, overfitFractionValue, zeroInputRatioValue,
                divergeFactorValue, listeners, batchDim);
    }

    public SanityOptions withListener(StepListener l) {
        List<StepListener> ls = new java.util.ArrayList<>(listeners);
        ls.add(l);
        return new SanityOptions(steps, optimizer, lr, initFactor, overfitFraction, zeroInputRatio, divergeFactor,
                ls, batchDim);
    }

    /** The batch along dimension {@code dim} of the inputs, for the batch-independence check. */
    public SanityOptions withBatchDim(int dim) {
        return new SanityOptions(steps, optimizer, lr, initFactor, overfitFraction, zeroInputRatio, divergeFactor,
                listeners, dim);
    }
}

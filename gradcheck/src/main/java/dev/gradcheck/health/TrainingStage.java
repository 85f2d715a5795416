package dev.gradcheck.health;

import java.util.Set;

/**
 * Where in a training run the values a flow analysis sees come from, for the advice it may give.
 * Only initial values are judged for their init's scale: later, a weight far off its fan-in's
 * scale was moved there by training. A weight judged off-scale at init keeps its update:data
 * ratio explained by that init at every step. Once a run has diverged, update:data ratios give no
 * learning-rate advice: with the params blown up (or the loss saturated), a tiny ratio says
 * nothing about the learning rate being too low; the {@code diverged} flag has named the cause.
 *
 * @param initial true for the values before any training step
 * @param offScaleAtInit the params flagged {@code init_scale} on the initial values
 * @param diverged true once the run has diverged
 */
record TrainingStage(boolean initial, Set<String> offScaleAtInit, boolean diverged) {
    /** The initial values: judged for their init's scale. */
    static final TrainingStage INITIAL = new TrainingStage(true, Set.of(), false);

    TrainingStage {
        offScaleAtInit = Set.copyOf(offScaleAtInit);
    }

    /** Values a training run reached, after its initial values had {@code offScaleAtInit} flagged. */
    static TrainingStage trained(Set<String> offScaleAtInit, boolean diverged) {
        return new TrainingStage(false, offScaleAtInit, diverged);
    }
}

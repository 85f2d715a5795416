package dev.gradcheck.health;

import java.util.Map;
import java.util.Set;

/**
 * Where in a training run the values a flow analysis sees come from, for the advice it may give.
 * Only initial values are judged for their init's scale: later, a weight far off its fan-in's
 * scale was moved there by training. A weight judged off-scale at init keeps its update:data
 * ratio explained by that init at every step, and the ratios it reaches while it stays off-scale.
 * Once a run has diverged, update:data ratios give no learning-rate advice: with the params blown
 * up (or the loss saturated), a tiny ratio says nothing about the learning rate being too low; the
 * {@code diverged} flag has named the cause. A param whose norm training has more than doubled
 * (a bias that started at zero) has the scale training gave it: its update:data ratio after k
 * steps is about 1/k whatever the learning rate, so it gives no advice either.
 *
 * @param initial true for the values before any training step
 * @param offScaleAtInit the params flagged {@code init_scale} on the initial values
 * @param diverged true once the run has diverged
 * @param initialNorms each param's data norm on the initial values (empty for the initial values)
 */
record TrainingStage(boolean initial, Set<String> offScaleAtInit, boolean diverged, Map<String, Double> initialNorms) {
    /** The initial values: judged for their init's scale. */
    static final TrainingStage INITIAL = new TrainingStage(true, Set.of(), false, Map.of());

    /** How many times its initial norm a param's norm may reach before its scale counts as training's. */
    static final double TRAINED_SCALE = 2;

    TrainingStage {
        offScaleAtInit = Set.copyOf(offScaleAtInit);
        initialNorms = Map.copyOf(initialNorms);
    }

    /** Values a training run reached, after its initial values had {@code offScaleAtInit} flagged. */
    static TrainingStage trained(Set<String> offScaleAtInit, boolean diverged, Map<String, Double> initialNorms) {
        return new TrainingStage(false, offScaleAtInit, diverged, initialNorms);
    }

    /**
     * True when {@code param}'s data norm {@code norm} is mostly what training gave it: more than
     * {@value #TRAINED_SCALE} times its initial norm (any norm, for a param that started at zero).
     */
    boolean scaleFromTraining(String param, double norm) {
        Double start = initialNorms.get(param);
        return !initial && start != null && norm > TRAINED_SCALE * start;
    }
}

package dev.gradcheck.health;

/** Called once per training step by {@link HealthMonitor} and by {@link Sanity}'s training runs. */
@FunctionalInterface
public interface StepListener {
    /** One step's report; throwing stops the training run that called it. */
    void onStep(StepReport step);
}

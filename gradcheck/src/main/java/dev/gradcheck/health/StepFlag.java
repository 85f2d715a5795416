package dev.gradcheck.health;

/**
 * A finding of a training run ({@link FlowHistory}) and the step it first appeared at.
 *
 * @param step 0 for a finding on the initial values, k for one that appeared after k SGD steps
 * @param flag the finding; after step 0 its detail begins {@code "at step k: "}
 */
public record StepFlag(int step, Flag flag) {
}

package dev.gradcheck.health;

/**
 * What one training step looked like.
 *
 * @param run which run it belongs to (e.g. {@code "observe"}, {@code "overfit"}, {@code "zero-input"})
 * @param step the step number, from 0
 * @param loss the loss before the step's update
 * @param flow the flow analysis of the step, or null when the run does not analyse every step
 */
public record StepReport(String run, int step, double loss, FlowReport flow) {
    /** True when the loss is finite and the flow (if any) flagged nothing. */
    public boolean healthy() {
        return Double.isFinite(loss) && (flow == null || flow.healthy());
    }
}

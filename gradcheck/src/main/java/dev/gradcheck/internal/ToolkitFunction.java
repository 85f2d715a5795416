package dev.gradcheck.internal;

/**
 * Marks a function the toolkit builds itself (a model file's loss, a registry op): its layers are
 * the toolkit's, so a failure gets no {@link NextStep} suggesting the user check a layer alone.
 */
public interface ToolkitFunction {
}

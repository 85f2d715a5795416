package dev.gradcheck.model;

/**
 * The model file is valid, but what the caller asked does not fit it: a graph that ends in logits
 * read without a loss ({@code --loss}, {@code --target}), a loss asked for a model that already
 * ends in a scalar, a target that is not among the values. The command line maps it to exit
 * code 2 (usage error).
 */
public class ModelUsageException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** @param message what does not fit, and what to give instead */
    public ModelUsageException(String message) {
        super(message);
    }
}

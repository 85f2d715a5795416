package dev.gradcheck.engine.op;

import dev.gradcheck.engine.Shape;

/**
 * What a classification loss predicts from an input of a given shape: how many classes, and how
 * many predictions. At a chance-level prediction (every class equally likely) the loss is
 * {@code log(classes)} per prediction, which is what a fresh model's loss should be near.
 */
@FunctionalInterface
public interface ClassificationLoss {
    /** The classes and predictions of an input of shape {@code input}. */
    Predictions predictions(Shape input);

    /**
     * @param classes how many classes each prediction chooses among (2 for a binary one)
     * @param count how many predictions the input holds
     */
    record Predictions(int classes, long count) {
    }

    /** Class scores along dimension 1 ({@code [N, C, d1, …]}), or along 0 for a 1-D (unbatched) input. */
    static ClassificationLoss classesAlongDim1() {
        return s -> {
            ClassLayout layout = ClassLayout.of(s);
            return new Predictions(layout.classes(), layout.predictions());
        };
    }

    /** One binary prediction per entry (logits of binary cross-entropy). */
    static ClassificationLoss binaryPerEntry() {
        return s -> new Predictions(2, s.size());
    }
}

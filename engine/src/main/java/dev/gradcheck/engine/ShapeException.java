package dev.gradcheck.engine;

/**
 * An op was given tensors whose shapes it cannot combine. The message names the op and every
 * full shape involved, e.g. {@code matmul: [8, 4] x [3, 16]: inner dimensions 4 and 3 differ}.
 */
public class ShapeException extends IllegalArgumentException {
    public ShapeException(String message) {
        super(message);
    }
}

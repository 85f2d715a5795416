package dev.gradcheck.health;

/**
 * The first node whose input shapes do not fit its op.
 *
 * @param row the node, op and input shapes (no output shape)
 * @param pointer where the node is declared in the file (JSON Pointer)
 * @param problem the op's own message, naming every full shape
 * @param hint a change that would make the shapes fit, e.g. {@code transposing W1 ([16, 4] → [4, 16])
 *     would fit}, or null when none was found
 * @param message the full message of the loader (file, place, node, problem)
 */
public record ShapeMismatch(ShapeRow row, String pointer, String problem, String hint, String message) {
}

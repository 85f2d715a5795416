package dev.gradcheck.health;

import dev.gradcheck.engine.Shape;
import java.util.List;

/**
 * One row of the shapes table: a node, its op, its inputs with their shapes, its output shape
 * and the number of param entries it brings in (params it is the first to use).
 *
 * @param node the node's name
 * @param op the op's name
 * @param inputs the input names, in order
 * @param inputShapes their shapes
 * @param output the output shape (null in the row of a mismatch)
 * @param paramCount entries of the params this node is the first to use
 */
public record ShapeRow(String node, String op, List<String> inputs, List<Shape> inputShapes, Shape output,
        long paramCount) {
    public ShapeRow {
        inputs = List.copyOf(inputs);
        inputShapes = List.copyOf(inputShapes);
    }

    /** {@code x [8, 4], W1 [4, 16]}. */
    public String inputText() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < inputs.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(inputs.get(i)).append(' ')
                    .append(i < inputShapes.size() && inputShapes.get(i) != null ? inputShapes.get(i) : "?");
        }
        return sb.toString();
    }
}

package dev.gradcheck.model;

import dev.gradcheck.engine.op.OpDef;
import java.util.List;
import java.util.Map;

/**
 * A node as a model reader found it, before the {@link GraphBuilder} validates it: its name, op
 * name, input names and attributes, and where each part is in the file (for messages).
 *
 * @param name the name of its output
 * @param op the op's registry name
 * @param inputs the names of its tensor inputs, in PyTorch's positional order
 * @param attrs its attributes, given the op once the op is known
 * @param pointer where the node is (e.g. {@code /nodes/3})
 * @param opPointer where its op name is
 * @param inputsPointer where its input list is (the node's own pointer when the format has no
 *     list of its own: then a bad input is reported at the node)
 * @param attrsPointer where its attributes are (a bad attribute is reported below it, by name)
 */
public record NodeDraft(String name, String op, List<String> inputs, Attributes attrs, String pointer,
        String opPointer, String inputsPointer, String attrsPointer) {
    public NodeDraft {
        inputs = List.copyOf(inputs);
    }

    /** A node whose parts are all reported at its own pointer. */
    public static NodeDraft at(String pointer, String name, String op, List<String> inputs,
            Map<String, Object> attrs) {
        return new NodeDraft(name, op, inputs, Attributes.of(attrs), pointer, pointer, pointer, pointer);
    }

    /**
     * A node's attributes as Java values (Integer, Double, Boolean, String, null, lists of numbers),
     * by PyTorch keyword name, made once the op is known (so a reader's conversion errors can name
     * the op); the map may be changed by the builder.
     */
    @FunctionalInterface
    public interface Attributes {
        /** @throws ModelFileException when a value cannot be an attribute value */
        Map<String, Object> values(OpDef op);

        /** Attributes known already, whatever the op. */
        static Attributes of(Map<String, Object> values) {
            return op -> values;
        }
    }
}

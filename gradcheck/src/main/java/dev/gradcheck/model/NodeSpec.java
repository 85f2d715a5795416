package dev.gradcheck.model;

import dev.gradcheck.engine.Attrs;
import dev.gradcheck.engine.DType;
import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.op.AttrSpec;
import dev.gradcheck.engine.op.OpDef;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One node of the graph, validated: its op is registered, its arity and attributes fit, and its
 * output shape is inferred statically.
 *
 * @param name the name of its output
 * @param op the op, from the registry
 * @param inputs the names of its tensor inputs, in PyTorch's positional order
 * @param attrs the attributes, resolved (defaults filled in)
 * @param shape the output shape (static shape inference)
 * @param dtype the output dtype
 * @param pointer where it is declared (e.g. {@code /nodes/3}, or {@code /layers/2} for the shorthand)
 */
public record NodeSpec(String name, OpDef op, List<String> inputs, Attrs attrs, Shape shape, DType dtype,
        String pointer) {
    public NodeSpec {
        inputs = List.copyOf(inputs);
    }

    /**
     * The attributes whose values differ from the op's defaults, in order (what a label shows:
     * {@code mean} with {@code dim=0, keepdim=true}, not its other defaults).
     */
    public Map<String, Object> attrsBesideDefaults() {
        Map<String, Object> out = new LinkedHashMap<>();
        for (String a : attrs.names()) {
            Object v = attrs.get(a);
            AttrSpec spec = op.attrs().get(a);
            boolean byDefault = spec != null && !spec.required()
                    && Arrays.deepEquals(new Object[] {v}, new Object[] {spec.defaultValue() == null ? null
                            : spec.coerce(spec.defaultValue())});
            if (!byDefault) {
                out.put(a, v);
            }
        }
        return out;
    }
}

package dev.gradcheck.model;

import static dev.gradcheck.model.JsonFields.kind;
import static dev.gradcheck.model.JsonFields.listText;
import static dev.gradcheck.model.JsonFields.shortJson;
import static dev.gradcheck.model.JsonSource.ptr;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gradcheck.engine.DType;
import dev.gradcheck.engine.Shape;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Reads the {@code inputs} and {@code params} of a JSON model file: each a name mapped to
 * {@code {shape, dtype?, init?}}, its shape's dimensions within the limits, a param float64, its
 * init read by the {@link InitParser}; each declared and added to the {@link GraphBuilder}.
 */
final class TensorSpecParser {
    private static final Set<String> TENSOR_KEYS = Set.of("shape", "dtype", "init", "constant");

    private final JsonSource src;
    private final JsonFields fields;
    private final Limits limits;
    private final GraphBuilder graph;
    private final InitParser inits;

    TensorSpecParser(JsonFields fields, Limits limits, GraphBuilder graph, InitParser inits) {
        this.src = fields.source();
        this.fields = fields;
        this.limits = limits;
        this.graph = graph;
        this.inits = inits;
    }

    /** The object at {@code base} ({@code /inputs} or {@code /params}), in file order. */
    Map<String, TensorSpec> parse(JsonNode node, String base, boolean param) {
        if (!node.isObject()) {
            throw src.fail(base, null, base.substring(1) + " must be an object mapping names to {shape, dtype?, init?}, "
                    + "got " + kind(node));
        }
        Map<String, TensorSpec> out = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String p = ptr(base, e.getKey());
            graph.declare(e.getKey(), p);
            TensorSpec spec = tensor(e.getKey(), e.getValue(), p, param);
            out.put(spec.name(), spec);
        }
        return out;
    }

    private TensorSpec tensor(String name, JsonNode node, String p, boolean param) {
        if (!node.isObject()) {
            throw src.fail(p, name, "'" + name + "' must be an object {shape, dtype?, init?}, got " + kind(node));
        }
        fields.checkKeys(node, p, TENSOR_KEYS, "key");
        if (!node.has("shape")) {
            throw src.fail(p, name, "'" + name + "' has no \"shape\"");
        }
        Shape shape = shape(node.get("shape"), ptr(p, "shape"), name);
        DType dtype = DType.FLOAT64;
        if (node.has("dtype")) {
            JsonNode d = node.get("dtype");
            dtype = d.isTextual() ? DType.byLabel(d.asText()) : null;
            if (dtype == null) {
                throw src.fail(ptr(p, "dtype"), name, "dtype must be \"float64\" or \"int64\", got " + shortJson(d));
            }
        }
        if (param && dtype == DType.INT64) {
            throw src.fail(ptr(p, "dtype"), name, "param '" + name + "' is int64; params get gradients and must be "
                    + "float64 (put integer data in inputs)");
        }
        InitSpec init = node.has("init") ? inits.parse(node.get("init"), ptr(p, "init"), name, shape, dtype)
                : new InitSpec.Zeros();
        boolean constant = false;
        if (node.has("constant")) {
            JsonNode c = node.get("constant");
            if (!c.isBoolean()) {
                throw src.fail(ptr(p, "constant"), name, "constant must be true or false, got " + shortJson(c));
            }
            if (param && c.asBoolean()) {
                throw src.fail(ptr(p, "constant"), name, "param '" + name + "' is declared constant; params are "
                        + "trained and differentiated (declare a fixed tensor under inputs)");
            }
            constant = c.asBoolean();
        }
        TensorSpec spec = new TensorSpec(name, param, shape, dtype, init, p, constant);
        graph.addLeaf(spec);
        return spec;
    }

    private Shape shape(JsonNode node, String p, String name) {
        if (!node.isArray()) {
            throw src.fail(p, name, "shape must be a list of dimensions such as [8, 4] ([] for a scalar), got "
                    + shortJson(node));
        }
        if (node.size() > 32) {
            throw src.fail(p, name, "shape has " + node.size() + " dimensions; at most 32 are allowed");
        }
        int[] dims = new int[node.size()];
        long n = 1;
        // the engine's ceiling holds whatever the limits say: dims are ints, element counts below 2^31
        long limit = Math.min(limits.maxElementsPerTensor(), Shape.MAX_ELEMENTS);
        String over = limit < limits.maxElementsPerTensor() ? "the engine's ceiling of " + limit + " elements per tensor"
                : "the limit of " + limit + " elements per tensor";
        for (int i = 0; i < dims.length; i++) {
            JsonNode d = node.get(i);
            if (!d.isIntegralNumber()) {
                throw src.fail(ptr(p, i), name, "dimension " + shortJson(d) + " of shape " + listText(node)
                        + " is not an integer");
            }
            if (d.isBigInteger() || d.asLong() < 0) {
                throw src.fail(ptr(p, i), name, (d.asLong() < 0 || d.bigIntegerValue().signum() < 0 ? "negative" : "absurd")
                        + " dimension " + d.asText() + " in shape " + listText(node));
            }
            long v = d.asLong();
            if (v > limit) {
                throw src.fail(ptr(p, i), name, "absurd dimension " + v + " in shape " + listText(node)
                        + ": over " + over);
            }
            dims[i] = (int) v;
            n *= Math.max(v, 1); // both factors at most 2^31: no overflow
            if (n > limit) {
                throw src.fail(p, name, "shape " + listText(node) + " has more than " + over);
            }
        }
        return Shape.of(dims);
    }
}

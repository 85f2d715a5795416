package dev.gradcheck.model;

import static dev.gradcheck.model.JsonFields.kind;
import static dev.gradcheck.model.JsonFields.shortJson;
import static dev.gradcheck.model.JsonSource.ptr;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gradcheck.engine.op.OpDef;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A node's attributes in a JSON model file, as the Java values the op registry resolves. */
final class JsonAttributes {
    private final JsonSource src;

    JsonAttributes(JsonSource src) {
        this.src = src;
    }

    /** The attributes of the object {@code attrs} (may be null or JSON null: none), converted once the op is known. */
    NodeDraft.Attributes of(JsonNode attrs, String attrsPointer, String node) {
        return op -> {
            Map<String, Object> given = new LinkedHashMap<>();
            if (attrs != null && attrs.isObject()) {
                Iterator<Map.Entry<String, JsonNode>> it = attrs.properties().iterator();
                while (it.hasNext()) {
                    Map.Entry<String, JsonNode> e = it.next();
                    given.put(e.getKey(), value(e.getValue(), ptr(attrsPointer, e.getKey()), node, op));
                }
            }
            return given;
        };
    }

    /** One attribute value: a number, string, boolean, null or list of numbers. */
    Object value(JsonNode v, String p, String node, OpDef op) {
        if (v.isNull()) {
            return null;
        }
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        if (v.isTextual()) {
            return v.asText();
        }
        if (v.isIntegralNumber()) {
            if (!v.canConvertToInt()) {
                throw src.fail(p, node, op.name() + " '" + node + "': attribute value " + v.asText()
                        + " does not fit in an int");
            }
            return v.intValue();
        }
        if (v.isNumber()) {
            return v.doubleValue();
        }
        if (v.isArray()) {
            List<Object> list = new ArrayList<>();
            for (int i = 0; i < v.size(); i++) {
                JsonNode e = v.get(i);
                if (!e.isNumber()) {
                    throw src.fail(ptr(p, i), node, op.name() + " '" + node + "': attribute lists hold numbers only, got "
                            + shortJson(e));
                }
                list.add(value(e, ptr(p, i), node, op));
            }
            return list;
        }
        throw src.fail(p, node, op.name() + " '" + node + "': attribute values are numbers, strings, booleans, "
                + "null or lists of numbers; got " + kind(v));
    }
}

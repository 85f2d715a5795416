package dev.gradcheck.model;

import static dev.gradcheck.model.JsonSource.ptr;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads the fields of a model file's JSON objects with the checks every part of the JSON reader
 * shares (only known keys, a string or a finite number where one is due) and quotes JSON values
 * short in messages.
 */
final class JsonFields {
    private final JsonSource src;

    JsonFields(JsonSource src) {
        this.src = src;
    }

    JsonSource source() {
        return src;
    }

    /** Fails at the first key of {@code obj} not in {@code allowed}, suggesting the nearest. */
    void checkKeys(JsonNode obj, String p, Set<String> allowed, String what) {
        Iterator<String> it = obj.fieldNames();
        while (it.hasNext()) {
            String k = it.next();
            if (!allowed.contains(k)) {
                List<String> sorted = allowed.stream().sorted().collect(Collectors.toList());
                throw src.fail(ptr(p, k), null, "unknown " + what + " \"" + abbreviate(k) + "\"; expected "
                        + String.join(", ", sorted) + NameSuggestions.suggest(k, sorted));
            }
        }
    }

    /** The string at {@code key}, or {@code dflt} when absent. */
    String optString(JsonNode obj, String p, String key, String dflt) {
        JsonNode v = obj.get(key);
        if (v == null) {
            return dflt;
        }
        if (!v.isTextual()) {
            throw src.fail(ptr(p, key), null, key + " must be a string, got " + shortJson(v));
        }
        return v.asText();
    }

    /** A name: a non-empty string. */
    String name(JsonNode n, String p) {
        if (!n.isTextual() || n.asText().isEmpty()) {
            throw src.fail(p, null, "a name must be a non-empty string, got " + shortJson(n));
        }
        return n.asText();
    }

    /** A finite number. */
    double number(JsonNode n, String p, String name) {
        if (!n.isNumber() || !Double.isFinite(n.asDouble())) {
            throw src.fail(p, name, "expected a finite number, got " + shortJson(n));
        }
        return n.asDouble();
    }

    /** What a JSON value is, in words: {@code an object}, {@code a list}, … */
    static String kind(JsonNode n) {
        if (n.isObject()) {
            return "an object";
        }
        if (n.isArray()) {
            return "a list";
        }
        if (n.isTextual()) {
            return "a string";
        }
        if (n.isNumber()) {
            return "a number";
        }
        if (n.isBoolean()) {
            return "a boolean";
        }
        return "null";
    }

    /** A JSON list as shapes print everywhere: {@code [8, -4]}. */
    static String listText(JsonNode n) {
        List<String> parts = new ArrayList<>();
        n.forEach(e -> parts.add(e.isTextual() ? e.toString() : e.asText()));
        return abbreviate("[" + String.join(", ", parts) + "]");
    }

    static String shortJson(JsonNode n) {
        return abbreviate(n.toString());
    }

    static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "…";
    }
}

package dev.gradcheck.model;

import static dev.gradcheck.model.JsonFields.kind;
import static dev.gradcheck.model.JsonFields.shortJson;
import static dev.gradcheck.model.JsonSource.ptr;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gradcheck.engine.DType;
import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.Tensor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads an {@code init} of a JSON model file into an {@link InitSpec}: one of its nine forms
 * ({@code zeros}, {@code ones}, {@code normal}, {@code uniform}, {@code randint}, {@code kaiming},
 * {@code xavier}, {@code value}, {@code file}), its arguments checked, a {@code value} nested
 * exactly as the shape, a {@code file}'s array of the tensor's dtype and shape.
 */
final class InitParser {
    private static final List<String> INIT_FORMS = List.of("zeros", "ones", "normal", "uniform", "randint", "kaiming",
            "xavier", "value", "file");

    private final JsonSource src;
    private final JsonFields fields;
    private final DataFileAccess dataFiles;

    InitParser(JsonFields fields, DataFileAccess dataFiles) {
        this.src = fields.source();
        this.fields = fields;
        this.dataFiles = dataFiles;
    }

    /** The init {@code node} at {@code p} of tensor {@code name}. */
    InitSpec parse(JsonNode node, String p, String name, Shape shape, DType dtype) {
        String form;
        JsonNode arg = null;
        if (node.isTextual()) {
            form = node.asText();
            if (!Set.of("zeros", "ones", "kaiming", "xavier").contains(form)) {
                throw src.fail(p, name, "unknown init " + shortJson(node) + "; expected one of "
                        + String.join(", ", INIT_FORMS) + NameSuggestions.suggest(form, INIT_FORMS));
            }
        } else if (node.isObject() && node.has("file")) {
            form = "file";
            fields.checkKeys(node, p, Set.of("file", "key"), "key of a file init");
        } else if (node.isObject() && node.size() == 1) {
            form = node.fieldNames().next();
            arg = node.get(form);
            if (!INIT_FORMS.contains(form)) {
                throw src.fail(ptr(p, form), name, "unknown init \"" + form + "\"; expected one of "
                        + String.join(", ", INIT_FORMS) + NameSuggestions.suggest(form, INIT_FORMS));
            }
        } else {
            throw src.fail(p, name, "init must be \"zeros\", \"ones\", \"kaiming\", \"xavier\" or an object with one "
                    + "key (normal, uniform, randint, value) or {\"file\": …, \"key\": …}; got " + shortJson(node));
        }
        if (dtype == DType.INT64 && Set.of("normal", "uniform", "kaiming", "xavier").contains(form)) {
            throw src.fail(p, name, "'" + name + "' is int64; its init must be zeros, ones, randint, value or file, "
                    + "not " + form);
        }
        if ((form.equals("kaiming") || form.equals("xavier")) && shape.rank() < 2) {
            throw src.fail(p, name, form + " init needs a tensor of rank 2 or more (PyTorch's fan_in/fan_out "
                    + "convention), but '" + name + "' has shape " + shape);
        }
        String ap = arg == null ? p : ptr(p, form);
        switch (form) {
            case "zeros":
                return new InitSpec.Zeros();
            case "ones":
                return new InitSpec.Ones();
            case "normal":
                return normal(arg, ap, name);
            case "uniform":
                return uniform(arg, ap, name);
            case "randint":
                return randint(arg, ap, name);
            case "kaiming":
                return kaiming(arg, ap, name);
            case "xavier": {
                double gain = 1;
                if (arg != null) {
                    gain = numbers(arg, ap, name, Set.of("gain")).getOrDefault("gain", 1.0);
                }
                return new InitSpec.Xavier(gain);
            }
            case "value":
                return new InitSpec.Value(values(arg, ap, name, shape, dtype));
            case "file":
                return file(node, p, name, shape, dtype);
            default:
                throw new IllegalStateException(form);
        }
    }

    private InitSpec normal(JsonNode arg, String ap, String name) {
        Map<String, Double> a = numbers(arg, ap, name, Set.of("mean", "std"));
        double std = a.getOrDefault("std", 1.0);
        if (std < 0) {
            throw src.fail(ptr(ap, "std"), name, "normal std must be >= 0, got " + std);
        }
        return new InitSpec.Normal(a.getOrDefault("mean", 0.0), std);
    }

    private InitSpec uniform(JsonNode arg, String ap, String name) {
        Map<String, Double> a = numbers(arg, ap, name, Set.of("low", "high"));
        double low = a.getOrDefault("low", 0.0);
        double high = a.getOrDefault("high", 1.0);
        if (!(low <= high)) {
            throw src.fail(ap, name, "uniform needs low <= high, got low " + low + ", high " + high);
        }
        return new InitSpec.Uniform(low, high);
    }

    private InitSpec randint(JsonNode arg, String ap, String name) {
        Map<String, Double> a = numbers(arg, ap, name, Set.of("low", "high"));
        if (!a.containsKey("high")) {
            throw src.fail(ap, name, "randint needs \"high\" (exclusive), e.g. {\"randint\": {\"low\": 0, "
                    + "\"high\": 3}}");
        }
        double low = a.getOrDefault("low", 0.0);
        double high = a.get("high");
        if (low != Math.rint(low) || high != Math.rint(high) || Math.abs(low) > 1L << 53
                || Math.abs(high) > 1L << 53) {
            throw src.fail(ap, name, "randint low and high must be integers, got " + low + " and " + high);
        }
        if (!(low < high)) {
            throw src.fail(ap, name, "randint needs low < high (high is exclusive), got low " + (long) low
                    + ", high " + (long) high);
        }
        return new InitSpec.RandInt((long) low, (long) high);
    }

    private InitSpec kaiming(JsonNode arg, String ap, String name) {
        double a = 0;
        boolean fanOut = false;
        if (arg != null) {
            if (!arg.isObject()) {
                throw src.fail(ap, name, "kaiming takes an object {a?, mode?}, got " + shortJson(arg));
            }
            fields.checkKeys(arg, ap, Set.of("a", "mode"), "key of kaiming");
            if (arg.has("a")) {
                a = fields.number(arg.get("a"), ptr(ap, "a"), name);
            }
            if (arg.has("mode")) {
                String mode = arg.get("mode").asText();
                if (!arg.get("mode").isTextual() || !(mode.equals("fan_in") || mode.equals("fan_out"))) {
                    throw src.fail(ptr(ap, "mode"), name, "kaiming mode must be \"fan_in\" or \"fan_out\", got "
                            + shortJson(arg.get("mode")));
                }
                fanOut = mode.equals("fan_out");
            }
        }
        return new InitSpec.Kaiming(a, fanOut);
    }

    private Map<String, Double> numbers(JsonNode arg, String p, String name, Set<String> keys) {
        if (!arg.isObject()) {
            throw src.fail(p, name, "expected an object with " + String.join(", ", keys.stream().sorted()
                    .collect(Collectors.toList())) + ", got " + shortJson(arg));
        }
        fields.checkKeys(arg, p, keys, "key");
        Map<String, Double> out = new HashMap<>();
        arg.properties().forEach(e -> out.put(e.getKey(), fields.number(e.getValue(), ptr(p, e.getKey()), name)));
        return out;
    }

    /** A {@code value} init, flattened row-major after checking that it nests exactly as the shape. */
    private double[] values(JsonNode node, String p, String name, Shape shape, DType dtype) {
        double[] out = new double[shape.size()];
        int[] pos = {0};
        flatten(node, shape.dims(), 0, p, name, shape, dtype, out, pos);
        return out;
    }

    private void flatten(JsonNode n, int[] dims, int depth, String p, String name, Shape shape, DType dtype,
            double[] out, int[] pos) {
        if (depth == dims.length) {
            if (!n.isNumber()) {
                throw src.fail(p, name, "value of '" + name + "' (shape " + shape + ") must nest " + dims.length
                        + " level" + (dims.length == 1 ? "" : "s") + " deep with numbers inside; found " + kind(n)
                        + " at depth " + depth + (dims.length == 0 ? " (a 0-d tensor takes a bare number)" : ""));
            }
            double v = n.asDouble();
            if (!Double.isFinite(v)) {
                throw src.fail(p, name, "value " + n.asText() + " is not a finite double");
            }
            if (dtype == DType.INT64 && (v != Math.rint(v) || Math.abs(v) > 1L << 53)) {
                throw src.fail(p, name, "'" + name + "' is int64, but the value " + n.asText() + " is not an integer");
            }
            out[pos[0]++] = v;
            return;
        }
        if (!n.isArray() || n.size() != dims[depth]) {
            String found = n.isArray() ? "a list of " + n.size() : kind(n);
            throw src.fail(p, name, "value of '" + name + "' does not nest as its shape " + shape + ": expected a list of "
                    + dims[depth] + " at depth " + depth + ", found " + found);
        }
        for (int i = 0; i < dims[depth]; i++) {
            flatten(n.get(i), dims, depth + 1, ptr(p, i), name, shape, dtype, out, pos);
        }
    }

    private InitSpec file(JsonNode node, String p, String name, Shape shape, DType dtype) {
        JsonNode f = node.get("file");
        if (!f.isTextual() || f.asText().isEmpty()) {
            throw src.fail(ptr(p, "file"), name, "file must be a path (a string), got " + shortJson(f));
        }
        String fileName = f.asText();
        String key = name;
        if (node.has("key")) {
            if (!node.get("key").isTextual()) {
                throw src.fail(ptr(p, "key"), name, "key must be a string, got " + shortJson(node.get("key")));
            }
            key = node.get("key").asText();
        }
        Map<String, Tensor> arrays = dataFiles.arrays(fileName, ptr(p, "file"), name);
        Tensor t;
        if (fileName.endsWith(".npy")) {
            t = arrays.values().iterator().next();
        } else {
            t = arrays.get(key);
            if (t == null) {
                throw src.fail(p, name, fileName + " has no array '" + key + "'; it holds "
                        + (arrays.isEmpty() ? "none" : String.join(", ", arrays.keySet())));
            }
        }
        if (t.dtype() != dtype) {
            throw src.fail(p, name, fileName + ": array '" + key + "' is " + t.dtype().label() + ", but '" + name
                    + "' is " + dtype.label());
        }
        if (!t.shape().equals(shape)) {
            throw src.fail(p, name, fileName + ": array '" + key + "' has shape " + t.shape() + ", but '" + name
                    + "' has shape " + shape);
        }
        return new InitSpec.File(fileName, key, t);
    }
}

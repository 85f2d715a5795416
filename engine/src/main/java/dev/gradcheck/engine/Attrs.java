package dev.gradcheck.engine;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * An op's attributes, by PyTorch keyword name ({@code dim}, {@code keepdim}, {@code exponent}, …).
 * Immutable. Values are {@code Integer}, {@code Double}, {@code Boolean}, {@code String},
 * {@code int[]} or {@code double[]}; {@link #of} normalises other numbers and lists to these.
 * A key mapped to {@code null} means "given as None".
 */
public final class Attrs {
    /** No attributes. */
    public static final Attrs EMPTY = new Attrs(Collections.emptyMap());

    private final Map<String, Object> values;

    private Attrs(Map<String, Object> values) {
        this.values = values;
    }

    /** Attributes from alternating names and values: {@code Attrs.of("dim", 1, "keepdim", true)}. */
    public static Attrs of(Object... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("Attrs.of takes name, value pairs; got an odd number of arguments");
        }
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            m.put((String) namesAndValues[i], normalize(namesAndValues[i + 1]));
        }
        return new Attrs(Collections.unmodifiableMap(m));
    }

    /** Attributes from a map (e.g. parsed JSON); values are normalised as in {@link #of}. */
    public static Attrs fromMap(Map<String, ?> map) {
        Map<String, Object> m = new LinkedHashMap<>();
        map.forEach((k, v) -> m.put(k, normalize(v)));
        return new Attrs(Collections.unmodifiableMap(m));
    }

    /** These attributes with one more (or a replaced) value. */
    public Attrs with(String name, Object value) {
        Map<String, Object> m = new LinkedHashMap<>(values);
        m.put(name, normalize(value));
        return new Attrs(Collections.unmodifiableMap(m));
    }

    private static Object normalize(Object v) {
        if (v instanceof Long || v instanceof Short || v instanceof Byte) {
            long l = ((Number) v).longValue();
            if (l != (int) l) {
                throw new IllegalArgumentException("attribute value " + l + " does not fit in an int");
            }
            return (int) l;
        }
        if (v instanceof Float) {
            return ((Float) v).doubleValue();
        }
        if (v instanceof long[]) {
            return Arrays.stream((long[]) v).mapToInt(Math::toIntExact).toArray();
        }
        if (v instanceof int[]) {
            return ((int[]) v).clone();
        }
        if (v instanceof double[]) {
            return ((double[]) v).clone();
        }
        if (v instanceof List) {
            List<?> list = (List<?>) v;
            if (list.stream().allMatch(e -> e instanceof Integer || e instanceof Long || e instanceof Short)) {
                return list.stream().mapToInt(e -> Math.toIntExact(((Number) e).longValue())).toArray();
            }
            if (list.stream().allMatch(e -> e instanceof Number)) {
                return list.stream().mapToDouble(e -> ((Number) e).doubleValue()).toArray();
            }
            throw new IllegalArgumentException("attribute list " + list + " must hold only numbers");
        }
        return v;
    }

    /** True when the attribute is present (possibly as null, meaning None). */
    public boolean has(String name) {
        return values.containsKey(name);
    }

    /** The raw value, or null. */
    public Object get(String name) {
        return values.get(name);
    }

    /** The attribute names, in the order given. */
    public java.util.Set<String> names() {
        return values.keySet();
    }

    /** An int attribute. */
    public int getInt(String name) {
        Object v = require(name);
        if (v instanceof Integer) {
            return (Integer) v;
        }
        if (v instanceof int[] && ((int[]) v).length == 1) {
            return ((int[]) v)[0];
        }
        throw typeError(name, "an integer", v);
    }

    /** A floating-point attribute (an int is accepted). */
    public double getDouble(String name) {
        Object v = require(name);
        if (v instanceof Number) {
            return ((Number) v).doubleValue();
        }
        throw typeError(name, "a number", v);
    }

    /** A floating-point attribute that may be null (None); null when absent too. */
    public Double getOptionalDouble(String name) {
        Object v = values.get(name);
        return v == null ? null : getDouble(name);
    }

    /** A boolean attribute. */
    public boolean getBool(String name) {
        Object v = require(name);
        if (v instanceof Boolean) {
            return (Boolean) v;
        }
        throw typeError(name, "true or false", v);
    }

    /** A string attribute. */
    public String getString(String name) {
        Object v = require(name);
        if (v instanceof String) {
            return (String) v;
        }
        throw typeError(name, "a string", v);
    }

    /** A list-of-ints attribute; a single int is read as a one-element list. Null when None. */
    public int[] getInts(String name) {
        Object v = values.get(name);
        if (v == null) {
            return null;
        }
        if (v instanceof Integer) {
            return new int[] {(Integer) v};
        }
        if (v instanceof int[]) {
            return ((int[]) v).clone();
        }
        throw typeError(name, "an integer or a list of integers", v);
    }

    private Object require(String name) {
        if (!values.containsKey(name) || values.get(name) == null) {
            throw new IllegalArgumentException("attribute '" + name + "' is missing");
        }
        return values.get(name);
    }

    private static IllegalArgumentException typeError(String name, String expected, Object v) {
        return new IllegalArgumentException("attribute '" + name + "' must be " + expected + ", got " + render(v));
    }

    /** Renders a value as in JSON: {@code [1, 2]}, {@code "mean"}, {@code 0.5}. */
    public static String render(Object v) {
        if (v instanceof int[]) {
            return Arrays.toString((int[]) v);
        }
        if (v instanceof double[]) {
            return Arrays.toString((double[]) v);
        }
        if (v instanceof String) {
            return "\"" + v + "\"";
        }
        return String.valueOf(v);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Attrs)) {
            return false;
        }
        Map<String, Object> other = ((Attrs) o).values;
        if (!values.keySet().equals(other.keySet())) {
            return false;
        }
        for (Map.Entry<String, Object> e : values.entrySet()) {
            if (!Arrays.deepEquals(new Object[] {e.getValue()}, new Object[] {other.get(e.getKey())})) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return values.keySet().hashCode();
    }

    /** {@code {dim=1, keepdim=true}}. */
    @Override
    public String toString() {
        return values.entrySet().stream().map(e -> e.getKey() + "=" + render(e.getValue()))
                .collect(Collectors.joining(", ", "{", "}"));
    }
}

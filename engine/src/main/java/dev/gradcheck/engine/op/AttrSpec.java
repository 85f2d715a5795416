package dev.gradcheck.engine.op;

import dev.gradcheck.engine.Attrs;
import java.util.Arrays;
import java.util.List;

/**
 * One attribute of an op: its PyTorch keyword name, type, and default.
 *
 * @param name the PyTorch keyword name
 * @param type what values it takes
 * @param required whether it must be given
 * @param defaultValue the value used when absent (may be null, meaning None)
 * @param choices for {@link Type#STRING}, the allowed values; empty for any
 */
public record AttrSpec(String name, Type type, boolean required, Object defaultValue, List<String> choices) {

    /** What values an attribute takes. */
    public enum Type {
        INT("an integer"),
        FLOAT("a number"),
        BOOL("true or false"),
        STRING("a string"),
        /** An int or a list of ints ({@code dim} of a reduction, {@code normalized_shape}). */
        INTS("an integer or a list of integers"),
        /** An int or a list of two ints ({@code kernel_size}, {@code stride}, {@code padding}). */
        INT_PAIR("an integer or a list of two integers");

        private final String description;

        Type(String description) {
            this.description = description;
        }

        /** How the type reads in an error message. */
        public String description() {
            return description;
        }
    }

    public AttrSpec {
        choices = List.copyOf(choices);
    }

    /** A required attribute. */
    public static AttrSpec required(String name, Type type) {
        return new AttrSpec(name, type, true, null, List.of());
    }

    /** An optional attribute with a default (null for None). */
    public static AttrSpec optional(String name, Type type, Object defaultValue) {
        return new AttrSpec(name, type, false, defaultValue, List.of());
    }

    /** An optional string attribute limited to {@code choices}, the first being the default. */
    public static AttrSpec choice(String name, String... choices) {
        return new AttrSpec(name, Type.STRING, false, choices[0], Arrays.asList(choices));
    }

    /**
     * Checks a given value against this spec and returns it in canonical form (an int pair as
     * {@code int[2]}, an int as {@code Double} for FLOAT). Null (None) is accepted for an optional
     * attribute whose default is None.
     *
     * @throws IllegalArgumentException with a message naming the attribute and the expected type
     */
    public Object coerce(Object value) {
        if (value == null) {
            if (!required && defaultValue == null) {
                return null;
            }
            throw mismatch(null);
        }
        switch (type) {
            case INT:
                if (value instanceof Integer) {
                    return value;
                }
                break;
            case FLOAT:
                if (value instanceof Integer || value instanceof Double) {
                    return ((Number) value).doubleValue();
                }
                break;
            case BOOL:
                if (value instanceof Boolean) {
                    return value;
                }
                break;
            case STRING:
                if (value instanceof String) {
                    if (!choices.isEmpty() && !choices.contains(value)) {
                        throw new IllegalArgumentException("attribute '" + name + "' must be one of "
                                + String.join(", ", choices) + "; got \"" + value + "\"");
                    }
                    return value;
                }
                break;
            case INTS:
                if (value instanceof Integer) {
                    return new int[] {(Integer) value};
                }
                if (value instanceof int[]) {
                    return value;
                }
                if (value instanceof double[] && ((double[]) value).length == 0) {
                    return new int[0];
                }
                break;
            case INT_PAIR:
                if (value instanceof Integer) {
                    return new int[] {(Integer) value, (Integer) value};
                }
                if (value instanceof int[] && ((int[]) value).length == 2) {
                    return value;
                }
                break;
            default:
                break;
        }
        throw mismatch(value);
    }

    private IllegalArgumentException mismatch(Object value) {
        return new IllegalArgumentException("attribute '" + name + "' must be " + type.description()
                + ", got " + (value == null ? "null" : Attrs.render(value)));
    }
}

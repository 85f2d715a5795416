package dev.gradcheck.junit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Parses and prints shape sets: {@code "[4, 8], [8]"} is one shape per input; {@code "[]"} a 0-d input. */
final class ShapeSets {
    private ShapeSets() {
    }

    /**
     * One shape set: a shape in brackets per input, separated by commas or spaces.
     *
     * @throws IllegalArgumentException quoting the text and saying what is wrong
     */
    static int[][] parse(String text) {
        List<int[]> shapes = new ArrayList<>();
        String s = text.trim();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == ',' || Character.isWhitespace(c)) {
                i++;
                continue;
            }
            if (c != '[') {
                throw bad(text, "expected '[' at position " + i);
            }
            int end = s.indexOf(']', i);
            if (end < 0) {
                throw bad(text, "missing ']'");
            }
            String inner = s.substring(i + 1, end).trim();
            if (inner.contains("[")) {
                throw bad(text, "nested '['");
            }
            shapes.add(dims(text, inner));
            i = end + 1;
        }
        if (shapes.isEmpty()) {
            throw bad(text, "no shape");
        }
        return shapes.toArray(new int[0][]);
    }

    private static int[] dims(String text, String inner) {
        if (inner.isEmpty()) {
            return new int[0];
        }
        String[] parts = inner.split("[,\\s]+");
        int[] d = new int[parts.length];
        for (int k = 0; k < parts.length; k++) {
            try {
                d[k] = Integer.parseInt(parts[k]);
            } catch (NumberFormatException e) {
                throw bad(text, "'" + parts[k] + "' is not a dimension");
            }
            if (d[k] < 0) {
                throw bad(text, "negative dimension " + d[k]);
            }
        }
        return d;
    }

    private static IllegalArgumentException bad(String text, String why) {
        return new IllegalArgumentException("shapes \"" + text + "\": " + why
                + " (write one shape per input, e.g. \"[4, 8]\" or \"[2, 3], [3]\")");
    }

    /**
     * Why {@code set}, a shape set the test gives, cannot be the op's: it has another number of
     * shapes than the op has inputs ({@code declared}, its {@code inputShapes()}); null when it
     * fits or the op declares none.
     */
    static String countMismatch(int[][] set, int[][] declared, String opName) {
        if (declared == null || set.length == declared.length) {
            return null;
        }
        return "shapes \"" + format(set) + "\" gives " + count(set.length, "shape") + ", but op '" + opName
                + "' takes " + count(declared.length, "input") + " (its inputShapes(): " + format(declared)
                + "): write one shape per input, e.g. \"" + format(declared) + "\"";
    }

    private static String count(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    /** {@code [4, 8], [8]}. */
    static String format(int[][] set) {
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < set.length; k++) {
            if (k > 0) {
                sb.append(", ");
            }
            sb.append(Arrays.toString(set[k]));
        }
        return sb.toString();
    }

    /** The number of values of a shape, or -1 when it does not fit in a Java array. */
    static long size(int[] shape) {
        long n = 1;
        for (int d : shape) {
            n *= d;
            if (n > Integer.MAX_VALUE - 8) {
                return -1;
            }
        }
        return n;
    }

    static int[][] copy(int[][] set) {
        int[][] c = new int[set.length][];
        for (int k = 0; k < set.length; k++) {
            c[k] = set[k].clone();
        }
        return c;
    }
}

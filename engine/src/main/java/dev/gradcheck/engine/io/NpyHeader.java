package dev.gradcheck.engine.io;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parsed header dictionary of an {@code .npy} file, e.g.
 * {@code {'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }}. A small parser for the
 * Python literals NumPy writes there (strings, True/False, tuples of integers), not a Python
 * evaluator.
 */
record NpyHeader(String descr, boolean fortranOrder, long[] shape) {

    /** Parses {@code text}; a problem is reported in words by an {@link IllegalArgumentException}. */
    static NpyHeader parse(String text) {
        Map<String, Object> dict = new Parser(text).dict();
        for (String k : dict.keySet()) {
            if (!k.equals("descr") && !k.equals("fortran_order") && !k.equals("shape")) {
                throw new IllegalArgumentException("header has an unexpected key '" + k + "': " + text.strip());
            }
        }
        Object descr = require(dict, "descr", text);
        Object fortran = require(dict, "fortran_order", text);
        Object shape = require(dict, "shape", text);
        if (!(descr instanceof String d)) {
            throw new IllegalArgumentException("header 'descr' must be a dtype string such as '<f8' "
                    + "(structured dtypes are not supported): " + text.strip());
        }
        if (!(fortran instanceof Boolean f)) {
            throw new IllegalArgumentException("header 'fortran_order' must be True or False: " + text.strip());
        }
        if (!(shape instanceof long[] s)) {
            throw new IllegalArgumentException("header 'shape' must be a tuple of integers: " + text.strip());
        }
        return new NpyHeader(d, f, s);
    }

    private static Object require(Map<String, Object> dict, String key, String text) {
        Object v = dict.get(key);
        if (v == null) {
            throw new IllegalArgumentException("header lacks '" + key + "': " + text.strip());
        }
        return v;
    }

    /** Recursive-descent over one flat dictionary; nesting is at most one tuple deep. */
    private static final class Parser {
        private final String s;
        private int pos;

        Parser(String s) {
            this.s = s;
        }

        Map<String, Object> dict() {
            skipSpace();
            expect('{');
            Map<String, Object> out = new LinkedHashMap<>();
            skipSpace();
            while (peek() != '}') {
                String key = string();
                skipSpace();
                expect(':');
                skipSpace();
                if (out.put(key, value()) != null) {
                    throw error("duplicate key '" + key + "'");
                }
                skipSpace();
                if (peek() == ',') {
                    pos++;
                    skipSpace();
                } else if (peek() != '}') {
                    throw error("expected ',' or '}'");
                }
            }
            pos++;
            skipSpace();
            if (pos != s.length()) {
                throw error("unexpected text after the dictionary");
            }
            return out;
        }

        private Object value() {
            char c = peek();
            if (c == '\'' || c == '"') {
                return string();
            }
            if (c == '(') {
                return tuple();
            }
            if (s.startsWith("True", pos)) {
                pos += 4;
                return Boolean.TRUE;
            }
            if (s.startsWith("False", pos)) {
                pos += 5;
                return Boolean.FALSE;
            }
            if (c == '[' || c == '{') {
                throw error("nested values are not supported");
            }
            throw error("unexpected value");
        }

        private long[] tuple() {
            expect('(');
            List<Long> dims = new ArrayList<>();
            skipSpace();
            while (peek() != ')') {
                dims.add(integer());
                skipSpace();
                if (peek() == ',') {
                    pos++;
                    skipSpace();
                } else if (peek() != ')') {
                    throw error("expected ',' or ')' in the shape tuple");
                }
            }
            pos++;
            long[] out = new long[dims.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = dims.get(i);
            }
            return out;
        }

        private long integer() {
            int start = pos;
            if (peek() == '-') {
                pos++;
            }
            while (pos < s.length() && Character.isDigit(s.charAt(pos))) {
                pos++;
            }
            if (pos == start || (pos == start + 1 && s.charAt(start) == '-')) {
                throw error("expected an integer");
            }
            String digits = s.substring(start, pos);
            if (pos < s.length() && (s.charAt(pos) == 'L' || s.charAt(pos) == 'l')) {
                pos++; // Python 2 long suffix, written by old NumPy versions
            }
            if (digits.length() > 18) {
                throw error("dimension " + digits + " is too large");
            }
            return Long.parseLong(digits);
        }

        private String string() {
            char quote = peek();
            if (quote != '\'' && quote != '"') {
                throw error("expected a quoted string");
            }
            int end = s.indexOf(quote, pos + 1);
            if (end < 0) {
                throw error("unterminated string");
            }
            String out = s.substring(pos + 1, end);
            pos = end + 1;
            return out;
        }

        private void skipSpace() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
                pos++;
            }
        }

        private char peek() {
            if (pos >= s.length()) {
                throw error("header ends early");
            }
            return s.charAt(pos);
        }

        private void expect(char c) {
            if (peek() != c) {
                throw error("expected '" + c + "'");
            }
            pos++;
        }

        private IllegalArgumentException error(String what) {
            return new IllegalArgumentException("malformed header at character " + pos + ": " + what + " in "
                    + s.strip());
        }
    }
}

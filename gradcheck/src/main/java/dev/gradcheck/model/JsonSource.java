package dev.gradcheck.model;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A parsed JSON document that remembers where each value starts, so errors found later (in the
 * tree) can still say {@code line:column}. Parsing enforces {@link Limits}' nesting depth and
 * string length and rejects duplicate keys and trailing content.
 */
final class JsonSource implements ProblemSite {
    /** Values after this many remembered places get no place of their own (their container's is used). */
    private static final int MAX_PLACES = 200_000;

    final Path file;
    final JsonNode root;
    private final Map<String, int[]> places;

    private JsonSource(Path file, JsonNode root, Map<String, int[]> places) {
        this.file = file;
        this.root = root;
        this.places = places;
    }

    static JsonSource parse(Path file, String text, Limits limits) {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(limits.maxNestingDepth())
                        .maxStringLength(limits.maxStringLength())
                        .maxNameLength(Math.max(limits.maxNameLength(), 1000))
                        .maxNumberLength(1000)
                        .build())
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        ObjectMapper mapper = new ObjectMapper(factory); // trailing content is checked below, with its place
        if (text.isBlank()) {
            throw new ModelFileException(file, null, -1, -1, null, "the file is empty (expected a JSON object)");
        }
        JsonBudget.check(text, file, limits); // counted before the tree (and the map of places) is built
        JsonNode root;
        JsonParser parser = null;
        try {
            parser = factory.createParser(text);
            root = mapper.readTree(parser);
            if (root != null && parser.nextToken() != null) {
                JsonLocation loc = parser.currentTokenLocation();
                throw new ModelFileException(file, null, loc.getLineNr(), loc.getColumnNr(), null,
                        "not valid JSON: more content after the end of the top-level value");
            }
        } catch (JsonProcessingException e) {
            // limit violations carry no location of their own: the parser's position is where it stopped
            JsonLocation loc = e.getLocation() != null ? e.getLocation() : parser == null ? null : parser.currentLocation();
            String msg = plain(e.getOriginalMessage());
            String lower = msg.toLowerCase(java.util.Locale.ROOT);
            java.util.regex.Matcher dup = DUPLICATE.matcher(msg);
            String pointer = null;
            String problem;
            if (dup.find()) {
                // the key repeated, where: the parser stands in the object that holds it twice
                pointer = parser == null ? null : parser.getParsingContext().pathAsPointer().toString();
                problem = "duplicate name '" + dup.group(1) + "': a JSON object holds each key once";
            } else if (lower.contains("unexpected end-of-input")) {
                problem = "truncated JSON: " + msg;
            } else if (lower.contains("exceeds the maximum") || lower.contains("constraint")) {
                problem = "limit exceeded: " + overLimit(msg);
            } else {
                problem = "not valid JSON: " + nonStandard(msg);
            }
            throw new ModelFileException(file, pointer, loc == null ? -1 : loc.getLineNr(),
                    loc == null ? -1 : loc.getColumnNr(), null, problem, e);
        } catch (IOException e) {
            throw new ModelFileException(file, null, -1, -1, null, "cannot read: " + e.getMessage(), e);
        }
        if (root == null || root.isMissingNode()) {
            throw new ModelFileException(file, null, -1, -1, null, "the file is empty (expected a JSON object)");
        }
        return new JsonSource(file, root, places(factory, text));
    }

    private static final java.util.regex.Pattern DUPLICATE = java.util.regex.Pattern.compile(
            "Duplicate field '(.*)'");
    private static final java.util.regex.Pattern LENGTH = java.util.regex.Pattern.compile(
            "(String value|Name) length \\(\\d+\\) exceeds the maximum allowed \\((\\d+)\\)");
    private static final java.util.regex.Pattern NON_STANDARD = java.util.regex.Pattern.compile(
            "Non-standard token '([^']*)'.*");

    /**
     * A string or key over the limit, with the limit: Jackson's "length (1048576)" is where it
     * stopped reading, not the string's length, so it is left out.
     */
    private static String overLimit(String msg) {
        java.util.regex.Matcher m = LENGTH.matcher(msg);
        if (!m.find()) {
            return msg;
        }
        return String.format(java.util.Locale.ROOT, "a %s longer than the limit of %,d characters",
                m.group(1).equals("Name") ? "key" : "string", Long.parseLong(m.group(2)));
    }

    /** {@code 'NaN' is not a JSON value …} for Jackson's advice on a reader setting nobody can change. */
    private static String nonStandard(String msg) {
        java.util.regex.Matcher m = NON_STANDARD.matcher(msg);
        return m.matches() ? "'" + m.group(1) + "' is not a JSON value (JSON has no NaN or Infinity; such values "
                + "belong in a data file: \"init\": {\"file\": \"values.npz\"})" : msg;
    }

    /** Jackson's message without its internals: option names in backticks, redacted sources. */
    static String plain(String msg) {
        if (msg == null) {
            return "";
        }
        return msg.replaceAll("\\[Source: [^\\]]*?; line: (\\d+), column: (\\d+)\\]", "line $1, column $2")
                .replaceAll(",? from `[^`]*`", "")
                .replaceAll("`([^`]*)`", "$1")
                .replace("(start marker at line", "(opened at line");
    }

    /** Second, streaming pass: the start of every value by JSON Pointer. The text is known to be valid. */
    private static Map<String, int[]> places(JsonFactory factory, String text) {
        Map<String, int[]> places = new HashMap<>();
        try (JsonParser p = factory.createParser(text)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                if (t == JsonToken.FIELD_NAME || t == JsonToken.END_ARRAY || t == JsonToken.END_OBJECT) {
                    continue;
                }
                boolean container = t == JsonToken.START_ARRAY || t == JsonToken.START_OBJECT;
                if (!container && places.size() >= MAX_PLACES) {
                    continue;
                }
                JsonStreamContext ctx = container ? p.getParsingContext().getParent() : p.getParsingContext();
                String ptr = ctx.pathAsPointer().toString();
                JsonLocation loc = p.currentTokenLocation();
                places.putIfAbsent(ptr, new int[] {loc.getLineNr(), loc.getColumnNr()});
            }
        } catch (IOException e) {
            // places are a courtesy; the tree is already valid
        }
        return places;
    }

    /** An error at {@code pointer} (the nearest recorded place is used for line and column). */
    @Override
    public ModelFileException fail(String pointer, String node, String problem, Throwable cause) {
        int[] at = null;
        String p = pointer == null ? "" : pointer;
        while (true) {
            at = places.get(p);
            if (at != null || p.isEmpty()) {
                break;
            }
            p = p.substring(0, p.lastIndexOf('/'));
        }
        return new ModelFileException(file, pointer, at == null ? -1 : at[0], at == null ? -1 : at[1], node, problem,
                cause);
    }

    /** {@code base + "/" + key}, escaped as RFC 6901 says. */
    static String ptr(String base, String key) {
        return base + "/" + key.replace("~", "~0").replace("/", "~1");
    }

    static String ptr(String base, int index) {
        return base + "/" + index;
    }
}

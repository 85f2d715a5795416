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
            String problem = lower.contains("duplicate field") ? "duplicate name: " + msg
                    : lower.contains("unexpected end-of-input") ? "truncated JSON: " + msg
                    : lower.contains("exceeds the maximum") || lower.contains("constraint") ? "limit exceeded: " + msg
                    : "not valid JSON: " + msg;
            throw new ModelFileException(file, null, loc == null ? -1 : loc.getLineNr(),
                    loc == null ? -1 : loc.getColumnNr(), null, problem, e);
        } catch (IOException e) {
            throw new ModelFileException(file, null, -1, -1, null, "cannot read: " + e.getMessage(), e);
        }
        if (root == null || root.isMissingNode()) {
            throw new ModelFileException(file, null, -1, -1, null, "the file is empty (expected a JSON object)");
        }
        return new JsonSource(file, root, places(factory, text));
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

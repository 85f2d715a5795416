package dev.gradcheck.model;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A streaming pass over a model file's JSON that counts before any tree is built: values
 * (numbers, strings, booleans, nulls, lists and objects), lists and objects, and the characters
 * of strings and keys. A file over a count is refused at the place it crossed it, in memory that
 * does not grow with the file (a tree of 100 MB of {@code [],} would take gigabytes). Syntax
 * errors are left to the parse that builds the tree, which words them.
 */
final class JsonBudget {
    /** Most JSON values in a model file: large tensors belong in a data file ({@code init.file}). */
    static final int MAX_VALUES = 2_000_000;
    /** Most lists and objects besides the nodes' own. */
    static final int MAX_CONTAINERS = 200_000;
    /**
     * The lists and objects allowed per node of {@link Limits#maxNodes()} on top: a node is an object
     * with a list of inputs and often an object of attributes holding a list, so a model of as many
     * nodes as the limit allows is not refused for its containers (100,000 nodes took over 200,000).
     */
    static final int CONTAINERS_PER_NODE = 4;
    /** Most characters in strings and keys together. */
    static final long MAX_TEXT_CHARS = 16_000_000;

    private JsonBudget() {
    }

    /** Counts the JSON in {@code bytes} (UTF-8). */
    static void check(byte[] bytes, Path file, Limits limits) {
        JsonFactory f = factory(limits);
        try (JsonParser p = f.createParser(bytes)) {
            count(p, file, maxContainers(limits));
        } catch (IOException e) {
            // malformed JSON or text: the tree's parse reports it in its own words
        }
    }

    /** Counts the JSON in {@code text}. */
    static void check(String text, Path file, Limits limits) {
        JsonFactory f = factory(limits);
        try (JsonParser p = f.createParser(text)) {
            count(p, file, maxContainers(limits));
        } catch (IOException e) {
            // as above
        }
    }

    private static JsonFactory factory(Limits limits) {
        // the same nesting and length limits as the tree's parse; no duplicate detection and no symbol
        // table for keys (both keep every key seen)
        return JsonFactory.builder().streamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(limits.maxNestingDepth()).maxStringLength(limits.maxStringLength())
                .maxNameLength(Math.max(limits.maxNameLength(), 1000)).maxNumberLength(1000).build())
                .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES).build();
    }

    /** The most lists and objects a model file may hold under {@code limits}. */
    static long maxContainers(Limits limits) {
        return MAX_CONTAINERS + (long) CONTAINERS_PER_NODE * limits.maxNodes();
    }

    private static void count(JsonParser p, Path file, long maxContainers) throws IOException {
        long values = 0;
        long containers = 0;
        long chars = 0;
        JsonToken t;
        while ((t = p.nextToken()) != null) {
            switch (t) {
                case END_ARRAY, END_OBJECT -> {
                    continue;
                }
                case FIELD_NAME -> {
                    chars += p.getTextLength();
                    continue;
                }
                case START_ARRAY, START_OBJECT -> containers++;
                case VALUE_STRING -> chars += p.getTextLength();
                default -> {
                }
            }
            values++;
            if (values > MAX_VALUES) {
                throw over(p, file, "more than " + MAX_VALUES + " JSON values (numbers, strings, lists, objects)");
            }
            if (containers > maxContainers) {
                throw over(p, file, "more than " + maxContainers + " JSON lists and objects (containers)");
            }
            if (chars > MAX_TEXT_CHARS) {
                throw over(p, file, "more than " + MAX_TEXT_CHARS + " characters in strings and keys");
            }
        }
    }

    private static ModelFileException over(JsonParser p, Path file, String what) {
        JsonLocation loc = p.currentTokenLocation();
        return new ModelFileException(file, null, loc.getLineNr(), loc.getColumnNr(), null, "limit exceeded: "
                + what + "; large values belong in a data file (\"init\": {\"file\": \"values.npz\"})");
    }
}

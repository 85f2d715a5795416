package dev.gradcheck.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The JSON report of DESIGN.md: {@code tool, version, command, passed, elapsed_ms, seed, checks[]},
 * in that order; the entries of {@code checks} come from the checker's own rendering.
 */
public final class JsonReport {
    /** Shared mapper: field order as inserted, pretty printed. */
    public static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private JsonReport() {
    }

    /**
     * The report envelope.
     *
     * @param command the subcommand name, e.g. {@code check}
     * @param passed whether every check passed
     * @param elapsedMs time of the checks themselves (not JVM start-up)
     * @param seed the seed used
     * @param checks one entry per thing checked
     */
    public static ObjectNode envelope(String command, boolean passed, double elapsedMs, long seed,
            List<? extends JsonNode> checks) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("tool", "gradcheck");
        root.put("version", VersionProvider.version());
        root.put("command", command);
        root.put("passed", passed);
        root.put("elapsed_ms", Math.round(elapsedMs * 1000.0) / 1000.0);
        root.put("seed", seed);
        ArrayNode array = root.putArray("checks");
        checks.forEach(array::add);
        return root;
    }

    /** Pretty-printed JSON text. */
    public static String render(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses JSON text produced by a library renderer. */
    public static JsonNode parse(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package dev.gradcheck.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gradcheck.CheckReport;
import java.io.UncheckedIOException;

/**
 * The JSON report of DESIGN.md ({@code tool, version, command, passed, elapsed_ms, seed, checks[]})
 * as the checker renders it, with {@code version} set to this build's version (from the POM).
 */
public final class JsonReport {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private JsonReport() {
    }

    /** The report as a Jackson tree. */
    public static ObjectNode tree(CheckReport report) {
        ObjectNode root = dev.gradcheck.report.JsonReport.tree(report);
        root.put("version", VersionProvider.version());
        return root;
    }

    /**
     * The report as a Jackson tree; when {@code incomplete} is not null the run stopped early:
     * {@code "passed": false}, {@code "incomplete": true} and {@code "incomplete_reason"} are set.
     */
    public static ObjectNode tree(CheckReport report, String incomplete) {
        ObjectNode root = tree(report);
        if (incomplete != null) {
            root.put("passed", false);
            root.put("incomplete", true);
            root.put("incomplete_reason", incomplete);
        }
        return root;
    }

    /** The report as pretty-printed JSON. */
    public static String render(CheckReport report) {
        return render(report, null);
    }

    /** The report as pretty-printed JSON, marked incomplete when {@code incomplete} is not null. */
    public static String render(CheckReport report, String incomplete) {
        return render(report, incomplete, java.util.List.of());
    }

    /** As {@link #render(CheckReport, String)}, with the model's notes ({@code "notes"}, when there are any). */
    public static String render(CheckReport report, String incomplete, java.util.List<String> notes) {
        try {
            return MAPPER.writeValueAsString(ModelNotes.json(tree(report, incomplete), notes));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}

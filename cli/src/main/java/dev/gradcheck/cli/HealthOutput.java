package dev.gradcheck.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gradcheck.report.TerminalText;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * Output of {@code shapes}, {@code flow} and {@code sanity}: the report on stdout, or into
 * {@code --output FILE} (never over an existing file without {@code --force}; written to a
 * temporary file and moved into place).
 */
final class HealthOutput {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private HealthOutput() {
    }

    /**
     * Refuses up front an output the run could not write (it exists without {@code --force}, it is
     * a directory, its folder is not writable), so no work is done for nothing.
     */
    static void checkWritable(Path file, boolean force, String option) {
        if (file != null) {
            SafeFiles.checkWritable(option, file, force);
        }
    }

    /**
     * The JSON report of a {@code command} stopped before it had anything to report (while
     * loading the model): no checks, not passed.
     */
    static ObjectNode nothingRun(String command, long seed) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("tool", dev.gradcheck.CheckReport.TOOL);
        root.put("version", VersionProvider.version());
        root.put("command", command);
        root.put("passed", false);
        root.put("elapsed_ms", 0.0);
        root.put("seed", seed);
        root.putArray("checks");
        return root;
    }

    /** The JSON report with this build's version. */
    static String json(ObjectNode root) {
        root.put("version", VersionProvider.version());
        try {
            return MAPPER.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@code text} to stdout or {@code file}, through {@link TerminalText#escapeLines(String)}. */
    static void emit(PrintWriter out, Path file, boolean force, String text) {
        String body = TerminalText.escapeLines(text.endsWith("\n") ? text : text + "\n");
        if (file == null) {
            ReportOutput.toStdout(out, body);
            return;
        }
        write(file, force, body, "--output");
    }

    /** Writes {@code body} to {@code file} safely. */
    static void write(Path file, boolean force, String body, String option) {
        SafeFiles.write(option, file, body, force);
    }
}

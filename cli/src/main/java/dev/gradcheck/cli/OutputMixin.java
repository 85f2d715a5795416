package dev.gradcheck.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options of every command that prints a report. */
public final class OutputMixin {
    /** Report format. */
    public enum Format {
        /** Readable text. */
        text,
        /** The JSON report of DESIGN.md, and nothing else on stdout. */
        json
    }

    @Option(names = "--format", paramLabel = "FMT", defaultValue = "text",
            description = "Report format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Format format;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
            description = "Write the report to FILE instead of stdout.")
    Path output;

    @Option(names = "--force", description = "Overwrite existing output files (--output, and grads --out).")
    boolean force;

    @Option(names = "--debug", description = "Print stack traces of errors.")
    boolean debug;

    /** The format. */
    public Format format() {
        return format;
    }

    /** True for {@code --format json}. */
    public boolean json() {
        return format == Format.json;
    }

    /** The output file, or null for stdout. */
    public Path output() {
        return output;
    }

    /** The terminal to print text with: {@code screen} on stdout, none (no colour) into a file. */
    public Terminal terminal(Terminal screen) {
        return output == null ? screen : Terminal.none();
    }

    /** True when existing output files may be replaced. */
    public boolean force() {
        return force;
    }

    /**
     * Fails early, before any work, when {@code --output} names an existing file and
     * {@code --force} was not given, or names something other than a regular file.
     *
     * @throws UsageException then
     */
    public void ensureWritable() {
        if (output != null) {
            SafeFiles.checkWritable("--output", output, force);
        }
    }

    /** True when errors print stack traces. */
    public boolean debug() {
        return debug;
    }
}

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

    /** When progress is drawn on stderr. */
    public enum Progress {
        /** When stderr is a terminal, whatever stdout is, for work that takes more than half a second. */
        auto,
        /** Always, whatever stderr is and however short the work (e.g. a CI log that shows carriage returns). */
        always,
        /** Never. */
        never
    }

    @Option(names = "--progress", paramLabel = "WHEN", defaultValue = "auto",
            description = "Progress on stderr (per entry or projection, with a rate and the time left): "
                    + "${COMPLETION-CANDIDATES}; auto draws it when stderr is a terminal, for work that takes more than "
                    + "half a second; always whatever stderr is and however short the work, the final state left as "
                    + "a last line (default: ${DEFAULT-VALUE}).")
    Progress progress;

    @Option(names = "--no-progress", description = "The same as --progress never.")
    boolean noProgress;

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

    /** True when progress bars are unwanted. */
    public boolean noProgress() {
        return noProgress || progress == Progress.never;
    }

    /**
     * When to draw progress on stderr, given what stderr is: {@code always} whatever it is and
     * however short the work; {@code auto} on a terminal, for work that lasts.
     */
    public ProgressBar.When progress(Terminal terminal) {
        if (noProgress()) {
            return ProgressBar.When.NEVER;
        }
        if (progress == Progress.always) {
            return ProgressBar.When.ALWAYS;
        }
        return terminal.interactive() ? ProgressBar.When.LASTING : ProgressBar.When.NEVER;
    }

    /** True when errors print stack traces. */
    public boolean debug() {
        return debug;
    }
}

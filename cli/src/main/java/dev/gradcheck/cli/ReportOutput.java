package dev.gradcheck.cli;

import java.io.PrintWriter;
import java.nio.file.Path;

/**
 * Writes a finished report to stdout, or to {@code --output FILE} (through a temporary file moved
 * into place, so a reader never sees half a report).
 */
public final class ReportOutput {
    private ReportOutput() {
    }

    /**
     * Writes {@code text} (ending it with a newline) where the options say.
     *
     * @param out the command's stdout
     * @param output the file, or null for stdout
     */
    public static void write(PrintWriter out, Path output, String text) {
        write(out, output, false, text);
    }

    /**
     * Writes {@code text} where the options say; an existing {@code output} is replaced only when
     * {@code force}.
     *
     * @throws UsageException when {@code output} exists and {@code force} is false
     */
    public static void write(PrintWriter out, Path output, boolean force, String text) {
        String body = text.endsWith("\n") ? text : text + "\n";
        if (output == null) {
            out.print(body);
            out.flush();
            return;
        }
        SafeFiles.write("--output", output, body, force);
    }
}

package dev.gradcheck.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

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
        Path target = output.toAbsolutePath();
        if (!force && Files.exists(target)) {
            throw new UsageException("--output " + output + ": the file exists; add --force to overwrite it");
        }
        try {
            Path dir = target.getParent();
            if (dir != null) {
                Files.createDirectories(dir);
            }
            Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
            try {
                Files.writeString(tmp, body, StandardCharsets.UTF_8);
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new InvalidInputException(output, "cannot write the report: " + e.getMessage(), e);
        }
    }
}

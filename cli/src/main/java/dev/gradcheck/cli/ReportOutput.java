package dev.gradcheck.cli;

import dev.gradcheck.report.TerminalText;
import java.io.PrintWriter;
import java.nio.file.Path;

/**
 * Writes a finished report to stdout, or to {@code --output FILE} (through a temporary file moved
 * into place, so a reader never sees half a report). Every body passes through
 * {@link TerminalText#escapeLines(String)} on its way (in JSON that turns a raw control character
 * inside a string into its equivalent {@code \}{@code u} escape), so no name or message from a file or
 * user code reaches the terminal as a control sequence.
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
        writeEscaped(out, output, force, TerminalText.escapeLines(text));
    }

    /**
     * As {@link #write(PrintWriter, Path, boolean, String)} for a body already escaped (and then
     * coloured: its colour codes are gradcheck's own).
     */
    static void writeEscaped(PrintWriter out, Path output, boolean force, String text) {
        String body = text.endsWith("\n") ? text : text + "\n";
        if (output == null) {
            toStdout(out, body);
            return;
        }
        SafeFiles.write("--output", output, body, force);
    }

    /**
     * Prints {@code body} to stdout and makes sure it arrived: a report that could not be written
     * (stdout closed, a full disk, a pipe whose reader is gone) is an error, never an exit code 0
     * or 1 that a script takes for a verdict it never saw. Print streams swallow write errors, so
     * both the command's writer and the process's {@code System.out} under it are asked.
     *
     * @throws InvalidInputException when the body did not reach stdout
     */
    static void toStdout(PrintWriter out, String body) {
        out.print(body);
        out.flush();
        if (out.checkError() || System.out.checkError()) {
            throw new InvalidInputException(Path.of("stdout"), "cannot write the report: stdout is closed, "
                    + "its disk is full or its reader stopped reading; nothing after that was written");
        }
    }
}

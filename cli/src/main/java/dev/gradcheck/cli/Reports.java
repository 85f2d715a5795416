package dev.gradcheck.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gradcheck.CheckReport;
import dev.gradcheck.report.JsonReport;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Model.CommandSpec;

/** Prints a checker report as text or JSON where the options say, and gives the exit code. */
public final class Reports {
    private static final Pattern STATUS = Pattern.compile("^(\\s*)(PASS|FAIL|KINK|ERROR|SKIPPED)\\b");
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Reports() {
    }

    /**
     * Prints {@code report} and returns 0 when it passed, else 1.
     *
     * @param spec the running command (its out stream)
     * @param output format and destination
     * @param terminal for colour (never in JSON, never into a file)
     */
    public static int emit(CommandSpec spec, OutputMixin output, Terminal terminal, CheckReport report) {
        return emit(spec, output, terminal, null, report);
    }

    /**
     * As {@link #emit(CommandSpec, OutputMixin, Terminal, CheckReport)}, with a first line saying
     * what was checked and how (text format only).
     */
    public static int emit(CommandSpec spec, OutputMixin output, Terminal terminal, String header, CheckReport report) {
        return emit(spec, output, terminal, header, report, null);
    }

    /**
     * As {@link #emit(CommandSpec, OutputMixin, Terminal, String, CheckReport)}; when
     * {@code incomplete} is not null the run stopped early ({@code --timeout}): the report is
     * marked incomplete (a last line {@code INCOMPLETE: <reason>}, or {@code "incomplete": true}
     * in JSON) and the exit code is 1.
     */
    public static int emit(CommandSpec spec, OutputMixin output, Terminal terminal, String header, CheckReport report,
            String incomplete) {
        Terminal t = output.terminal(terminal);
        String text = colour(report.toText(), t);
        if (incomplete != null) {
            // "all N checks passed" would mislead: the INCOMPLETE line is the verdict
            text = text.replaceFirst("(?m)^[^\n]*\\ball \\d+ checks? passed[^\n]*\n?\\z", "");
            text += (text.endsWith("\n") || text.isEmpty() ? "" : "\n") + t.red(t.bold("INCOMPLETE: " + incomplete)) + "\n";
        }
        String body = output.json() ? json(report, incomplete)
                : (header == null ? "" : t.bold(header) + "\n") + text;
        ReportOutput.write(spec.commandLine().getOut(), output.output(), output.force(), body);
        return ExitCodes.of(report.passed() && incomplete == null);
    }

    /**
     * The JSON report of DESIGN.md as the library renders it ({@link JsonReport}), with
     * {@code version} set to this build's version (from the POM); when {@code incomplete} is not
     * null the run stopped early: {@code "passed": false}, {@code "incomplete": true} and
     * {@code "incomplete_reason"} are set.
     */
    static String json(CheckReport report, String incomplete) {
        ObjectNode root = JsonReport.tree(report);
        root.put("version", VersionProvider.version());
        if (incomplete != null) {
            root.put("passed", false);
            root.put("incomplete", true);
            root.put("incomplete_reason", incomplete);
        }
        try {
            return MAPPER.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The text report with status words and the summary line coloured, when colour is on. */
    static String colour(String text, Terminal t) {
        if (!t.colour()) {
            return text;
        }
        StringBuilder sb = new StringBuilder();
        text.lines().forEach(line -> {
            Matcher m = STATUS.matcher(line);
            if (m.find()) {
                String word = m.group(2);
                String painted = switch (word) {
                    case "PASS" -> t.green(word);
                    case "KINK", "SKIPPED" -> t.yellow(word);
                    default -> t.red(word);
                };
                line = m.group(1) + painted + line.substring(m.end());
            } else if (line.toLowerCase(Locale.ROOT).matches(".*checks? (passed|failed).*")) {
                line = line.contains("failed") ? t.red(t.bold(line)) : t.green(t.bold(line));
            }
            sb.append(line).append('\n');
        });
        return sb.toString();
    }
}

package dev.gradcheck.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gradcheck.CheckReport;
import dev.gradcheck.report.JsonReport;
import dev.gradcheck.report.TerminalText;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Model.CommandSpec;

/** Prints a checker report as text or JSON where the options say, and gives the exit code. */
public final class Reports {
    private static final Pattern STATUS = Pattern.compile("^(\\s*)(PASS|FAIL|KINK|ERROR|SKIPPED)\\b");
    /** The text report's last line when no check failed: "all N checks passed" (or "… passed or skipped: …"). */
    private static final Pattern PASS_SUMMARY = Pattern.compile("(?m)^[^\n]*\\ball \\d+ checks? passed[^\n]*\n?\\z");
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
        return emit(spec, output, terminal, header, report, (String) null);
    }

    /**
     * As {@link #emit(CommandSpec, OutputMixin, Terminal, String, CheckReport)}; when
     * {@code incomplete} is not null the run stopped early ({@code --timeout}, Ctrl-C): the report
     * is marked incomplete and the exit code is {@link ExitCodes#INCOMPLETE} (1 when a check failed).
     */
    public static int emit(CommandSpec spec, OutputMixin output, Terminal terminal, String header, CheckReport report,
            String incomplete) {
        return emit(spec, output, terminal, header, report, RunFacts.incomplete(incomplete));
    }

    /**
     * Prints {@code report} with the run's facts: in text, a note under each check that has one,
     * {@code (stopped after N of M entries)} (or projections) on a check cut inside its tensor and a last line
     * {@code INCOMPLETE: …} when the run stopped early; in JSON the top-level {@code model},
     * {@code output}, {@code wrt}, {@code threads} and {@code commit}, {@code incomplete},
     * {@code incomplete_reason} and {@code incomplete_phase}, and per check {@code incomplete} and
     * {@code entries_total} (and, cut in its projections, {@code projections_checked} and
     * {@code projections_total}), {@code note}, {@code anomaly}; then the command's own fields.
     *
     * @return 0 when every check passed; 1 when one failed; 5 when none failed but the run stopped early
     */
    static int emit(CommandSpec spec, OutputMixin output, Terminal terminal, String header, CheckReport report,
            RunFacts facts) {
        Terminal t = output.terminal(terminal);
        // escaped before colouring: only gradcheck's own colour codes reach the terminal
        String text = colour(TerminalText.escapeLines(annotate(report.toText(), facts)), t);
        if (facts.incomplete()) {
            // "all N checks passed" would mislead: the INCOMPLETE line is the verdict
            text = PASS_SUMMARY.matcher(text).replaceFirst("");
            text += (text.endsWith("\n") || text.isEmpty() ? "" : "\n") + facts.incompleteLine(t);
        } else if (facts.judgedNothing()) {
            // "all N checks passed or skipped" would read as a pass: nothing was checked
            text = PASS_SUMMARY.matcher(text).replaceFirst("")
                    + t.red(t.bold("NOTHING CHECKED: " + TerminalText.escape(facts.nothingChecked)
                    + " (see SKIPPED above); this is not a pass (seed " + report.seed() + ")")) + "\n";
        }
        String body = output.json() ? TerminalText.escapeLines(json(report, facts))
                : (header == null ? "" : t.bold(TerminalText.escape(header)) + "\n") + text;
        ReportOutput.writeEscaped(spec.commandLine().getOut(), output.output(), output.force(), body);
        return exitCode(report, facts);
    }

    /**
     * 0 passed, 1 a check failed (even in a partial run) or nothing could be checked, 5 stopped
     * early with nothing failed.
     */
    static int exitCode(CheckReport report, RunFacts facts) {
        return ExitCodes.of(report.passed() && !facts.judgedNothing(), facts.incomplete());
    }

    /** The text with each check's note, and a cut check's extent, under or on its first line. */
    static String annotate(String text, RunFacts facts) {
        if (facts.notes.isEmpty() && facts.partial.isEmpty()) {
            return text;
        }
        StringBuilder sb = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            Matcher m = STATUS.matcher(line);
            String name = null;
            if (m.find() && m.group(1).isEmpty()) {
                String rest = line.substring(m.end()).strip();
                name = rest.split("\\s{2,}", 2)[0];
            }
            RunFacts.Cut cut = name == null ? null : facts.partial.get(name);
            sb.append(line);
            if (cut != null) {
                sb.append("  (stopped after ").append(cut.fraction()).append(')');
            }
            if (!line.isEmpty() || sb.length() > 0) {
                sb.append('\n');
            }
            String note = name == null ? null : facts.notes.get(name);
            if (note != null) {
                sb.append("      note: ").append(note).append('\n');
            }
        }
        String out = sb.toString();
        return out.endsWith("\n\n") ? out.substring(0, out.length() - 1) : out;
    }

    /**
     * The JSON report of DESIGN.md as the library renders it ({@link JsonReport}), with
     * {@code version} set to this build's version (from the POM) and the run's facts.
     */
    static String json(CheckReport report, RunFacts facts) {
        ObjectNode lib = JsonReport.tree(report);
        ObjectNode root = MAPPER.createObjectNode();
        for (String k : new String[] {"tool", "version", "command", "passed", "elapsed_ms", "seed"}) {
            root.set(k, lib.get(k));
        }
        root.put("version", VersionProvider.version());
        facts.putTopLevel(root);
        root.set("checks", lib.get("checks"));
        lib.fields().forEachRemaining(e -> {
            if (!root.has(e.getKey())) {
                root.set(e.getKey(), e.getValue());
            }
        });
        facts.fields.forEach(root::set);
        for (com.fasterxml.jackson.databind.JsonNode c : root.get("checks")) {
            ObjectNode check = (ObjectNode) c;
            String name = check.path("name").asText();
            RunFacts.Cut cut = facts.partial.get(name);
            if (cut != null) {
                check.put("incomplete", true);
                check.put("entries_total", cut.entriesTotal());
                if (cut.inProjections()) {
                    check.put("projections_checked", cut.done());
                    check.put("projections_total", cut.total());
                }
            }
            if (facts.notes.containsKey(name)) {
                check.put("note", facts.notes.get(name));
            }
            if (facts.anomalies.containsKey(name) && "error".equals(check.path("status").asText())) {
                RunFacts.anomaly(check, facts.anomalies.get(name));
            }
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

package dev.gradcheck.report;

import dev.gradcheck.CheckResult;
import dev.gradcheck.EntryResult;
import dev.gradcheck.Status;
import dev.gradcheck.internal.ForwardCheck;
import java.util.Arrays;
import java.util.Locale;

/**
 * The human-readable report: one block per check (nested inputs indented), with status, errors,
 * the worst entries as a small table, the diagnosis and the reproduce line; a summary line last.
 *
 * <pre>
 * FAIL  W1  [4, 16]  64 entries, max abs 0.12, max rel 0.5
 *       index     analytic       numeric        tolerance
 *       [2, 3]    0.4            0.2            1.02e-05
 *       diagnosis: analytic = 2.0 x numeric on every entry: an extra factor of 2
 *       reproduce: …
 * 1 of 3 checks failed (seed 0)
 * </pre>
 *
 * An op with a forward rule whose rule fails says so on its first line, after the backward's
 * figures: {@code FAIL  mul  72 entries, max abs 3.41e-13, max rel 2.19e-15; forward rule (jvp): FAIL, max rel 1.76}.
 *
 * Names, messages, diagnoses, reproduce lines and captured output may come from files or user
 * code: each is printed through {@link TerminalText#escape(String)}, one line per message (a
 * captured output keeps its lines, each behind {@code output: }).
 */
public final class TextReport {
    private TextReport() {
    }

    /** How much to show: the value columns' names, failing checks only, most worst rows per check. */
    private record Style(String[] columns, boolean failingOnly, int maxRows) {
    }

    public static String render(Report report) {
        return render(report, new Style(new String[] {report.analyticLabel(), report.numericLabel()}, false,
                Integer.MAX_VALUE));
    }

    /**
     * The report's failing checks only (their failing nested results, at most {@code maxRows} worst
     * entries each) and the summary line: what a test failure's message shows.
     */
    public static String renderFailures(Report report, int maxRows) {
        return render(report, new Style(new String[] {report.analyticLabel(), report.numericLabel()}, true, maxRows));
    }

    private static String render(Report report, Style style) {
        StringBuilder sb = new StringBuilder();
        for (String note : report.notes()) {
            sb.append("note: ").append(TerminalText.escape(note)).append('\n');
        }
        for (CheckResult c : report.checks()) {
            if (!style.failingOnly() || !c.passed()) {
                append(sb, c, "", style);
            }
        }
        long failed = report.checks().stream().filter(c -> !c.passed()).count();
        long skipped = report.checks().stream().filter(c -> c.status() == Status.SKIPPED).count();
        int all = report.checks().size();
        // a skipped check passed (nothing wrong was seen), but the summary says how many were
        sb.append(failed > 0 ? failed + " of " + all + " checks failed"
                : skipped == 0 ? "all " + all + " checks passed"
                : "all " + all + " checks passed or skipped: " + (all - skipped) + " passed, " + skipped + " skipped");
        sb.append(" (seed ").append(report.seed()).append(")\n");
        return sb.toString();
    }

    /** One check's block (nested inputs included), as in a report. */
    public static String render(CheckResult c) {
        StringBuilder sb = new StringBuilder();
        append(sb, c, "", new Style(new String[] {"analytic", "numeric"}, false, Integer.MAX_VALUE));
        return sb.toString();
    }

    /**
     * A check's first line: status, name, draw, shape and figures (the backward's), then, when its
     * forward rule or the adjoint identity failed, which: {@code FAIL  mul  72 entries, max abs …;
     * forward rule (jvp): FAIL, max rel 1.76}.
     */
    static String statusLine(CheckResult c) {
        StringBuilder sb = new StringBuilder();
        String word = c.status().label().toUpperCase(Locale.ROOT);
        // "SKIPPED" is longer than the column: keep a space before the name
        sb.append(String.format(Locale.ROOT, "%-6s", word)).append(word.length() >= 6 ? " " : "")
                .append(TerminalText.escape(c.name()));
        if (c.draw() >= 0) {
            sb.append(String.format(Locale.ROOT, " (draw %d, |x|~%s)", c.draw(), num(c.magnitude())));
        }
        if (c.shape() != null) {
            sb.append("  ").append(Arrays.toString(c.shape()));
        }
        // an input that errored or was skipped before any entry was measured has no statistics to show
        boolean measured = c.entriesChecked() > 0 || c.probes() > 0 || c.error() == null;
        if (measured) {
            appendStatistics(sb, c);
        }
        if (c.jvp() != null && !c.jvp().passed()) {
            // the figures before are the backward's: say on this line that the forward rule failed,
            // or, when every tangent passed, that only the adjoint identity with the backward did
            boolean ruleFails = c.jvp().error() != null || c.jvp().inputs().stream()
                    .anyMatch(r -> !r.passed() && !ForwardCheck.ADJOINT.equals(r.name()));
            sb.append(measured ? "; " : "  ").append(ruleFails ? "forward rule (jvp): " : "adjoint identity (jvp vs backward): ")
                    .append(c.jvp().status().label().toUpperCase(Locale.ROOT));
            if (ruleFails && c.jvp().entriesChecked() > 0) {
                sb.append(", max rel ").append(num(c.jvp().maxRelError()));
            }
        }
        return sb.toString();
    }

    private static void append(StringBuilder sb, CheckResult c, String indent, Style style) {
        String pad = indent + "      ";
        sb.append(indent).append(statusLine(c));
        sb.append('\n');
        if (c.error() != null) {
            sb.append(pad).append(c.status().label()).append(": ").append(TerminalText.escape(c.error())).append('\n');
        }
        if (c.output() != null) {
            for (String line : c.output().replaceFirst("\r?\n\\z", "").split("\r?\n", -1)) {
                sb.append(pad).append("output: ").append(TerminalText.escape(line)).append('\n');
            }
        }
        appendDetails(sb, c, indent, pad, style);
        if (c.jvp() != null) {
            appendForwardRule(sb, c.jvp(), indent, pad, style);
        }
        for (CheckResult in : c.inputs()) {
            if (!style.failingOnly() || !in.passed()) {
                append(sb, in, indent + "  ", style);
            }
        }
    }

    /**
     * The forward rule's line beside an op's (backward's) verdict: {@code jvp: PASS  54 entries, …};
     * when it fails, its failing tangents and adjoint identity as nested blocks.
     */
    private static void appendForwardRule(StringBuilder sb, CheckResult jvp, String indent, String pad, Style style) {
        sb.append(pad).append("jvp: ").append(jvp.status().label().toUpperCase(Locale.ROOT));
        if (jvp.entriesChecked() > 0) {
            appendStatistics(sb, jvp);
        }
        sb.append(" (forward rule: each input's tangent, all at once, adjoint identity)\n");
        if (jvp.error() != null) {
            sb.append(pad).append("jvp ").append(jvp.status().label()).append(": ").append(TerminalText.escape(jvp.error()))
                    .append('\n');
        }
        if (!jvp.passed()) {
            for (CheckResult in : jvp.inputs()) {
                if (!in.passed()) {
                    append(sb, in, indent + "  ", style);
                }
            }
        }
    }

    private static void appendStatistics(StringBuilder sb, CheckResult c) {
        sb.append(String.format(Locale.ROOT, "  %d entries", c.entriesChecked()));
        if (c.probes() > 0) {
            sb.append(" (").append(c.probes()).append(" probes)");
        }
        if (c.hasEntryErrors()) {
            sb.append(", max abs ").append(num(c.maxAbsError())).append(", max rel ").append(num(c.maxRelError()));
        }
        if (!Double.isNaN(c.resolution()) && c.resolution() >= 1 && !Double.isNaN(c.resolutionAbs())) {
            // the gradient is no larger than the numeric side's own error: a relative figure says nothing
            sb.append(", resolution ").append(num(c.resolutionAbs())).append(" abs (gradient zero within rounding)");
        } else if (!Double.isNaN(c.resolution())) {
            sb.append(", resolution ").append(num(c.resolution()));
        }
        if (!Double.isNaN(c.taylorSlope())) {
            sb.append(String.format(Locale.ROOT, ", taylor slope %.2f", c.taylorSlope()));
            if (c.passed() && c.taylorSlope() < 1.5) {
                // slope 1 reads as "wrong" (README); with every entry agreeing it is a kink the steps reach
                sb.append(" (a kink within the steps' reach: every entry agrees)");
            }
        }
        if (c.entriesSkipped() > 0) {
            sb.append(", ").append(c.entriesSkipped()).append(" skipped");
        }
    }

    private static void appendDetails(StringBuilder sb, CheckResult c, String indent, String pad, Style style) {
        String[] columns = style.columns();
        if (c.note() != null) {
            sb.append(pad).append("note: ").append(c.note()).append('\n');
        }
        if (!c.passed() || c.status() == dev.gradcheck.Status.KINK) {
            if (!c.worst().isEmpty() && c.inputs().isEmpty() && style.maxRows() > 0) {
                boolean at = c.worst().stream().anyMatch(e -> !e.at().isEmpty());
                sb.append(pad).append(String.format(Locale.ROOT, "%-14s %-22s %-22s %-12s %-8s%s", "index", columns[0],
                        columns[1], "tolerance", "status", at ? " at" : "").stripTrailing()).append('\n');
                for (EntryResult e : c.worst().subList(0, Math.min(style.maxRows(), c.worst().size()))) {
                    sb.append(pad).append(String.format(Locale.ROOT, "%-14s %-22s %-22s %-12s %-8s%s",
                            Arrays.toString(e.index()), e.analytic(), e.numeric(), num(e.tolerance()),
                            e.status().label(), at ? " " + at(e) : "").stripTrailing()).append('\n');
                }
            }
            if (c.diagnosis() != null) {
                sb.append(pad).append("diagnosis: ").append(TerminalText.escape(c.diagnosis())).append('\n');
            }
            if (c.reproduce() != null && c.inputs().isEmpty() || indent.isEmpty() && c.reproduce() != null) {
                sb.append(pad).append("reproduce: ").append(TerminalText.escape(c.reproduce())).append('\n');
            }
        }
    }

    /** The point's values at an entry: {@code input0=-0.3107, input1=2.5}. */
    private static String at(EntryResult e) {
        StringBuilder sb = new StringBuilder();
        e.at().forEach((name, v) -> sb.append(sb.length() == 0 ? "" : ", ").append(name).append('=')
                .append(String.format(Locale.ROOT, "%.4g", v)));
        return sb.toString();
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.3g", v);
    }
}

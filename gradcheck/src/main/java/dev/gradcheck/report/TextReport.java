package dev.gradcheck.report;

import dev.gradcheck.CheckResult;
import dev.gradcheck.EntryResult;
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
 */
public final class TextReport {
    private TextReport() {
    }

    public static String render(Report report) {
        StringBuilder sb = new StringBuilder();
        for (String note : report.notes()) {
            sb.append("note: ").append(note).append('\n');
        }
        for (CheckResult c : report.checks()) {
            append(sb, c, "");
        }
        long failed = report.checks().stream().filter(c -> !c.passed()).count();
        sb.append(failed == 0 ? "all " + report.checks().size() + " checks passed"
                : failed + " of " + report.checks().size() + " checks failed");
        sb.append(" (seed ").append(report.seed()).append(")\n");
        return sb.toString();
    }

    private static void append(StringBuilder sb, CheckResult c, String indent) {
        String pad = indent + "      ";
        String word = c.status().label().toUpperCase(Locale.ROOT);
        // "SKIPPED" is longer than the column: keep a space before the name
        sb.append(indent).append(String.format(Locale.ROOT, "%-6s", word)).append(word.length() >= 6 ? " " : "")
                .append(c.name());
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
        sb.append('\n');
        if (c.error() != null) {
            sb.append(pad).append(c.status().label()).append(": ").append(c.error()).append('\n');
        }
        appendDetails(sb, c, indent, pad);
        for (CheckResult in : c.inputs()) {
            append(sb, in, indent + "  ");
        }
    }

    private static void appendStatistics(StringBuilder sb, CheckResult c) {
        sb.append(String.format(Locale.ROOT, "  %d entries", c.entriesChecked()));
        if (c.probes() > 0) {
            sb.append(" (").append(c.probes()).append(" probes)");
        }
        sb.append(", max abs ").append(num(c.maxAbsError())).append(", max rel ").append(num(c.maxRelError()));
        if (!Double.isNaN(c.resolution())) {
            sb.append(", resolution ").append(num(c.resolution()));
        }
        if (!Double.isNaN(c.taylorSlope())) {
            sb.append(String.format(Locale.ROOT, ", taylor slope %.2f", c.taylorSlope()));
        }
        if (c.entriesSkipped() > 0) {
            sb.append(", ").append(c.entriesSkipped()).append(" skipped");
        }
    }

    private static void appendDetails(StringBuilder sb, CheckResult c, String indent, String pad) {
        if (!c.passed() || c.status() == dev.gradcheck.Status.KINK) {
            if (!c.worst().isEmpty() && c.inputs().isEmpty()) {
                sb.append(pad).append(String.format(Locale.ROOT, "%-14s %-22s %-22s %-12s %s%n", "index", "analytic",
                        "numeric", "tolerance", "status"));
                for (EntryResult e : c.worst()) {
                    sb.append(pad).append(String.format(Locale.ROOT, "%-14s %-22s %-22s %-12s %s%n",
                            Arrays.toString(e.index()), e.analytic(), e.numeric(), num(e.tolerance()),
                            e.status().label()));
                }
            }
            if (c.diagnosis() != null) {
                sb.append(pad).append("diagnosis: ").append(c.diagnosis()).append('\n');
            }
            if (c.reproduce() != null && c.inputs().isEmpty() || indent.isEmpty() && c.reproduce() != null) {
                sb.append(pad).append("reproduce: ").append(c.reproduce()).append('\n');
            }
        }
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.3g", v);
    }
}

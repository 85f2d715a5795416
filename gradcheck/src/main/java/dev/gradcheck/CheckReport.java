package dev.gradcheck;

import dev.gradcheck.report.JsonReport;
import dev.gradcheck.report.Report;
import dev.gradcheck.report.TextReport;
import java.util.List;

/**
 * The structured result of a run: one {@link CheckResult} per thing checked, in a fixed order.
 * Renders as text ({@link #toText()}) and as the JSON of DESIGN.md ({@link #toJson()}).
 */
public final class CheckReport implements Report {
    /** The {@code tool} field. */
    public static final String TOOL = Report.TOOL;
    /** The {@code version} field. */
    public static final String VERSION = Report.VERSION;

    private final String command;
    private final long seed;
    private final double elapsedMs;
    private final List<CheckResult> checks;
    private final List<String> notes;
    private final String analyticLabel;
    private final String numericLabel;

    public CheckReport(String command, long seed, double elapsedMs, List<CheckResult> checks) {
        this(command, seed, elapsedMs, checks, List.of(), "analytic", "numeric");
    }

    private CheckReport(String command, long seed, double elapsedMs, List<CheckResult> checks, List<String> notes,
            String analyticLabel, String numericLabel) {
        this.analyticLabel = analyticLabel;
        this.numericLabel = numericLabel;
        this.command = command;
        this.seed = seed;
        this.elapsedMs = elapsedMs;
        this.checks = List.copyOf(checks);
        this.notes = List.copyOf(notes);
    }

    /**
     * This report with {@code notes} added: things the reader should know about how the inputs
     * were taken (e.g. float32 values widened to float64). JSON: {@code "notes": [...]}, only
     * when there are some; text: {@code note: ...} lines first.
     */
    public CheckReport withNotes(List<String> more) {
        List<String> all = new java.util.ArrayList<>(notes);
        all.addAll(more);
        return new CheckReport(command, seed, elapsedMs, checks, all, analyticLabel, numericLabel);
    }

    /**
     * This report with the text report's value columns named for what they are, e.g.
     * {@code theirs} / {@code reference} for {@code compare}; the JSON keeps {@code analytic} /
     * {@code numeric}.
     */
    public CheckReport withColumns(String analytic, String numeric) {
        return new CheckReport(command, seed, elapsedMs, checks, notes, analytic, numeric);
    }

    /** The text report's name for the analytic column ({@code analytic} unless set). */
    @Override
    public String analyticLabel() {
        return analyticLabel;
    }

    /** The text report's name for the numeric column ({@code numeric} unless set). */
    @Override
    public String numericLabel() {
        return numericLabel;
    }

    /** The notes, in order; empty when there are none. */
    @Override
    public List<String> notes() {
        return notes;
    }

    @Override
    public String command() {
        return command;
    }

    @Override
    public long seed() {
        return seed;
    }

    @Override
    public double elapsedMs() {
        return elapsedMs;
    }

    @Override
    public List<CheckResult> checks() {
        return checks;
    }

    /** True when every check passed (status pass, kink or skipped). */
    @Override
    public boolean passed() {
        return checks.stream().allMatch(CheckResult::passed);
    }

    /** The check named {@code name}. */
    public CheckResult check(String name) {
        return checks.stream().filter(c -> c.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no check named '" + name + "'"));
    }

    /** The human-readable report. */
    public String toText() {
        return TextReport.render(this);
    }

    /** The JSON report (DESIGN.md's shape, stable field order). */
    public String toJson() {
        return JsonReport.write(this);
    }

    /**
     * Throws opentest4j's {@link org.opentest4j.AssertionFailedError} unless {@link #passed()},
     * with the worst entry's numeric value as {@code expected}, its analytic value as
     * {@code actual}, a message of at most 30 lines (the failing checks' diagnoses, worst entries and
     * reproduce lines, and the path of the full text report, saved as
     * {@link dev.gradcheck.report.Failures} says) and gradcheck's own frames removed from its stack
     * trace.
     *
     * @return this report, when it passed
     */
    public CheckReport assertPasses() {
        if (passed()) {
            return this;
        }
        throw dev.gradcheck.report.Failures.of(this, null);
    }

    @Override
    public String toString() {
        return toText();
    }
}

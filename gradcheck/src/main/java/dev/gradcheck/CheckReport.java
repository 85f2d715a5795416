package dev.gradcheck;

import dev.gradcheck.report.JsonReport;
import dev.gradcheck.report.Report;
import dev.gradcheck.report.TextReport;
import java.util.List;
import org.opentest4j.AssertionFailedError;

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

    public CheckReport(String command, long seed, double elapsedMs, List<CheckResult> checks) {
        this(command, seed, elapsedMs, checks, List.of());
    }

    private CheckReport(String command, long seed, double elapsedMs, List<CheckResult> checks, List<String> notes) {
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
        return new CheckReport(command, seed, elapsedMs, checks, all);
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
     * Throws opentest4j's {@link AssertionFailedError} unless {@link #passed()}, with the worst
     * entry's numeric value as {@code expected}, its analytic value as {@code actual}, and the text
     * report as the message.
     *
     * @return this report, when it passed
     */
    public CheckReport assertPasses() {
        if (passed()) {
            return this;
        }
        EntryResult worst = null;
        for (CheckResult c : checks) {
            if (!c.passed()) {
                worst = firstWorst(c);
                if (worst != null) {
                    break;
                }
            }
        }
        String message = "gradient check failed\n" + toText();
        if (worst == null) {
            throw new AssertionFailedError(message);
        }
        throw new AssertionFailedError(message, worst.numeric(), worst.analytic());
    }

    private static EntryResult firstWorst(CheckResult c) {
        if (!c.worst().isEmpty()) {
            return c.worst().get(0);
        }
        for (CheckResult in : c.inputs()) {
            if (!in.passed() && !in.worst().isEmpty()) {
                return in.worst().get(0);
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return toText();
    }
}

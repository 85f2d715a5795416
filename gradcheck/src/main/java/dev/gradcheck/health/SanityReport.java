package dev.gradcheck.health;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gradcheck.CheckReport;
import dev.gradcheck.report.TerminalText;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The recipe checks of one model. */
public final class SanityReport {
    /**
     * How far a training run cut short got.
     *
     * @param done the steps taken
     * @param total the steps asked for
     */
    public record Steps(int done, int total) {
    }

    private final List<SanityCheck> checks;
    private final BatchIndependenceReport batch;
    private final double elapsedMs;
    private final Map<String, Steps> cut;
    private final boolean incomplete;

    SanityReport(List<SanityCheck> checks, BatchIndependenceReport batch, double elapsedMs, Map<String, int[]> cut,
            boolean incomplete) {
        this.checks = List.copyOf(checks);
        this.batch = batch;
        this.elapsedMs = elapsedMs;
        Map<String, Steps> c = new LinkedHashMap<>();
        cut.forEach((name, steps) -> c.put(name, new Steps(steps[0], steps[1])));
        this.cut = Collections.unmodifiableMap(c);
        this.incomplete = incomplete;
    }

    /**
     * True when the run was stopped ({@link Sanity#run(dev.gradcheck.model.Model, Map, SanityOptions,
     * dev.gradcheck.CheckMonitor)}'s monitor) before every check was done.
     */
    public boolean incomplete() {
        return incomplete;
    }

    /** The checks whose training run the stop cut short (skipped, no verdict), with how far it got. */
    public Map<String, Steps> cut() {
        return cut;
    }

    /** How many checks were done (judged or skipped for a reason of their own): neither cut short nor not begun. */
    public int done() {
        return (int) checks.stream().filter(c -> !cut.containsKey(c.name()) && !notBegun(c)).count();
    }

    private boolean notBegun(SanityCheck c) {
        return incomplete && c.status().equals("skipped") && c.detail().startsWith(Sanity.NOT_BEGUN);
    }

    public List<SanityCheck> checks() {
        return checks;
    }

    /** The check named {@code name}. */
    public SanityCheck check(String name) {
        return checks.stream().filter(c -> c.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no sanity check named '" + name + "'"));
    }

    /** True when no check failed. */
    public boolean passed() {
        return checks.stream().allMatch(SanityCheck::passed);
    }

    /** The batch-independence check in full: the mixing node, the ops that mix samples by design. */
    public BatchIndependenceReport batchIndependence() {
        return batch;
    }

    public double elapsedMs() {
        return elapsedMs;
    }

    /**
     * For JUnit tests: throws opentest4j's {@code AssertionFailedError} with the report unless
     * {@link #passed()}.
     *
     * @return this report, when it passed
     */
    public SanityReport assertPassed() {
        if (!passed()) {
            throw new org.opentest4j.AssertionFailedError("sanity checks failed\n" + toText());
        }
        return this;
    }

    /** One line per check and a summary. */
    public String toText() {
        StringBuilder sb = new StringBuilder();
        for (SanityCheck c : checks) {
            sb.append(TerminalText.escape(c.line())).append('\n');
            if (c.name().equals(BatchIndependenceReport.NAME)) {
                batch.infoLines().forEach(l -> sb.append(TerminalText.escape(l)).append('\n'));
            }
        }
        long failed = checks.stream().filter(c -> !c.passed()).count();
        long skipped = checks.stream().filter(c -> c.status().equals("skipped")).count();
        if (incomplete) {
            return sb.append("sanity: stopped early, " + done() + " of " + checks.size() + " checks done" + (failed > 0
                    ? ", " + failed + " failed" : ", none failed")).append('\n').toString();
        }
        sb.append(failed > 0 ? "sanity: " + failed + " of " + checks.size() + " checks failed"
                : skipped == 0 ? "sanity: all checks passed"
                : "sanity: no check failed (" + skipped + " of " + checks.size() + " skipped)").append('\n');
        return sb.toString();
    }

    /**
     * DESIGN.md's report shape, {@code command: "sanity"}, one {@code checks} entry per recipe check;
     * a check cut short adds {@code incomplete}, {@code steps_done} and {@code steps_total}, and an
     * incomplete report has not passed.
     */
    public ObjectNode toJson(long seed) {
        ObjectMapper m = new ObjectMapper();
        ObjectNode root = m.createObjectNode();
        root.put("tool", CheckReport.TOOL);
        root.put("version", CheckReport.VERSION);
        root.put("command", "sanity");
        root.put("passed", passed() && !incomplete);
        root.put("elapsed_ms", elapsedMs);
        root.put("seed", seed);
        ArrayNode arr = root.putArray("checks");
        for (SanityCheck c : checks) {
            ObjectNode o = arr.addObject();
            o.put("name", c.name());
            o.put("passed", c.passed());
            o.put("status", c.status());
            o.putNull("max_abs_error");
            o.putNull("max_rel_error");
            o.putArray("worst");
            o.put("diagnosis", c.detail());
            if (c.step() >= 0) {
                o.put("step", c.step());
            }
            Steps steps = cut.get(c.name());
            if (steps != null) {
                o.put("incomplete", true);
                o.put("steps_done", steps.done());
                o.put("steps_total", steps.total());
            }
            if (c.name().equals(BatchIndependenceReport.NAME)) {
                o.set("batch", batch.toJson());
            }
        }
        return root;
    }

    @Override
    public String toString() {
        return toText();
    }
}

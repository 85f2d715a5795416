package dev.gradcheck.health;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gradcheck.CheckReport;
import dev.gradcheck.report.TerminalText;
import java.util.List;

/** The recipe checks of one model. */
public final class SanityReport {
    private final List<SanityCheck> checks;
    private final BatchIndependenceReport batch;
    private final double elapsedMs;

    SanityReport(List<SanityCheck> checks, BatchIndependenceReport batch, double elapsedMs) {
        this.checks = List.copyOf(checks);
        this.batch = batch;
        this.elapsedMs = elapsedMs;
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
        sb.append(failed > 0 ? "sanity: " + failed + " of " + checks.size() + " checks failed"
                : skipped == 0 ? "sanity: all checks passed"
                : "sanity: no check failed (" + skipped + " of " + checks.size() + " skipped)").append('\n');
        return sb.toString();
    }

    /** DESIGN.md's report shape, {@code command: "sanity"}, one {@code checks} entry per recipe check. */
    public ObjectNode toJson(long seed) {
        ObjectMapper m = new ObjectMapper();
        ObjectNode root = m.createObjectNode();
        root.put("tool", CheckReport.TOOL);
        root.put("version", CheckReport.VERSION);
        root.put("command", "sanity");
        root.put("passed", passed());
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

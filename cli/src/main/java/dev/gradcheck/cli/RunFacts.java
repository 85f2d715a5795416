package dev.gradcheck.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gradcheck.health.NodeAnomaly;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a run adds to its report besides the checks: the JSON's top-level facts ({@code model},
 * {@code output}, {@code wrt}, {@code threads}, {@code commit}), why and where it stopped early,
 * the checks it cut inside a tensor, notes on checks, the anomalies behind anomaly entries, and a
 * command's own fields.
 */
final class RunFacts {
    String model;
    String output;
    List<String> wrt;
    Integer threads;
    /** The report's own notes (how the values were read, e.g. float32 widened). */
    List<String> reportNotes = List.of();
    /** Why the run stopped early, or null. */
    String reason;
    /** The phase the stop cut, or null. */
    String phase;
    /** The INCOMPLETE line's text (after {@code INCOMPLETE: }), or null. */
    String summary;
    /**
     * Why a run that was not cut judged no entry at all (every tensor it checked has none, or
     * only integer ones), or null: such a run is no pass ({@code "passed": false}, exit 1).
     */
    String nothingChecked;
    /** Checks cut inside a tensor, by name. */
    final Map<String, Cut> partial = new LinkedHashMap<>();
    /** A note per check name, printed under it. */
    final Map<String, String> notes = new LinkedHashMap<>();
    /** The anomaly behind an anomaly entry, by the entry's (the node's) name. */
    final Map<String, NodeAnomaly> anomalies = new LinkedHashMap<>();
    /** A command's own top-level fields, after the checks (grads: {@code file}, {@code gradients}). */
    final Map<String, com.fasterxml.jackson.databind.JsonNode> fields = new LinkedHashMap<>();

    /** The facts of a run on {@code model} (as given), differentiating {@code output} by {@code wrt}; null where one does not apply. */
    static RunFacts of(String model, String output, List<String> wrt, Integer threads) {
        RunFacts f = new RunFacts();
        f.model = model;
        f.output = output;
        f.wrt = wrt;
        f.threads = threads;
        return f;
    }

    /**
     * Puts {@code model}, {@code output}, {@code wrt}, {@code threads} and {@code commit} into a
     * report right after its {@code seed} (at the end when it has none), {@code null} where one
     * does not apply: every report carries them in the same place. A run stopped early adds
     * {@code incomplete}, {@code incomplete_reason} and {@code incomplete_phase} after them, and
     * has not passed.
     */
    void putTopLevel(ObjectNode root) {
        ObjectNode fields = root.objectNode();
        fields.put("model", model);
        fields.put("output", output);
        if (wrt == null) {
            fields.putNull("wrt");
        } else {
            wrt.forEach(fields.putArray("wrt")::add);
        }
        fields.put("threads", threads);
        fields.put("commit", VersionProvider.commit());
        if (nothingChecked != null && !incomplete()) {
            root.put("passed", false);
            fields.put("nothing_checked", nothingChecked);
        }
        if (incomplete()) {
            root.put("passed", false);
            fields.put("incomplete", true);
            fields.put("incomplete_reason", reason);
            fields.put("incomplete_phase", phase);
        }
        if (!root.has("seed")) {
            root.setAll(fields);
            return;
        }
        ObjectNode before = root.deepCopy();
        root.removeAll();
        before.fields().forEachRemaining(e -> {
            if (!fields.has(e.getKey())) {
                root.set(e.getKey(), e.getValue());
            }
            if (e.getKey().equals("seed")) {
                root.setAll(fields);
            }
        });
    }

    /** True when the run stopped early. */
    boolean incomplete() {
        return reason != null;
    }

    /** True when the run judged nothing, and so did not pass. */
    boolean judgedNothing() {
        return nothingChecked != null && !incomplete();
    }

    /** The last line of a text report cut short, {@code INCOMPLETE: <summary>} (red), or nothing. */
    String incompleteLine(Terminal t) {
        return incomplete() ? t.red(t.bold("INCOMPLETE: " + (summary != null ? summary : reason))) + "\n" : "";
    }

    /**
     * Marks the run stopped by {@code stop}: its reason and phase, and the INCOMPLETE line's
     * {@code <reason> during <phase>: <what>}.
     */
    void stoppedBy(RunStop stop, String what) {
        reason = stop.reason();
        phase = stop.cutPhase();
        summary = reason + " during " + phase + ": " + what;
    }

    /** A run with only the incomplete reason (e.g. from an older caller). */
    static RunFacts incomplete(String summary) {
        RunFacts f = new RunFacts();
        if (summary != null) {
            f.reason = summary;
            f.summary = summary;
        }
        return f;
    }

    /** The structured form of an anomaly ({@link NodeAnomaly#toJson}): node, op, kind, direction, value and where. */
    static void anomaly(ObjectNode into, NodeAnomaly a) {
        a.toJson(into.putObject("anomaly"));
    }

    /** A number, or the strings {@code NaN}, {@code Infinity}, {@code -Infinity} (valid JSON). */
    static void number(ObjectNode o, String key, double v) {
        if (Double.isFinite(v)) {
            o.put(key, v);
        } else {
            o.put(key, Double.isNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity");
        }
    }

    /**
     * A check cut inside its tensor: {@code done} of {@code total} {@code unit}s, entries or, in
     * FAST mode, projections; {@code entriesTotal} the entries it set out to check (a projection
     * spans every entry of the tensor, so a FAST check's cut is in its projections, not its entries).
     */
    record Cut(long done, long total, String unit, long entriesTotal) {
        /** The unit of a FAST check's progress. */
        static final String PROJECTIONS = "projections";

        /** True when the units are projections. */
        boolean inProjections() {
            return PROJECTIONS.equals(unit);
        }

        /** {@code 12,345 of 65,536 entries}, {@code 1 of 4 projections}. */
        String fraction() {
            return String.format(Locale.ROOT, "%,d of %,d %s", done, total, unit);
        }
    }
}

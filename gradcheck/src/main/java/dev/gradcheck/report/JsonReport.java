package dev.gradcheck.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gradcheck.CheckResult;
import dev.gradcheck.EntryResult;
import dev.gradcheck.Tolerance;

/**
 * The JSON report of DESIGN.md, fields always in this order:
 * {@code tool, version, command, passed, elapsed_ms, seed, checks}; each check
 * {@code name, passed, status, max_abs_error, max_rel_error (null when no entry was compared: an
 * error or a skip before the first entry, a FAST check whose projections blamed no entry), worst, diagnosis}, then
 * {@code shape, entries_checked, mode, scheme, tolerance, probes, error, seed, reproduce, inputs},
 * then the sensitivity fields {@code taylor_slope, resolution, resolution_abs, entries_skipped,
 * draw, magnitude}, then {@code findings} (the diagnosis's kinds), {@code note} and {@code output}
 * (what user code printed while checked), then {@code jvp} (an op's forward-rule verdict, itself a
 * check with its tangents and adjoint identity under {@code inputs}) at the end (absent ones left out). Each worst entry:
 * {@code index, analytic, numeric, tolerance, abs_error, error_estimate, status, at, reason}
 * ({@code at}: the point's values at the entry, by input name; {@code reason}: why a skipped
 * entry was not judged). Non-finite numbers are written as the strings
 * {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"} so the output stays valid JSON.
 */
public final class JsonReport {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private JsonReport() {
    }

    /** The report as pretty-printed JSON (two-space indent, "\n" line ends, no trailing newline). */
    public static String write(Report report) {
        try {
            return MAPPER.writeValueAsString(tree(report)).replace("\r\n", "\n");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the JSON report", e);
        }
    }

    /** The report as a Jackson tree, for embedding in other JSON. */
    public static ObjectNode tree(Report report) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("tool", Report.TOOL);
        root.put("version", Report.VERSION);
        root.put("command", report.command());
        root.put("passed", report.passed());
        number(root, "elapsed_ms", report.elapsedMs());
        root.put("seed", report.seed());
        ArrayNode checks = root.putArray("checks");
        for (CheckResult c : report.checks()) {
            checks.add(check(c));
        }
        if (!report.notes().isEmpty()) {
            ArrayNode notes = root.putArray("notes");
            report.notes().forEach(notes::add);
        }
        return root;
    }

    /** One check as a Jackson tree (what {@link JsonReportReader#check} reads back). */
    public static ObjectNode check(CheckResult c) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("name", c.name());
        o.put("passed", c.passed());
        o.put("status", c.status().label());
        // nothing compared entry by entry, no errors to show: null, not 0
        if (c.hasEntryErrors()) {
            number(o, "max_abs_error", c.maxAbsError());
            number(o, "max_rel_error", c.maxRelError());
        } else {
            o.putNull("max_abs_error");
            o.putNull("max_rel_error");
        }
        ArrayNode worst = o.putArray("worst");
        for (EntryResult e : c.worst()) {
            worst.add(entry(e));
        }
        if (c.diagnosis() != null) {
            o.put("diagnosis", c.diagnosis());
        } else {
            o.putNull("diagnosis");
        }
        if (c.shape() != null) {
            ArrayNode s = o.putArray("shape");
            for (int d : c.shape()) {
                s.add(d);
            }
        }
        o.put("entries_checked", c.entriesChecked());
        if (c.mode() != null) {
            o.put("mode", c.mode().name().toLowerCase(java.util.Locale.ROOT));
        }
        if (c.scheme() != null) {
            o.put("scheme", c.scheme().name().toLowerCase(java.util.Locale.ROOT));
        }
        if (c.tolerance() != null) {
            Tolerance t = c.tolerance();
            ObjectNode tn = o.putObject("tolerance");
            tn.put("kind", t.kind().label());
            number(tn, "atol", t.atol());
            number(tn, "rtol", t.rtol());
            if (t.kind() == Tolerance.Kind.MODEL) {
                number(tn, "safety", t.safety());
            }
        }
        if (c.probes() > 0) {
            o.put("probes", c.probes());
        }
        if (c.error() != null) {
            o.put("error", c.error());
        }
        o.put("seed", c.seed());
        if (c.reproduce() != null) {
            o.put("reproduce", c.reproduce());
        }
        if (!c.inputs().isEmpty()) {
            ArrayNode in = o.putArray("inputs");
            for (CheckResult r : c.inputs()) {
                in.add(check(r));
            }
        }
        if (!Double.isNaN(c.taylorSlope())) {
            number(o, "taylor_slope", c.taylorSlope());
        }
        if (!Double.isNaN(c.resolution())) {
            number(o, "resolution", c.resolution());
        }
        if (!Double.isNaN(c.resolutionAbs())) {
            number(o, "resolution_abs", c.resolutionAbs());
        }
        if (c.entriesSkipped() > 0) {
            o.put("entries_skipped", c.entriesSkipped());
        }
        if (c.draw() >= 0) {
            o.put("draw", c.draw());
            number(o, "magnitude", c.magnitude());
        }
        if (!c.findings().isEmpty()) {
            ArrayNode f = o.putArray("findings");
            c.findings().forEach(f::add);
        }
        if (c.note() != null) {
            o.put("note", c.note());
        }
        if (c.output() != null) {
            o.put("output", c.output());
        }
        if (c.jvp() != null) {
            o.set("jvp", check(c.jvp()));
        }
        return o;
    }

    static ObjectNode entry(EntryResult e) {
        ObjectNode o = MAPPER.createObjectNode();
        ArrayNode idx = o.putArray("index");
        for (int i : e.index()) {
            idx.add(i);
        }
        number(o, "analytic", e.analytic());
        number(o, "numeric", e.numeric());
        number(o, "tolerance", e.tolerance());
        number(o, "abs_error", e.absError());
        if (!Double.isNaN(e.errorEstimate())) {
            number(o, "error_estimate", e.errorEstimate());
        }
        o.put("status", e.status().label());
        if (!e.at().isEmpty()) {
            ObjectNode at = o.putObject("at");
            e.at().forEach((name, v) -> number(at, name, v));
        }
        if (e.reason() != null) {
            o.put("reason", e.reason());
        }
        return o;
    }

    private static void number(ObjectNode o, String key, double v) {
        if (Double.isFinite(v)) {
            o.put(key, v);
        } else {
            o.put(key, Double.isNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity");
        }
    }
}

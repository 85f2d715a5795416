package dev.gradcheck.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gradcheck.CheckResult;
import dev.gradcheck.EntryResult;
import dev.gradcheck.Mode;
import dev.gradcheck.Scheme;
import dev.gradcheck.Status;
import dev.gradcheck.Tolerance;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads back a check of the JSON report ({@link JsonReport}): the inverse of
 * {@code JsonReport.check}, field for field, so that a result rendered in one JVM (the one
 * {@code gradcheck ops --jar} checks user code in) is rendered again, identically, in another.
 * Only the user code's exception ({@link CheckResult#cause()}) does not travel: JSON has none.
 * A field added to {@link JsonReport} must be added here too ({@code JsonReportReaderTest} compares
 * the two renderings of real checks).
 */
public final class JsonReportReader {
    private JsonReportReader() {
    }

    /**
     * The check {@code node} describes.
     *
     * @throws IllegalArgumentException when a required field ({@code name}, {@code status}) is missing or a value has
     *     the wrong type
     */
    public static CheckResult check(JsonNode node) {
        if (!node.isObject() || !node.path("name").isTextual() || !node.path("status").isTextual()) {
            throw new IllegalArgumentException("not a check of the JSON report: " + abbreviate(node));
        }
        CheckResult.Builder b = CheckResult.builder(node.get("name").asText())
                .status(status(node.get("status").asText()))
                .maxAbsError(number(node, "max_abs_error", 0)).maxRelError(number(node, "max_rel_error", 0))
                .entriesChecked(node.path("entries_checked").asLong(0)).seed(node.path("seed").asLong(0))
                .probes(node.path("probes").asInt(0));
        List<EntryResult> worst = new ArrayList<>();
        for (JsonNode e : node.path("worst")) {
            worst.add(entry(e));
        }
        b.worst(worst);
        b.diagnosis(text(node, "diagnosis"));
        if (node.path("shape").isArray()) {
            b.shape(ints(node.get("shape")));
        }
        if (node.path("mode").isTextual()) {
            b.mode(Mode.valueOf(node.get("mode").asText().toUpperCase(Locale.ROOT)));
        }
        if (node.path("scheme").isTextual()) {
            b.scheme(Scheme.valueOf(node.get("scheme").asText().toUpperCase(Locale.ROOT)));
        }
        if (node.path("tolerance").isObject()) {
            b.tolerance(tolerance(node.get("tolerance")));
        }
        b.error(text(node, "error"), null);
        b.reproduce(text(node, "reproduce"));
        List<CheckResult> inputs = new ArrayList<>();
        for (JsonNode in : node.path("inputs")) {
            inputs.add(check(in));
        }
        b.inputs(inputs);
        b.taylorSlope(number(node, "taylor_slope", Double.NaN))
                .resolution(number(node, "resolution", Double.NaN), number(node, "resolution_abs", Double.NaN))
                .entriesSkipped(node.path("entries_skipped").asLong(0));
        if (node.has("draw")) {
            b.draw(node.get("draw").asInt(), number(node, "magnitude", Double.NaN));
        }
        List<String> findings = new ArrayList<>();
        node.path("findings").forEach(f -> findings.add(f.asText()));
        b.findings(findings);
        b.note(text(node, "note"));
        b.output(text(node, "output"));
        if (node.path("jvp").isObject()) {
            b.jvp(check(node.get("jvp")));
        }
        return b.build();
    }

    private static EntryResult entry(JsonNode e) {
        Map<String, Double> at = new LinkedHashMap<>();
        e.path("at").fields().forEachRemaining(f -> at.put(f.getKey(), number(e.get("at"), f.getKey(), Double.NaN)));
        EntryResult r = new EntryResult(ints(e.path("index")), number(e, "analytic", Double.NaN),
                number(e, "numeric", Double.NaN), number(e, "tolerance", Double.NaN),
                number(e, "error_estimate", Double.NaN), status(e.path("status").asText())).withAt(at);
        return e.hasNonNull("reason") ? r.withReason(e.get("reason").asText()) : r;
    }

    private static Tolerance tolerance(JsonNode t) {
        double atol = number(t, "atol", 0);
        double rtol = number(t, "rtol", 0);
        return Tolerance.Kind.MODEL.label().equals(t.path("kind").asText())
                ? Tolerance.model(number(t, "safety", 0), rtol, atol) : Tolerance.pytorch(atol, rtol);
    }

    private static Status status(String label) {
        for (Status s : Status.values()) {
            if (s.label().equals(label)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown status '" + label + "'");
    }

    private static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }

    private static String text(JsonNode node, String key) {
        JsonNode v = node.get(key);
        return v == null || v.isNull() ? null : v.asText();
    }

    /** A number, or one of the strings JsonReport writes for non-finite values; {@code absent} when missing. */
    private static double number(JsonNode node, String key, double absent) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return absent;
        }
        if (v.isNumber()) {
            return v.asDouble();
        }
        switch (v.asText()) {
            case "NaN": return Double.NaN;
            case "Infinity": return Double.POSITIVE_INFINITY;
            case "-Infinity": return Double.NEGATIVE_INFINITY;
            default: throw new IllegalArgumentException("'" + key + "' is not a number: " + abbreviate(v));
        }
    }

    private static String abbreviate(JsonNode node) {
        String s = String.valueOf(node);
        return s.length() <= 200 ? s : s.substring(0, 200) + "…";
    }
}

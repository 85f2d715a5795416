package dev.gradcheck.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code bench --format text}: the suite's JSON lines as a table, a row per measurement as it
 * arrives: case, size, threads, the median wall and CPU time, GFLOP/s where it applies, and the
 * case's other figures ({@code key=value}); the environment line becomes a first line of text.
 */
final class BenchTable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ROW = "%-11s %-26s %7s %12s %12s %9s  %s";
    private static final Set<String> SHOWN = Set.of("bench", "n", "mlp", "batch", "params", "threads", "median_ms",
            "cpu_ms", "gflops");
    private boolean header;

    /** The text for one JSON line of the suite (a header before the first measurement). */
    String line(String json) {
        JsonNode n;
        try {
            n = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            return json; // not a measurement: as it is
        }
        String bench = n.path("bench").asText();
        if (bench.equals("env")) {
            return String.format(Locale.ROOT, "java %s (%s), %d processors, cases %s, %d samples per case (medians)",
                    n.path("java").asText(), n.path("vm").asText(), n.path("processors").asInt(),
                    n.path("cases").asText(), n.path("samples").asInt());
        }
        StringBuilder sb = new StringBuilder();
        if (!header) {
            header = true;
            sb.append(String.format(Locale.ROOT, ROW, "case", "size", "threads", "median ms", "cpu ms", "GFLOP/s",
                    "other")).append('\n');
        }
        String size = n.has("n") ? "n = " + n.get("n").asInt() : n.has("mlp") ? n.get("mlp").asText()
                + (n.has("batch") ? "@" + n.get("batch").asInt() : "") + (n.has("params")
                ? String.format(Locale.ROOT, " (%,d)", n.get("params").asLong()) : "") : "";
        StringBuilder other = new StringBuilder();
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!SHOWN.contains(e.getKey())) {
                other.append(other.length() == 0 ? "" : " ").append(e.getKey()).append('=')
                        .append(e.getValue().isNumber() ? num(e.getValue().asDouble()) : e.getValue().asText());
            }
        }
        sb.append(String.format(Locale.ROOT, ROW, bench, size, n.has("threads") ? n.get("threads").asText() : "-",
                n.has("median_ms") ? num(n.get("median_ms").asDouble()) : "-",
                n.has("cpu_ms") ? num(n.get("cpu_ms").asDouble()) : "-",
                n.has("gflops") ? String.format(Locale.ROOT, "%.1f", n.get("gflops").asDouble()) : "-", other)
                .stripTrailing());
        return sb.toString();
    }

    private static String num(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e9 ? Long.toString((long) v)
                : String.format(Locale.ROOT, Math.abs(v) >= 100 ? "%.1f" : "%.4g", v);
    }
}

package dev.gradcheck.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code bench --format text}: the suite's JSON lines as a table, a row per measurement: case,
 * size, threads, the median wall and CPU time, GFLOP/s where it applies, and the case's other
 * figures ({@code key=value}); the environment line becomes a first line of text. Each column is
 * as wide as its widest cell, so the table is drawn once every row is in.
 */
final class BenchTable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] HEADER = {"case", "size", "threads", "median ms", "cpu ms", "GFLOP/s", "other"};
    /** Text columns are left-aligned, figures right-aligned; the last column is left as it is. */
    private static final boolean[] RIGHT = {false, false, true, true, true, true, false};
    private static final Set<String> SHOWN = Set.of("bench", "n", "mlp", "batch", "params", "threads", "median_ms",
            "cpu_ms", "gflops");

    /** In order: a line of text as it is (a String), or a row of cells (a String[]). */
    private final List<Object> lines = new ArrayList<>();

    /**
     * Takes one JSON line of the suite.
     *
     * @return a short description of the measurement (case and size), or null for another line
     */
    String add(String json) {
        JsonNode n;
        try {
            n = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            lines.add(json); // not a measurement: as it is
            return null;
        }
        String bench = n.path("bench").asText();
        if (bench.equals("env")) {
            lines.add(String.format(Locale.ROOT, "java %s (%s), %d processors, cases %s, %d samples per case (medians)",
                    n.path("java").asText(), n.path("vm").asText(), n.path("processors").asInt(),
                    n.path("cases").asText(), n.path("samples").asInt()));
            return null;
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
        lines.add(new String[] {bench, size, n.has("threads") ? n.get("threads").asText() : "-",
            n.has("median_ms") ? num(n.get("median_ms").asDouble()) : "-",
            n.has("cpu_ms") ? num(n.get("cpu_ms").asDouble()) : "-",
            n.has("gflops") ? String.format(Locale.ROOT, "%.1f", n.get("gflops").asDouble()) : "-", other.toString()});
        return bench + " " + size;
    }

    /** The lines so far, the rows under a header, every column as wide as its widest cell. */
    String table() {
        int[] width = new int[HEADER.length];
        for (Object line : lines) {
            if (line instanceof String[] cells) {
                widen(width, cells);
            }
        }
        widen(width, HEADER);
        StringBuilder sb = new StringBuilder();
        boolean header = false;
        for (Object line : lines) {
            if (line instanceof String[] cells) {
                if (!header) {
                    header = true;
                    row(sb, HEADER, width);
                }
                row(sb, cells, width);
            } else {
                sb.append(line).append('\n');
            }
        }
        return sb.toString();
    }

    private static void widen(int[] width, String[] cells) {
        for (int c = 0; c < cells.length; c++) {
            width[c] = Math.max(width[c], cells[c].length());
        }
    }

    private static void row(StringBuilder sb, String[] cells, int[] width) {
        StringBuilder line = new StringBuilder();
        for (int c = 0; c < cells.length; c++) {
            String cell = cells[c];
            String pad = c == cells.length - 1 ? "" : " ".repeat(width[c] - cell.length());
            line.append(c == 0 ? "" : c == cells.length - 1 ? "   " : "  ").append(RIGHT[c] ? pad + cell : cell + pad);
        }
        sb.append(line.toString().stripTrailing()).append('\n');
    }

    private static String num(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e9 ? Long.toString((long) v)
                : String.format(Locale.ROOT, Math.abs(v) >= 100 ? "%.1f" : "%.4g", v);
    }
}

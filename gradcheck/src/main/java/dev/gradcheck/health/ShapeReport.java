package dev.gradcheck.health;

import dev.gradcheck.engine.Shape;
import dev.gradcheck.report.TerminalText;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The static shape report of a model file: a row per node, computed from the registry's shape
 * rules without evaluating anything; or, at the first mismatch, the rows before it and the
 * mismatch explained.
 */
public final class ShapeReport {
    private final Path file;
    private final String model;
    private final List<ShapeRow> rows;
    private final ShapeMismatch mismatch;
    private final String output;
    private final Shape outputShape;
    private final List<String> notes;

    ShapeReport(Path file, String model, List<ShapeRow> rows, ShapeMismatch mismatch, String output,
            Shape outputShape) {
        this(file, model, rows, mismatch, output, outputShape, List.of());
    }

    ShapeReport(Path file, String model, List<ShapeRow> rows, ShapeMismatch mismatch, String output,
            Shape outputShape, List<String> notes) {
        this.file = file;
        this.model = model;
        this.rows = List.copyOf(rows);
        this.mismatch = mismatch;
        this.output = output;
        this.outputShape = outputShape;
        this.notes = List.copyOf(notes);
    }

    /** The model's notes on how it was read ({@link dev.gradcheck.model.Model#notes()}); empty when none. */
    public List<String> notes() {
        return notes;
    }

    /** The model file. */
    public Path file() {
        return file;
    }

    /** The model's name (null when the file did not get that far). */
    public String model() {
        return model;
    }

    /** One row per node, up to (not including) a mismatch. */
    public List<ShapeRow> rows() {
        return rows;
    }

    /** The first mismatch, or null when every shape fits. */
    public ShapeMismatch mismatch() {
        return mismatch;
    }

    /** True when every shape fits. */
    public boolean ok() {
        return mismatch == null;
    }

    /**
     * For JUnit tests: throws opentest4j's {@code AssertionFailedError} with the mismatch and its
     * hint unless every shape fits.
     *
     * @return this report, when every shape fits
     */
    public ShapeReport assertFits() {
        if (mismatch != null) {
            throw new org.opentest4j.AssertionFailedError(mismatch.message()
                    + (mismatch.hint() != null ? "\nhint: " + mismatch.hint() : ""));
        }
        return this;
    }

    /** Param entries over all rows. */
    public long paramCount() {
        return rows.stream().mapToLong(ShapeRow::paramCount).sum();
    }

    /**
     * The table, then a summary line or the mismatch with its hint; names and messages through
     * {@link TerminalText#escape(String)} (they come from the model file).
     */
    public String toText() {
        StringBuilder sb = new StringBuilder();
        notes.forEach(n -> sb.append("note: ").append(esc(n)).append('\n'));
        int w = Math.max(4, rows.stream().mapToInt(r -> esc(r.node()).length()).max().orElse(4));
        if (mismatch != null) {
            w = Math.max(w, esc(mismatch.row().node()).length());
        }
        int iw = Math.max(6, rows.stream().mapToInt(r -> esc(r.inputText()).length()).max().orElse(6));
        String fmt = "%-" + w + "s  %-14s  %-" + iw + "s  %-14s  %8s%n";
        if (!rows.isEmpty() || mismatch == null) {
            sb.append(String.format(Locale.ROOT, fmt, "node", "op", "inputs", "output", "params"));
        }
        for (ShapeRow r : rows) {
            sb.append(String.format(Locale.ROOT, fmt, esc(r.node()), esc(r.op()), esc(r.inputText()), r.output(),
                    r.paramCount() == 0 ? "" : Long.toString(r.paramCount())));
        }
        if (mismatch == null) {
            sb.append(String.format(Locale.ROOT, "%nshapes: %d nodes fit; %d param entries; output '%s' %s%n",
                    rows.size(), paramCount(), esc(output), outputShape));
        } else {
            ShapeRow r = mismatch.row();
            List<String> where = new ArrayList<>();
            if (r.op() != null) {
                where.add(esc(r.op()));
            }
            if (mismatch.pointer() != null) {
                where.add(esc(mismatch.pointer()));
            }
            sb.append(rows.isEmpty() ? "" : "\n").append("MISMATCH at node '").append(esc(r.node())).append('\'')
                    .append(where.isEmpty() ? "" : " (" + String.join(", ", where) + ")").append('\n');
            if (!r.inputs().isEmpty()) {
                sb.append("  inputs: ").append(esc(r.inputText())).append('\n');
            }
            sb.append("  ").append(esc(mismatch.problem())).append('\n');
            if (mismatch.hint() != null) {
                sb.append("  hint: ").append(esc(mismatch.hint())).append('\n');
            }
        }
        return sb.toString();
    }

    private static String esc(String text) {
        return TerminalText.escape(text);
    }

    @Override
    public String toString() {
        return toText();
    }
}

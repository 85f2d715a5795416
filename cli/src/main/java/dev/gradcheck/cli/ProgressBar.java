package dev.gradcheck.cli;

import dev.gradcheck.CheckMonitor;
import dev.gradcheck.report.TerminalText;
import java.io.PrintWriter;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.DoubleFunction;

/**
 * One line of progress on stderr, redrawn in place with {@code \r}: a bar, the units done of the
 * total (entries, projections, ops, steps), what is being worked on, the rate and the time left:
 * {@code [######--------] 12,345/65,536 entries  W1  850/s  ETA 1m02s}, at most ten times a
 * second. {@link When} says when it draws. Thread-safe: the checker's workers report to it.
 */
public final class ProgressBar implements AutoCloseable, CheckMonitor {
    /** When a bar draws ({@code --progress}). */
    public enum When {
        /** Never ({@code --progress never}, or {@code auto} when stderr is no terminal). */
        NEVER,
        /**
         * Only once the work has run for a moment, erased at the end: short work prints nothing
         * ({@code --progress auto} on a terminal).
         */
        LASTING,
        /**
         * From the start whatever the duration, the final state left as a last line of its own
         * ({@code --progress always}, e.g. for a CI log).
         */
        ALWAYS
    }

    private static final long DEFAULT_DELAY_NANOS = 500_000_000L;
    private static final long REDRAW_NANOS = 100_000_000L;
    private static final int WIDTH = 24;
    private static final int LINE = 100;

    private final PrintWriter err;
    private final When when;
    private final boolean enabled;
    private long total;
    private final String unit;
    private final long delayNanos;
    private final long redrawNanos;
    private final long start = System.nanoTime();
    /** Per part worked in passes: {units done in all its passes, passes in the total}. */
    private final Map<String, long[]> passes = new HashMap<>();
    private long done;
    private String label = "";
    private long lastDraw;
    private boolean drawn;
    private long hintAfterNanos = -1;
    private DoubleFunction<String> hint;

    /**
     * @param err where to draw
     * @param when when to draw
     * @param total the number of steps
     */
    public ProgressBar(PrintWriter err, When when, long total) {
        this(err, when, total, "");
    }

    /**
     * @param unit what is counted ({@code entries}, {@code projections}, {@code ops}), shown after the count
     */
    public ProgressBar(PrintWriter err, When when, long total, String unit) {
        this(err, when, total, unit, delayNanos());
    }

    /**
     * As the other constructors, a {@link When#LASTING} bar drawing only after {@code delayNanos}
     * (tests pass 0, and then see every step).
     */
    ProgressBar(PrintWriter err, When when, long total, String unit, long delayNanos) {
        this.err = err;
        this.when = when;
        this.delayNanos = when == When.ALWAYS ? 0 : delayNanos;
        this.redrawNanos = delayNanos == 0 ? 0 : REDRAW_NANOS;
        // a single step has no progress to show, unless asked for always
        this.enabled = when == When.ALWAYS || when == When.LASTING && total > 1;
        this.total = total;
        this.unit = unit;
        if (when == When.ALWAYS) {
            redraw(true, false); // the first line, however short the work
        }
    }

    /** The delay before the first draw: 0.5 s, or {@code -Dgradcheck.progress.delay-ms}. */
    private static long delayNanos() {
        String ms = System.getProperty("gradcheck.progress.delay-ms");
        try {
            return ms == null ? DEFAULT_DELAY_NANOS : Long.parseLong(ms.trim()) * 1_000_000L;
        } catch (NumberFormatException e) {
            return DEFAULT_DELAY_NANOS;
        }
    }

    /**
     * Once the work has run {@code afterMs} and is not half done, prints one line above the bar:
     * {@code hint.apply(rate)} (units per second), unless it returns null.
     */
    public ProgressBar hintAfter(long afterMs, DoubleFunction<String> hint) {
        this.hintAfterNanos = afterMs * 1_000_000L;
        this.hint = hint;
        return this;
    }

    /** Marks one step done, naming what is being worked on next. */
    public synchronized void step(String label) {
        done++;
        this.label = label == null ? "" : label;
        redraw(false, false);
    }

    /**
     * One more unit of {@code part} done, in passes of {@code perPass} units. A part worked again
     * from its start is a new pass (a re-draw at a nearby point checks every entry of the tensor
     * again): its units join the total, so the count never goes backwards and the rate and the time
     * left stay true, and the label says which pass it is ({@code W1 (pass 2)}).
     */
    public synchronized void advance(String part, long perPass) {
        long[] p = passes.computeIfAbsent(part, k -> new long[] {0, 1});
        p[0]++;
        long pass = (p[0] + perPass - 1) / Math.max(1, perPass);
        if (pass > p[1]) {
            total += (pass - p[1]) * perPass;
            p[1] = pass;
        }
        done++;
        label = pass > 1 ? part + " (pass " + pass + ")" : part;
        redraw(false, false);
    }

    /** The checker's report of one more entry or projection of {@code input}: {@link #advance}. */
    @Override
    public void progress(String input, long done, long total) {
        advance(input, total);
    }

    /** Draws the line, unless it is too early or too soon after the last; {@code last}: the final state. */
    private void redraw(boolean force, boolean last) {
        long now = System.nanoTime();
        long elapsed = now - start;
        if (!enabled || elapsed < delayNanos || (!force && drawn && now - lastDraw < redrawNanos)) {
            return;
        }
        lastDraw = now;
        double rate = done / (elapsed / 1e9);
        if (hint != null && elapsed >= hintAfterNanos && done > 0 && done < total / 2) {
            String line = hint.apply(rate);
            hint = null;
            if (line != null) {
                err.print("\r" + " ".repeat(LINE) + "\r" + line + "\n");
            }
        }
        int filled = (int) Math.min(WIDTH, WIDTH * done / Math.max(1, total));
        StringBuilder sb = new StringBuilder("\r[").append("#".repeat(filled)).append("-".repeat(WIDTH - filled))
                .append("] ").append(String.format(Locale.ROOT, "%,d/%,d", done, total));
        if (!unit.isEmpty()) {
            sb.append(' ').append(unit);
        }
        if (!label.isEmpty()) {
            sb.append("  ").append(TerminalText.escape(label));
        }
        if (done > 0 && (elapsed > 200_000_000L || last && elapsed > 0)) {
            sb.append("  ").append(rate(rate));
            if (!last || done < total) {
                sb.append("  ETA ").append(duration((total - done) / rate));
            }
        }
        String text = sb.toString();
        err.print(text.length() > LINE + 1 ? text.substring(0, LINE + 1) : text + " ".repeat(LINE + 1 - text.length()));
        err.flush();
        drawn = true;
    }

    /** {@code 850/s}, {@code 12.5/s}, {@code 1,234/s}. */
    static String rate(double perSecond) {
        return perSecond >= 100 ? String.format(Locale.ROOT, "%,d/s", Math.round(perSecond))
                : String.format(Locale.ROOT, "%.3g/s", perSecond);
    }

    /**
     * An expected time, never {@code about 0s}: {@code under 1s}, {@code about 42s},
     * {@code about 3m05s}; {@code about ?} when it cannot be told.
     */
    static String about(double seconds) {
        return seconds < 1 ? "under 1s" : "about " + duration(seconds);
    }

    /** {@code 42s}, {@code 3m05s}, {@code 2h10m}. */
    static String duration(double seconds) {
        if (!Double.isFinite(seconds)) {
            return "?";
        }
        long s = Math.max(0, Math.round(seconds));
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
    }

    /** Erases the bar, if drawn; a bar drawn {@link When#ALWAYS} instead ends with its final state on a line of its own. */
    @Override
    public synchronized void close() {
        if (when == When.ALWAYS) {
            redraw(true, true);
            err.print("\n");
            err.flush();
        } else if (drawn) {
            err.print("\r" + " ".repeat(LINE + 1) + "\r");
            err.flush();
        }
    }
}

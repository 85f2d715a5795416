package dev.gradcheck.cli;

import dev.gradcheck.report.TerminalText;
import java.io.PrintWriter;

/**
 * A one-line progress bar on stderr, redrawn in place with {@code \r}. It draws only when enabled
 * (stderr is a terminal and {@code --no-progress} was not given) and only once the work has run
 * for a moment, so short checks print nothing.
 */
public final class ProgressBar implements AutoCloseable {
    private static final long DEFAULT_DELAY_NANOS = 500_000_000L;
    private static final int WIDTH = 30;

    private final PrintWriter err;
    private final boolean enabled;
    private final long total;
    private final long delayNanos;
    private final long start = System.nanoTime();
    private long done;
    private boolean drawn;

    /**
     * @param err where to draw
     * @param enabled whether to draw at all
     * @param total the number of steps
     */
    public ProgressBar(PrintWriter err, boolean enabled, long total) {
        this(err, enabled, total, DEFAULT_DELAY_NANOS);
    }

    /** As the other constructor, drawing only after {@code delayNanos} (tests pass 0). */
    ProgressBar(PrintWriter err, boolean enabled, long total, long delayNanos) {
        this.err = err;
        this.delayNanos = delayNanos;
        this.enabled = enabled && total > 1;
        this.total = total;
    }

    /** Marks one step done, naming what is being worked on next. */
    public synchronized void step(String label) {
        done++;
        if (!enabled || System.nanoTime() - start < delayNanos) {
            return;
        }
        int filled = (int) (WIDTH * done / Math.max(1, total));
        String bar = "#".repeat(filled) + "-".repeat(WIDTH - filled);
        String text = String.format("\r[%s] %d/%d %s", bar, done, total, label == null ? "" : TerminalText.escape(label));
        err.print(text.length() > 100 ? text.substring(0, 100) : text + " ".repeat(100 - text.length()));
        err.flush();
        drawn = true;
    }

    /** Erases the bar, if drawn. */
    @Override
    public synchronized void close() {
        if (drawn) {
            err.print("\r" + " ".repeat(101) + "\r");
            err.flush();
        }
    }
}

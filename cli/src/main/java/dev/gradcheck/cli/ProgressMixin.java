package dev.gradcheck.cli;

import picocli.CommandLine.Option;

/**
 * {@code --progress} and {@code --no-progress}, offered by the commands that draw progress
 * ({@code check}, {@code ops}, {@code graph --check}, {@code flow --steps}, {@code sanity});
 * {@code grads}, {@code compare} and {@code shapes}, done in a moment, draw none and do not take them.
 */
public final class ProgressMixin {
    /** When progress is drawn on stderr. */
    public enum Progress {
        /** When stderr is a terminal, whatever stdout is, for work that takes more than half a second. */
        auto,
        /** Always, whatever stderr is and however short the work (e.g. a CI log that shows carriage returns). */
        always,
        /** Never. */
        never
    }

    @Option(names = "--progress", paramLabel = "WHEN", defaultValue = "auto",
            description = "Progress on stderr (per entry or projection, training step or op, with a rate and the time "
                    + "left): ${COMPLETION-CANDIDATES}; auto draws it when stderr is a terminal, for work that takes "
                    + "more than half a second; always whatever stderr is and however short the work, the final state "
                    + "left as a last line (default: ${DEFAULT-VALUE}).")
    Progress progress;

    @Option(names = "--no-progress", description = "The same as --progress never.")
    boolean noProgress;

    /** True when progress bars are unwanted. */
    public boolean off() {
        return noProgress || progress == Progress.never;
    }

    /**
     * When to draw progress on stderr, given what stderr is: {@code always} whatever it is and
     * however short the work; {@code auto} on a terminal, for work that lasts.
     */
    public ProgressBar.When when(Terminal terminal) {
        if (off()) {
            return ProgressBar.When.NEVER;
        }
        if (progress == Progress.always) {
            return ProgressBar.When.ALWAYS;
        }
        return terminal.interactive() ? ProgressBar.When.LASTING : ProgressBar.When.NEVER;
    }
}

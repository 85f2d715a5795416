package dev.gradcheck;

/**
 * Watches a check while it runs, and may stop it early. The checker calls {@link #progress} as
 * it judges each entry (FULL and SAMPLED mode) or finishes each random projection (FAST mode), from
 * its worker threads, and asks {@link #stopRequested} before each: once it says true, no new
 * entry or projection is started, no point is resampled, and each input's result covers the
 * entries judged so far ({@link CheckResult#entriesChecked()} then counts fewer than the input
 * has). A command line uses it for a progress bar and to end with a partial report on a deadline
 * or an interrupt.
 *
 * <pre>{@code
 * AtomicBoolean stop = new AtomicBoolean();
 * CheckOptions o = CheckOptions.defaults().withMonitor(new CheckMonitor() {
 *     public void progress(String input, long done, long total) { bar.set(input, done, total); }
 *     public boolean stopRequested() { return stop.get(); }
 * });
 * }</pre>
 */
public interface CheckMonitor {
    /** Watches nothing and never stops a check. */
    CheckMonitor NONE = new CheckMonitor() {
    };

    /**
     * One more entry (or projection) of {@code input} is done: {@code done} of {@code total}
     * (entries in FULL and SAMPLED mode, projections in FAST mode; {@code FlowHistory.train}
     * reports its training steps as {@code "training"}). Called from the checker's threads, so it
     * must be thread-safe and quick. An input checked again at a nearby point (a re-draw) is
     * reported again from 1.
     */
    default void progress(String input, long done, long total) {
    }

    /** True once the check should stop early; asked before every entry and projection. */
    default boolean stopRequested() {
        return false;
    }
}

package dev.gradcheck.cli;

import dev.gradcheck.CheckMonitor;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Ends a run early, on {@code --timeout} or on Ctrl-C (SIGINT), and remembers which phase it cut.
 * Each phase (loading the model, the anomaly pass, the gradient check, the report) runs through
 * {@link #during}: the checker, given this as its {@link CheckMonitor}, stops at its next entry
 * and returns what it judged; a phase that cannot stop itself (loading, the anomaly pass, user
 * code) is given {@value #GRACE_MS} ms to return and is then abandoned ({@link Stopped}). A second
 * Ctrl-C exits at once with code 130, as shells expect.
 */
final class RunStop implements CheckMonitor, AutoCloseable {
    /** How long a phase may take to return after the stop before it is abandoned. */
    static final long GRACE_MS = 2000;
    private static final long POLL_MS = 20;

    /** The phase could not stop by itself and was abandoned. */
    static final class Stopped extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Stopped(String phase) {
            super("stopped during " + phase, null, false, false);
        }
    }

    private final long timeoutMs;
    private final long deadline;
    /** Per input: {units reported in all its passes, units per pass}. */
    private final Map<String, long[]> progress = new ConcurrentHashMap<>();
    private final Object previousHandler;
    private volatile String reason;
    private volatile String phase = "starting";
    private volatile String cutPhase;
    private volatile ProgressBar bar;

    private RunStop(long timeoutMs, boolean signals) {
        this.timeoutMs = timeoutMs;
        // saturated at about 146 years, so a huge --timeout neither wraps around into the past
        // nor breaks the wrap-safe comparison in stopRequested
        this.deadline = timeoutMs > 0
                ? System.nanoTime() + Math.min(TimeUnit.MILLISECONDS.toNanos(timeoutMs), Long.MAX_VALUE / 2)
                : Long.MAX_VALUE;
        this.previousHandler = signals ? Interrupts.install(this::interrupted) : null;
    }

    /**
     * A run limited to {@code timeoutMs} (0: no limit) that Ctrl-C also stops, until {@link #close}.
     */
    static RunStop start(long timeoutMs) {
        return new RunStop(timeoutMs, true);
    }

    /** What a second Ctrl-C does: end the process at once. */
    private void interrupted() {
        if (reason != null && reason.startsWith("interrupted")) {
            Runtime.getRuntime().halt(130);
        }
        if (reason == null) {
            reason = "interrupted (Ctrl-C)";
        }
    }

    @Override
    public boolean stopRequested() {
        if (reason == null && System.nanoTime() - deadline >= 0) {
            reason = "--timeout " + timeoutMs + " ms ran out";
        }
        return reason != null;
    }

    /**
     * Counts the reports rather than trusting {@code done}: the checker's threads report out of
     * order, and a re-draw at a nearby point sweeps the input again from 1, each unit of a pass
     * reported once. So the count of reports is the work done, and its remainder the current
     * pass's.
     */
    @Override
    public void progress(String input, long done, long total) {
        long[] p = progress.computeIfAbsent(input, k -> new long[2]);
        synchronized (p) {
            p[0]++;
            p[1] = total;
        }
        ProgressBar b = bar;
        if (b != null) {
            b.advance(input, total);
        }
    }

    /** The bar the check's progress is drawn on, or null. */
    void bar(ProgressBar bar) {
        this.bar = bar;
    }

    /**
     * How far the checker got with {@code input} in its last pass (the one its result comes from):
     * {done, total}, or null when it never reported.
     */
    long[] progressOf(String input) {
        long[] p = progress.get(input);
        if (p == null) {
            return null;
        }
        synchronized (p) {
            long perPass = Math.max(1, p[1]);
            long inPass = p[0] % perPass;
            return new long[] {inPass == 0 ? perPass : inPass, p[1]};
        }
    }

    /**
     * {@code work}'s result, run as {@code phase}. When the run is stopped while it runs and it
     * returns within {@link #GRACE_MS} (the checker returns its partial results), that is the
     * result; otherwise it is abandoned.
     *
     * @throws Stopped when the run was stopped before the phase began or the phase was abandoned
     */
    <T> T during(String phase, Callable<T> work) {
        this.phase = phase;
        if (stopRequested()) {
            cut(phase);
            throw new Stopped(phase);
        }
        FutureTask<T> task = new FutureTask<>(work);
        Thread worker = new Thread(task, "gradcheck-" + phase.replace(' ', '-'));
        worker.setDaemon(true);
        worker.start();
        try {
            while (true) {
                try {
                    T result = task.get(POLL_MS, TimeUnit.MILLISECONDS);
                    if (reason != null) {
                        cut(phase);
                    }
                    return result;
                } catch (TimeoutException e) {
                    if (stopRequested()) {
                        cut(phase);
                        try {
                            return task.get(GRACE_MS, TimeUnit.MILLISECONDS);
                        } catch (TimeoutException late) {
                            worker.interrupt();
                            throw new Stopped(phase);
                        }
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            worker.interrupt();
            reason = reason == null ? "interrupted" : reason;
            cut(phase);
            throw new Stopped(phase);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException r) {
                throw r;
            }
            if (c instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(c);
        }
    }

    private void cut(String phase) {
        if (cutPhase == null) {
            cutPhase = phase;
        }
    }

    /** Marks the current phase, e.g. {@code writing the report}. */
    void phase(String phase) {
        this.phase = phase;
    }

    /** Why the run stopped early ({@code --timeout 3000 ms ran out}, {@code interrupted (Ctrl-C)}), or null. */
    String reason() {
        return reason;
    }

    /** The phase the stop cut ({@code loading the model}, {@code the anomaly pass}, …), or null. */
    String cutPhase() {
        return reason == null ? null : cutPhase != null ? cutPhase : phase;
    }

    @Override
    public void close() {
        if (previousHandler != null) {
            Interrupts.restore(previousHandler);
        }
    }
}

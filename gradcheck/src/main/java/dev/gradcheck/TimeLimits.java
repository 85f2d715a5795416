package dev.gradcheck;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs code that may never return (a user's op with an endless loop) under a deadline. The task
 * runs on a fresh daemon worker thread; the caller waits at most the limit. When the limit
 * passes the worker is interrupted and, on JDKs that still allow it (17 to 19), stopped; either
 * way the caller gets a {@link TimedOutException} at once and carries on, and a worker that
 * ignores both never keeps the JVM alive (it is a daemon).
 *
 * <pre>{@code
 * CheckResult r = TimeLimits.call("op 'square'", 60_000, () -> CustomOpCheck.check(op, options));
 * }</pre>
 */
public final class TimeLimits {
    /** How long a worker may take to end after it was interrupted, before it is stopped. */
    private static final long GRACE_MS = 100;

    private TimeLimits() {
    }

    /** The deadline passed before the task returned. */
    public static final class TimedOutException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final long timeoutMs;

        /** @param what what was running, e.g. {@code forward of op 'square'} */
        public TimedOutException(String what, long timeoutMs) {
            super(what + " timed out after " + timeoutMs + " ms");
            this.timeoutMs = timeoutMs;
        }

        /** The limit that passed, in milliseconds. */
        public long timeoutMs() {
            return timeoutMs;
        }
    }

    /**
     * {@code task}'s result, or its exception (unchecked ones as they are, checked ones wrapped in
     * an {@link IllegalStateException}), if it ends within {@code timeoutMs}.
     *
     * @param what names the task in the timeout message
     * @param timeoutMs the limit; 0 or less runs the task on the calling thread with no limit
     * @throws TimedOutException when the limit passes first
     */
    public static <T> T call(String what, long timeoutMs, Callable<T> task) {
        if (timeoutMs <= 0) {
            return unwrap(task);
        }
        FutureTask<T> future = new FutureTask<>(task);
        Thread worker = new Thread(future, "gradcheck-guarded");
        worker.setDaemon(true);
        worker.start();
        try {
            return future.get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            halt(worker);
            throw new TimedOutException(what, timeoutMs);
        } catch (InterruptedException e) {
            future.cancel(true);
            halt(worker);
            Thread.currentThread().interrupt();
            throw new IllegalStateException(what + " was interrupted", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException r) {
                throw r;
            }
            if (c instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(what + " threw " + c, c);
        }
    }

    /** As {@link #call(String, long, Callable)} for a task with no result. */
    public static void run(String what, long timeoutMs, Runnable task) {
        call(what, timeoutMs, () -> {
            task.run();
            return null;
        });
    }

    private static <T> T unwrap(Callable<T> task) {
        try {
            return task.call();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e.toString(), e);
        }
    }

    /** Interrupts the worker; stops it when the interrupt is ignored and the JDK still can. */
    @SuppressWarnings({"deprecation", "removal"}) // Thread.stop: the only way to end a runaway loop on JDK 17
    private static void halt(Thread worker) {
        worker.interrupt();
        try {
            worker.join(GRACE_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (worker.isAlive()) {
            try {
                worker.stop();
            } catch (UnsupportedOperationException | SecurityException e) {
                // JDK 20+: the daemon worker is left to run until the JVM exits
            }
        }
    }
}

package dev.gradcheck;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Runs code that may never return (a user's op with an endless loop) under a deadline. The task
 * runs on a fresh daemon worker thread; the caller waits at most the limit. When the limit
 * passes the worker (and any other thread the caller names as running the task's code) is
 * interrupted and, on JDKs that still allow it (17 to 19), stopped; either way the caller carries
 * on at once, and a worker that ignores both never keeps the JVM alive (it is a daemon). The one
 * deadline mechanism of gradcheck: the command line's timeouts, {@link GuardedOp} and the JUnit
 * extension's per-op timeouts all run through it.
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
     * What a task run under a limit did: exactly one of returned a value, threw, timed out, or
     * was abandoned because the waiting thread was interrupted (whose interrupt flag is set again).
     */
    public static final class Outcome<T> {
        private final T value;
        private final Throwable thrown;
        private final boolean timedOut;
        private final boolean interrupted;
        private final StackTraceElement[] stackAtTimeout;
        private final Duration limit;

        private Outcome(T value, Throwable thrown, boolean timedOut, boolean interrupted, StackTraceElement[] stack,
                Duration limit) {
            this.value = value;
            this.thrown = thrown;
            this.timedOut = timedOut;
            this.interrupted = interrupted;
            this.stackAtTimeout = stack;
            this.limit = limit;
        }

        /** The task's result (null unless it returned). */
        public T value() {
            return value;
        }

        /** What the task threw, or null. */
        public Throwable thrown() {
            return thrown;
        }

        public boolean timedOut() {
            return timedOut;
        }

        public boolean interrupted() {
            return interrupted;
        }

        /**
         * The stack at the deadline of a thread running the task's code (it shows the looping
         * line): one of the threads the caller named, else the worker; empty unless timed out.
         */
        public StackTraceElement[] stackAtTimeout() {
            return stackAtTimeout.clone();
        }

        /**
         * The value; or the task's exception (unchecked ones as they are, checked ones wrapped in
         * an {@link IllegalStateException}); or a {@link TimedOutException}, or an
         * {@link IllegalStateException} when interrupted, naming {@code what}.
         */
        public T orThrow(String what) {
            if (timedOut) {
                throw new TimedOutException(what, limit.toMillis());
            }
            if (interrupted) {
                throw new IllegalStateException(what + " was interrupted");
            }
            if (thrown instanceof RuntimeException r) {
                throw r;
            }
            if (thrown instanceof Error err) {
                throw err;
            }
            if (thrown != null) {
                throw new IllegalStateException(what + " threw " + thrown, thrown);
            }
            return value;
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
        return attempt("gradcheck-guarded", Duration.ofMillis(timeoutMs), task, List::of).orThrow(what);
    }

    /** As {@link #call(String, long, Callable)} for a task with no result. */
    public static void run(String what, long timeoutMs, Runnable task) {
        call(what, timeoutMs, () -> {
            task.run();
            return null;
        });
    }

    /**
     * Runs {@code task} on a daemon thread named {@code threadName} and waits at most
     * {@code timeout} (positive). On timeout (or when the waiting thread is interrupted) the
     * worker and the threads {@code alsoRunning} gives (e.g. the checker's worker threads inside
     * user code) are interrupted, then stopped where the JDK can; the task's exception is not
     * thrown but returned in the outcome.
     */
    public static <T> Outcome<T> attempt(String threadName, Duration timeout, Callable<T> task,
            Supplier<? extends Collection<Thread>> alsoRunning) {
        FutureTask<T> future = new FutureTask<>(task);
        Thread worker = new Thread(future, threadName);
        worker.setDaemon(true);
        worker.start();
        StackTraceElement[] none = new StackTraceElement[0];
        try {
            return new Outcome<>(future.get(nanos(timeout), TimeUnit.NANOSECONDS), null, false, false, none, timeout);
        } catch (ExecutionException e) {
            return new Outcome<>(null, e.getCause(), false, false, none, timeout);
        } catch (TimeoutException e) {
            StackTraceElement[] stack = deepest(worker, alsoRunning.get());
            halt(worker, alsoRunning.get());
            return new Outcome<>(null, null, true, false, stack, timeout);
        } catch (InterruptedException e) {
            halt(worker, alsoRunning.get());
            Thread.currentThread().interrupt();
            return new Outcome<>(null, null, false, true, none, timeout);
        }
    }

    /** {@code timeout} in nanoseconds, saturated: a limit of centuries ({@code --op-timeout 9223372036854775807}) is no error. */
    private static long nanos(Duration timeout) {
        try {
            return timeout.toNanos();
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE;
        }
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

    /** The stack of a thread inside the task's code (it shows the looping line), else the worker's. */
    private static StackTraceElement[] deepest(Thread worker, Collection<Thread> others) {
        for (Thread w : others) {
            StackTraceElement[] s = w.getStackTrace();
            if (s.length > 0) {
                return s;
            }
        }
        return worker.getStackTrace();
    }

    /** Interrupts the threads; stops those that ignore the interrupt, where the JDK still can. */
    private static void halt(Thread worker, Collection<Thread> others) {
        worker.interrupt();
        for (Thread w : others) {
            w.interrupt();
        }
        try {
            worker.join(GRACE_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Thread w : others) {
            stop(w);
        }
        stop(worker);
    }

    @SuppressWarnings({"deprecation", "removal"}) // Thread.stop: the only way to end a runaway loop on JDK 17
    private static void stop(Thread t) {
        if (!t.isAlive()) {
            return;
        }
        try {
            t.stop();
        } catch (UnsupportedOperationException | SecurityException e) {
            // JDK 20+: the daemon thread is left to run until the JVM exits
        }
    }
}

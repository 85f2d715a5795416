package dev.gradcheck.junit;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs user code on its own daemon thread with a deadline, so an endless loop in an op becomes a
 * timeout instead of a hung build. On timeout the thread is interrupted; a thread that ignores the
 * interrupt (a busy loop) is stopped with {@code Thread.stop} where the JVM still supports it
 * (Java 17 to 19), and otherwise left running as a daemon, which ends with the JVM.
 */
final class TimedRun {
    /** How long an interrupted thread gets to finish before it is stopped. */
    private static final long GRACE_MS = 200;

    /** The outcome: exactly one of value, thrown, or timedOut. */
    static final class Outcome<T> {
        final T value;
        final Throwable thrown;
        final boolean timedOut;
        /** The runner thread's stack at the deadline (empty unless timed out). */
        final StackTraceElement[] stackAtTimeout;

        private Outcome(T value, Throwable thrown, boolean timedOut, StackTraceElement[] stack) {
            this.value = value;
            this.thrown = thrown;
            this.timedOut = timedOut;
            this.stackAtTimeout = stack;
        }
    }

    /** Supplies the extra threads running user code when the deadline passes (e.g. checker workers). */
    interface Inside {
        Collection<Thread> threads();
    }

    private TimedRun() {
    }

    static <T> Outcome<T> run(String threadName, Duration timeout, Callable<T> body, Inside inside) {
        FutureTask<T> task = new FutureTask<>(body);
        Thread t = new Thread(task, threadName);
        t.setDaemon(true);
        t.start();
        try {
            return new Outcome<>(task.get(timeout.toNanos(), TimeUnit.NANOSECONDS), null, false, new StackTraceElement[0]);
        } catch (ExecutionException e) {
            return new Outcome<>(null, e.getCause(), false, new StackTraceElement[0]);
        } catch (TimeoutException e) {
            StackTraceElement[] stack = deepest(t, inside);
            abandon(t, inside);
            return new Outcome<>(null, null, true, stack);
        } catch (InterruptedException e) {
            abandon(t, inside);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking gradients", e);
        }
    }

    /** The stack of a thread inside user code (it shows the looping line), else the runner's. */
    private static StackTraceElement[] deepest(Thread runner, Inside inside) {
        for (Thread w : inside.threads()) {
            StackTraceElement[] s = w.getStackTrace();
            if (s.length > 0) {
                return s;
            }
        }
        return runner.getStackTrace();
    }

    private static void abandon(Thread runner, Inside inside) {
        Collection<Thread> workers = inside.threads();
        runner.interrupt();
        for (Thread w : workers) {
            w.interrupt();
        }
        try {
            runner.join(GRACE_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Thread w : workers) {
            stop(w);
        }
        stop(runner);
    }

    /** Thread.stop, called reflectively: deprecated for removal, and unsupported from Java 20 on. */
    private static void stop(Thread t) {
        if (!t.isAlive()) {
            return;
        }
        try {
            Method m = Thread.class.getMethod("stop");
            m.invoke(t);
        } catch (ReflectiveOperationException | RuntimeException e) {
            // not supported: the daemon thread keeps running until the JVM exits
        }
    }
}

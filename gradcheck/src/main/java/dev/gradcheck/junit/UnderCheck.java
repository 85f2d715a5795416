package dev.gradcheck.junit;

import dev.gradcheck.internal.ExitCall;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The user code the extension is running right now (an op being checked, made or read), JVM-wide,
 * so that user code which ends the test JVM ({@code System.exit}) cannot end it with a passing
 * status: a shutdown hook prints, on {@code System.err}, what was running, in which call, and the
 * line that called {@code System.exit}, then ends the JVM with {@link #EXIT_STATUS} whatever status
 * was asked for. (Surefire fails the build when its JVM ends early anyway; the JUnit Platform
 * console launcher and Gradle take the status as given, so {@code System.exit(0)} was a green run.)
 *
 * <p>Threads that user code starts and leaves running are remembered too: one that calls
 * {@code System.exit} after its op's check ended is named and ends the JVM the same way.
 * {@code Runtime.halt} runs no hook and cannot be intercepted, nor can a hook of the op's own.
 */
final class UnderCheck {
    /** The status of a JVM that user code ended: 70 (EX_SOFTWARE), apart from the launchers' 1 and 2. */
    static final int EXIT_STATUS = 70;

    private static final Map<Object, Running> RUNNING = new ConcurrentHashMap<>();
    /** Threads started while user code ran, still alive after it, with what was running then. */
    private static final Map<Thread, String> LEFT_RUNNING = Collections.synchronizedMap(new WeakHashMap<>());
    private static final AtomicBoolean HOOKED = new AtomicBoolean();

    /** "{subject} is being {participle}", in {stage} (null: no stage). */
    private record Running(Supplier<String> subject, String participle, Supplier<String> stage) {
    }

    private UnderCheck() {
    }

    /** Marks op {@code name} as under check (its calls tracked by {@code tracker}) until the returned action runs. */
    static Runnable begin(Supplier<String> name, Tracker tracker) {
        return begin(() -> "op '" + name.get() + "'", "checked", tracker::stage);
    }

    /**
     * Marks user code as running until the returned action runs: "{@code subject} is being
     * {@code participle}" ({@code op Swish}, {@code made}), in the call {@code stage} gives (may be
     * null, or give null).
     */
    static Runnable begin(Supplier<String> subject, String participle, Supplier<String> stage) {
        if (HOOKED.compareAndSet(false, true)) {
            Runtime.getRuntime().addShutdownHook(new Thread(UnderCheck::notice, "gradcheck-exit-notice"));
        }
        long newest = newestThreadId();
        Object key = new Object();
        Running r = new Running(subject, participle, stage);
        RUNNING.put(key, r);
        return () -> {
            RUNNING.remove(key);
            rememberThreadsAfter(newest, r);
        };
    }

    /** Runs {@code body}, user code, marked as {@link #begin(Supplier, String, Supplier) running}. */
    static <T> T during(String subject, String participle, String stage, Supplier<T> body) {
        Runnable done = begin(() -> subject, participle, () -> stage);
        try {
            return body.get();
        } finally {
            done.run();
        }
    }

    /** Remembers the threads started since {@code newest} that are still alive (gradcheck's own aside). */
    private static void rememberThreadsAfter(long newest, Running r) {
        String was = r.subject().get() + " was being " + r.participle();
        for (Thread t : liveThreads()) {
            if (t.getId() > newest && !t.getName().startsWith("gradcheck-")) {
                LEFT_RUNNING.put(t, was);
            }
        }
    }

    private static long newestThreadId() {
        long max = -1;
        for (Thread t : liveThreads()) {
            max = Math.max(max, t.getId());
        }
        return max;
    }

    private static Thread[] liveThreads() {
        ThreadGroup root = Thread.currentThread().getThreadGroup();
        while (root.getParent() != null) {
            root = root.getParent();
        }
        Thread[] all = new Thread[root.activeCount() + 16];
        int n;
        while ((n = root.enumerate(all, true)) == all.length) {
            all = new Thread[all.length * 2];
        }
        return Arrays.copyOf(all, n);
    }

    private static void notice() {
        Map.Entry<Thread, String> call = ExitCall.find();
        String exit = call == null ? "" : ": System.exit was called at " + call.getValue();
        List<String> lines = new ArrayList<>();
        for (Running r : RUNNING.values()) {
            String stage = r.stage() == null ? null : r.stage().get();
            lines.add("the JVM is ending while " + r.subject().get() + " is being " + r.participle()
                    + (stage == null ? "" : " (in " + stage + ")") + exit);
        }
        String started = call == null ? null : LEFT_RUNNING.get(call.getKey());
        if (lines.isEmpty() && started != null) {
            lines.add("the JVM is ending" + exit + ", on thread '" + call.getKey().getName() + "', which was started while "
                    + started + " and left running");
        }
        if (lines.isEmpty()) {
            return; // not ended by code gradcheck ran: the exit status stands
        }
        for (String line : lines) {
            System.err.println("gradcheck: " + line + ". An op that ends the JVM ends the test run with it, so gradcheck "
                    + "ends it with exit status " + EXIT_STATUS + ", whatever status was asked for; "
                    + "'gradcheck ops --jar' checks ops in a JVM of their own.");
        }
        System.out.flush();
        System.err.flush();
        // a test run cut short must not pass: System.exit(0) would have made it a green build
        Runtime.getRuntime().halt(EXIT_STATUS);
    }
}

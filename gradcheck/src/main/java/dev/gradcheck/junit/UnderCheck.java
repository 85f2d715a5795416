package dev.gradcheck.junit;

import dev.gradcheck.internal.ExitCall;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The ops the extension is checking right now, JVM-wide, so that an op which ends the test JVM
 * ({@code System.exit} in its code) is named: a shutdown hook prints, on {@code System.err}, which
 * op was being checked, in which call, and the line that called {@code System.exit}. The build
 * still fails (the test JVM is gone); the message says why. {@code Runtime.halt} runs no hook and
 * cannot be named.
 */
final class UnderCheck {
    private static final Map<Object, Check> CHECKS = new ConcurrentHashMap<>();
    private static final AtomicBoolean HOOKED = new AtomicBoolean();

    private record Check(Supplier<String> name, Tracker tracker) {
    }

    private UnderCheck() {
    }

    /** Marks {@code name} as under check (its calls tracked by {@code tracker}) until the returned action runs. */
    static Runnable begin(Supplier<String> name, Tracker tracker) {
        if (HOOKED.compareAndSet(false, true)) {
            Runtime.getRuntime().addShutdownHook(new Thread(UnderCheck::notice, "gradcheck-exit-notice"));
        }
        Object key = new Object();
        CHECKS.put(key, new Check(name, tracker));
        return () -> CHECKS.remove(key);
    }

    private static void notice() {
        if (CHECKS.isEmpty()) {
            return;
        }
        Map.Entry<Thread, String> call = ExitCall.find();
        for (Check c : CHECKS.values()) {
            String stage = c.tracker().stage();
            System.err.println("gradcheck: the JVM is ending while op '" + c.name().get() + "' is being checked"
                    + (stage == null ? "" : " (in " + stage + ")")
                    + (call == null ? "" : ": System.exit was called at " + call.getValue())
                    + ". An op that ends the JVM ends the test run with it; 'gradcheck ops --jar' checks ops "
                    + "in a JVM of their own.");
        }
        System.err.flush();
    }
}

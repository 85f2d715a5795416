package dev.gradcheck.junit;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which threads are inside user code and where (so a timeout can say "in forward (call 12)" and
 * stop exactly those threads), and the call an exception or error left user code from.
 */
final class Tracker {
    private final Set<Thread> inside = ConcurrentHashMap.newKeySet();
    private volatile String stage;
    private volatile String thrownIn;

    /** Marks the current thread inside {@code where}, e.g. {@code forward (call 12)}. */
    void enter(String where) {
        stage = where;
        inside.add(Thread.currentThread());
    }

    void exit() {
        inside.remove(Thread.currentThread());
    }

    /** Records that user code threw during the current stage (anything: a checked exception thrown sneakily too). */
    void threw() {
        thrownIn = stage;
    }

    /** Where the last call into user code was, or null before the first. */
    String stage() {
        return stage;
    }

    /** The stage an exception or error left user code from, or null. */
    String thrownIn() {
        return thrownIn;
    }

    /** The threads inside user code right now. */
    Set<Thread> threadsInside() {
        return Set.copyOf(inside);
    }
}

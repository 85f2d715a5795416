package dev.gradcheck.internal;

/**
 * An exception thrown by the checked function (or a wrong-size result), with where it happened.
 *
 * <p>Around every call into user code the checker catches whatever that code raises on its own
 * and reports it as the op's (or the draw's) error: any exception (a checked one thrown sneakily,
 * as Kotlin or Lombok's {@code @SneakyThrows} code may, included), a {@link StackOverflowError}
 * (runaway recursion), an {@link AssertionError} (a failed {@code assert} under {@code -ea}, or a
 * test library's assertion), a {@link LinkageError} (a class that failed to load or initialise, an
 * illegal access) or any other error of its own. The JVM's own failures (out of memory, an internal
 * error) end the point's check: every such catch is
 * {@code catch (Throwable e) { UserCodeException.rethrowIfJvmFailure(e); … }}, the rule written
 * once, in {@link #rethrowIfJvmFailure}. An {@link OutOfMemoryError} then ends the op's check only:
 * {@code CustomOpCheck.check} makes it the op's error and the next op is checked (the memory the
 * check held is free once it unwound); an internal error ends the whole run.
 */
public final class UserCodeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UserCodeException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Rethrows {@code t} when it is the JVM's own failure (a {@link VirtualMachineError} other than
     * {@link StackOverflowError}: out of memory, an internal error; or a {@link ThreadDeath}), which
     * ends the check; returns otherwise, {@code t} being what user code raised on its own.
     */
    public static void rethrowIfJvmFailure(Throwable t) {
        if (t instanceof VirtualMachineError && !(t instanceof StackOverflowError)) {
            throw (VirtualMachineError) t;
        }
        if (t instanceof ThreadDeath) {
            throw (ThreadDeath) t;
        }
    }

    /** "forward threw IllegalStateException: boom" style text for reports. */
    public static String describe(String stage, Throwable t) {
        String msg = t.getMessage();
        return stage + " threw " + t.getClass().getSimpleName() + (msg == null ? "" : ": " + msg);
    }
}

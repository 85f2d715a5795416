package dev.gradcheck.internal;

/**
 * An exception thrown by the checked function (or a wrong-size result), with where it happened.
 *
 * <p>Around every call into user code the checker catches what that code raises on its own and
 * reports it as the op's (or the draw's) error: any {@link RuntimeException}, a
 * {@link StackOverflowError} (runaway recursion), an {@link AssertionError} (a failed
 * {@code assert} under {@code -ea}, or a test library's assertion) and a {@link LinkageError} (a
 * class that failed to load or initialise, an illegal access). The JVM's own failures (out of
 * memory, internal errors) are not the op's to answer for and end the check.
 */
public final class UserCodeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UserCodeException(String message, Throwable cause) {
        super(message, cause);
    }

    /** "forward threw IllegalStateException: boom" style text for reports. */
    public static String describe(String stage, Throwable t) {
        String msg = t.getMessage();
        return stage + " threw " + t.getClass().getSimpleName() + (msg == null ? "" : ": " + msg);
    }
}

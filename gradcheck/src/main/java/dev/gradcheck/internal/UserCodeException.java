package dev.gradcheck.internal;

/** An exception thrown by the checked function (or a wrong-size result), with where it happened. */
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

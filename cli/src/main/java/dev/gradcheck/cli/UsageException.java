package dev.gradcheck.cli;

/** An option value the parser accepted but the command cannot use (exit code 2). */
public final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message what is wrong with which option */
    public UsageException(String message) {
        super(message);
    }
}

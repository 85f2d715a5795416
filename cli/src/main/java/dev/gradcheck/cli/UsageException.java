package dev.gradcheck.cli;

import java.util.function.Supplier;

/** An option value the parser accepted but the command cannot use (exit code 2). */
public final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message what is wrong with which option */
    public UsageException(String message) {
        super(message);
    }

    /**
     * Returns what {@code build} makes from the option values; an {@link IllegalArgumentException}
     * it throws (a value the library rejects) becomes a usage error with the same message.
     */
    static <T> T fromIllegalArgument(Supplier<T> build) {
        try {
            return build.get();
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }
}

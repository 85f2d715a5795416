package dev.gradcheck.cli;

import java.nio.file.Path;

/**
 * A file given on the command line is missing or invalid (exit code 3). The message names the
 * file, the place in it where known, and the problem.
 */
public final class InvalidInputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param file the file at fault
     * @param problem what is wrong, in words
     * @param cause the underlying error, kept for {@code --debug}
     */
    public InvalidInputException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
    }

    /** As the other constructor, without a cause. */
    public InvalidInputException(Path file, String problem) {
        this(file, problem, null);
    }
}

package dev.gradcheck.cli;

import dev.gradcheck.io.OutputFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The command line's outputs ({@code --output}, {@code grads --out}, {@code flow --svg}) written
 * through {@link OutputFile}: never over an existing file unless forced, through symlinks (never
 * replacing one), a regular file through a temporary file moved into place. A refusal before any
 * work is a usage error naming the option; a failure while writing names the file and the
 * operating system's reason (exit 3).
 */
public final class SafeFiles {
    private SafeFiles() {
    }

    /**
     * Refuses, before any work, a target the output may not replace.
     *
     * @param option the option that named it, e.g. {@code --output}
     * @throws UsageException when the target exists without {@code force}, is no place for an
     *     output (a directory, a socket), or is in a folder this process may not write
     */
    public static void checkWritable(String option, Path target, boolean force) {
        requireName(option, target);
        try {
            OutputFile.checkReplaceable(target, force);
        } catch (OutputFile.ExistsException | OutputFile.NotRegularException | OutputFile.CannotWriteException e) {
            throw new UsageException(option + " " + e.getMessage());
        } catch (IOException e) {
            throw new InvalidInputException(target, "cannot write: " + e.getMessage(), e);
        }
    }

    /** An empty name would be the current folder: say what it is. */
    private static void requireName(String option, Path target) {
        if (target.toString().isEmpty()) {
            throw new UsageException(option + ": the file name is empty");
        }
    }

    /**
     * Writes {@code text} (UTF-8) to {@code target}.
     *
     * @param option the option that named it, for messages
     * @param force replace an existing regular file
     * @throws UsageException when the file exists and not forced, or is not a regular file
     * @throws InvalidInputException when the file cannot be written
     */
    public static void write(String option, Path target, String text, boolean force) {
        write(option, target, force, tmp -> Files.writeString(tmp, text, StandardCharsets.UTF_8));
    }

    /** Writes what {@code content} writes to {@code target}, as {@link #write(String, Path, String, boolean)}. */
    public static void write(String option, Path target, boolean force, OutputFile.Content content) {
        requireName(option, target);
        try {
            OutputFile.write(target, force, content);
        } catch (OutputFile.ExistsException | OutputFile.NotRegularException e) {
            throw new UsageException(option + " " + e.getMessage());
        } catch (OutputFile.CannotWriteException e) {
            throw new InvalidInputException(target, e.problem(), e);
        } catch (IOException e) {
            throw new InvalidInputException(target, "cannot write: " + e.getMessage(), e);
        }
    }
}

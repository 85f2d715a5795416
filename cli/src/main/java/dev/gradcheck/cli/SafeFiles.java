package dev.gradcheck.cli;

import dev.gradcheck.io.OutputFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The command line's outputs ({@code --output}, {@code grads --out}) written through
 * {@link OutputFile}: never over an existing file unless forced, only over regular files, through
 * a temporary file moved into place; a refusal is a usage error naming the option.
 */
public final class SafeFiles {
    private SafeFiles() {
    }

    /**
     * Refuses, before any work, a target the output may not replace.
     *
     * @param option the option that named it, e.g. {@code --output}
     * @throws UsageException when the target exists without {@code force}, or is not a regular file
     */
    public static void checkWritable(String option, Path target, boolean force) {
        try {
            OutputFile.checkReplaceable(target, force);
        } catch (OutputFile.ExistsException | OutputFile.NotRegularException e) {
            throw new UsageException(option + " " + e.getMessage());
        } catch (IOException e) {
            throw new InvalidInputException(target, "cannot write: " + e.getMessage(), e);
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
        try {
            OutputFile.write(target, force, content);
        } catch (OutputFile.ExistsException | OutputFile.NotRegularException e) {
            throw new UsageException(option + " " + e.getMessage());
        } catch (IOException e) {
            throw new InvalidInputException(target, "cannot write: " + e.getMessage(), e);
        }
    }
}

package dev.gradcheck.io;

import dev.gradcheck.io.OutputTarget.Destination;
import dev.gradcheck.io.OutputTarget.Kind;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;

/**
 * Writes an output file safely: never over an existing file unless forced, and through symlinks
 * as a shell's {@code >} does, so a link is never replaced ({@link OutputTarget}). A regular file
 * (new, or replaced when forced) is written to a temporary file in its own folder and moved into
 * place, so no reader sees half a file; a FIFO, a character device or a {@code /proc} descriptor
 * ({@code /dev/stdout}) is written in place once the whole content is ready. A directory, a block
 * device or a socket is refused, forced or not.
 *
 * <p>A new file gets the permissions the process's umask gives (the temporary file is created
 * as any program creates a file); a replaced file keeps its permissions.
 */
public final class OutputFile {
    private static final SecureRandom RANDOM = new SecureRandom();

    private OutputFile() {
    }

    /** Writes the content to a fresh file; the caller must not keep it open. */
    @FunctionalInterface
    public interface Content {
        /** Writes the whole content to {@code file}, which exists and is empty. */
        void writeTo(Path file) throws IOException;
    }

    /** The target exists and {@code force} was not given. */
    public static final class ExistsException extends FileAlreadyExistsException {
        private static final long serialVersionUID = 1L;

        ExistsException(Path target, Kind kind) {
            super(target.toString(), null, kind == Kind.STREAM
                    ? "exists; add --force to write to it"
                    : "the file exists; add --force to overwrite it");
        }
    }

    /** The target is something no output goes to (a directory, a block device, a socket), forced or not. */
    public static final class NotRegularException extends IOException {
        private static final long serialVersionUID = 1L;

        NotRegularException(Path target, String what) {
            super(target + ": " + what);
        }
    }

    /** The target cannot be written: the message names it (as given) and the operating system's reason. */
    public static class CannotWriteException extends IOException {
        private static final long serialVersionUID = 1L;
        private final String problem;

        CannotWriteException(Path target, String problem, Throwable cause) {
            super(target + ": " + problem, cause);
            this.problem = problem;
        }

        /** What went wrong, without the target's name, e.g. {@code cannot write in /x: permission denied}. */
        public String problem() {
            return problem;
        }
    }

    /** Found before anything is written: the target's folder (or the stream) is not writable by this process. */
    public static final class NotWritableException extends CannotWriteException {
        private static final long serialVersionUID = 1L;

        NotWritableException(Path target, Path where, String reason) {
            super(target, "cannot write" + (where == null ? "" : " in " + where) + ": " + reason, null);
        }
    }

    /**
     * Refuses a target that may not be written: one that exists without {@code force}; a
     * directory, a block device or a socket (or a symlink to one); one in a folder this process may
     * not write. Call it before the work that produces the output, so a refusal costs nothing.
     *
     * @throws ExistsException when the target exists and {@code force} is false
     * @throws NotRegularException when no output may go there
     * @throws NotWritableException when it cannot be written, with the reason
     */
    public static void checkReplaceable(Path target, boolean force) throws IOException {
        destination(target, force);
    }

    /**
     * Writes {@code content} to {@code target}.
     *
     * @param force replace an existing regular file, or write to an existing FIFO or device
     * @throws ExistsException when the file exists (also when it appeared while writing) and not forced
     * @throws NotRegularException when the target is a directory, a block device or a socket (or a link to one)
     * @throws CannotWriteException when the file cannot be written, naming {@code target} and the reason
     */
    public static void write(Path target, boolean force, Content content) throws IOException {
        Destination d = destination(target, force);
        try {
            if (d.kind() == Kind.STREAM) {
                writeInPlace(d, content);
            } else {
                writeThroughTemporary(target, d, force, content);
            }
        } catch (ExistsException | NotRegularException | CannotWriteException e) {
            throw e;
        } catch (FileSystemException e) {
            // names a temporary file the user never asked for: name theirs, and the reason
            throw new CannotWriteException(target, "cannot write: " + OutputTarget.reason(e), e);
        } catch (IOException e) {
            if (e.getClass() != IOException.class) {
                throw e; // the content's own error (a tensor file's), which says what it is
            }
            throw new CannotWriteException(target, "cannot write: " + OutputTarget.reason(e), e);
        }
    }

    private static Destination destination(Path target, boolean force) throws IOException {
        Destination d;
        try {
            d = OutputTarget.resolve(target);
        } catch (NotRegularException e) {
            throw e;
        } catch (IOException e) {
            throw new NotWritableException(target, null, OutputTarget.reason(e));
        }
        if (!force && (d.exists() || d.viaLink())) {
            throw new ExistsException(target, d.kind());
        }
        OutputTarget.checkWritable(target, d);
        return d;
    }

    private static void writeThroughTemporary(Path target, Destination d, boolean force, Content content)
            throws IOException {
        Path abs = d.path();
        Path dir = abs.getParent();
        Files.createDirectories(dir);
        Path tmp = createTemporary(dir, abs.getFileName().toString());
        try {
            content.writeTo(tmp);
            keepPermissions(tmp, abs);
            if (force) {
                Destination now = destination(target, true); // narrows the window for a swap while writing
                if (now.kind() == Kind.STREAM || !now.path().equals(abs)) {
                    throw new CannotWriteException(target, "cannot write: it changed while the output was written", null);
                }
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } else {
                try {
                    // a hard link never replaces a file created meanwhile (rename would)
                    Files.createLink(abs, tmp);
                } catch (FileAlreadyExistsException e) {
                    throw new ExistsException(target, Kind.REGULAR);
                } catch (UnsupportedOperationException | IOException e) {
                    Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE);
                }
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Writes a FIFO, a device or a descriptor in place (a rename would swap it, not write to it),
     * once the whole content is ready in a private temporary file; a regular file reached through
     * {@code /proc} (an inherited stdout) is appended to, as its descriptor would be.
     */
    private static void writeInPlace(Destination d, Content content) throws IOException {
        Path tmp = Files.createTempFile("gradcheck-", ".out");
        try {
            content.writeTo(tmp);
            OpenOption[] options = d.append()
                    ? new OpenOption[] {StandardOpenOption.WRITE, StandardOpenOption.APPEND}
                    : new OpenOption[] {StandardOpenOption.WRITE};
            try (OutputStream out = Files.newOutputStream(d.path(), options)) {
                Files.copy(tmp, out);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * A new empty file next to the target, created as any program creates one (mode 0666 less
     * the umask), not with {@code Files.createTempFile}'s 0600.
     */
    private static Path createTemporary(Path dir, String name) throws IOException {
        for (int attempt = 0; ; attempt++) {
            byte[] salt = new byte[6];
            RANDOM.nextBytes(salt);
            Path tmp = dir.resolve("." + name + "." + HexFormat.of().formatHex(salt) + ".tmp");
            try {
                return Files.createFile(tmp);
            } catch (FileAlreadyExistsException e) {
                if (attempt > 100) {
                    throw e;
                }
            }
        }
    }

    /** A replaced file's permissions carry over to its successor. */
    private static void keepPermissions(Path tmp, Path target) {
        try {
            if (Files.isRegularFile(target)) {
                Set<PosixFilePermission> p = Files.getPosixFilePermissions(target);
                Files.setPosixFilePermissions(tmp, p);
            }
        } catch (UnsupportedOperationException | IOException e) {
            // not a POSIX file system: its defaults apply
        }
    }
}

package dev.gradcheck.io;

import dev.gradcheck.engine.io.FileKinds;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;

/**
 * Writes an output file safely: never over an existing file unless forced, only ever over a
 * regular file (or a symlink to one, which is replaced by the new file), and always through a
 * temporary file in the same folder moved into place, so no reader sees half a file.
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

        ExistsException(Path target) {
            super(target.toString(), null, "the file exists; add --force to overwrite it");
        }
    }

    /** The target exists but is not something an output may replace (a device, a FIFO, a directory). */
    public static final class NotRegularException extends IOException {
        private static final long serialVersionUID = 1L;

        NotRegularException(Path target, String what) {
            super(target + ": " + what + ", not a regular file; outputs replace only regular files "
                    + "(and symlinks to them), even with --force");
        }
    }

    /**
     * Refuses a target that may not be written: one that exists without {@code force}, or that
     * exists and is no regular file (nor a symlink to one, nor a dangling symlink). Call it before
     * the work that produces the output, so a refusal costs nothing.
     *
     * @throws ExistsException when the target exists and {@code force} is false
     * @throws NotRegularException when the target exists and is not replaceable
     */
    public static void checkReplaceable(Path target, boolean force) throws IOException {
        Path abs = target.toAbsolutePath();
        BasicFileAttributes self;
        try {
            self = Files.readAttributes(abs, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return;
        }
        if (!force) {
            throw new ExistsException(target);
        }
        if (self.isRegularFile()) {
            return;
        }
        if (!self.isSymbolicLink()) {
            throw new NotRegularException(target, "is " + FileKinds.describe(abs, false));
        }
        try {
            BasicFileAttributes pointed = Files.readAttributes(abs, BasicFileAttributes.class);
            if (!pointed.isRegularFile()) {
                throw new NotRegularException(target, "is a symlink to " + FileKinds.describe(abs, true));
            }
        } catch (NoSuchFileException e) {
            // a dangling link: replacing it loses nothing
        }
    }

    /**
     * Writes {@code content} to {@code target}.
     *
     * @param force replace an existing regular file (or symlink to one)
     * @throws ExistsException when the file exists (also when it appeared while writing) and not forced
     * @throws NotRegularException when the target is a device, a FIFO, a directory or a link to one
     * @throws IOException when the file cannot be written
     */
    public static void write(Path target, boolean force, Content content) throws IOException {
        checkReplaceable(target, force);
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        Path tmp = createTemporary(dir, abs.getFileName().toString());
        try {
            content.writeTo(tmp);
            keepPermissions(tmp, abs);
            if (force) {
                checkReplaceable(target, true); // narrows the window for a swap while the content was written
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } else {
                try {
                    // a hard link never replaces a file created meanwhile (rename would)
                    Files.createLink(abs, tmp);
                } catch (FileAlreadyExistsException e) {
                    throw new ExistsException(target);
                } catch (UnsupportedOperationException | IOException e) {
                    Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE);
                }
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

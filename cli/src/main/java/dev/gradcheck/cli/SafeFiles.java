package dev.gradcheck.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes an output file safely: never over an existing file unless forced, and always through a
 * temporary file in the same folder moved into place, so no reader sees half a file.
 */
public final class SafeFiles {
    private SafeFiles() {
    }

    /** The target exists and {@code --force} was not given. */
    public static final class ExistsException extends IOException {
        private static final long serialVersionUID = 1L;

        ExistsException(Path target) {
            super(target + " already exists; pass --force to overwrite it");
        }
    }

    /**
     * Temporary files are created readable by the owner only; give the result the permissions
     * of the file it replaces, or the usual rw-r--r-- (where the file system has POSIX permissions).
     */
    private static void permissions(Path tmp, Path target) {
        try {
            java.util.Set<java.nio.file.attribute.PosixFilePermission> p = Files.exists(target)
                    ? Files.getPosixFilePermissions(target)
                    : java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--");
            Files.setPosixFilePermissions(tmp, p);
        } catch (UnsupportedOperationException | IOException e) {
            // not a POSIX file system: its defaults apply
        }
    }

    /**
     * Writes {@code text} (UTF-8) to {@code target}.
     *
     * @param force replace an existing file
     * @throws ExistsException when the file exists (also when it appeared while writing) and not forced
     * @throws IOException when the file cannot be written
     */
    public static void write(Path target, String text, boolean force) throws IOException {
        Path abs = target.toAbsolutePath();
        if (!force && Files.exists(abs, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new ExistsException(target);
        }
        Path dir = abs.getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        Path tmp = Files.createTempFile(dir, "." + abs.getFileName(), ".tmp");
        try {
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            permissions(tmp, abs);
            if (force) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } else {
                try {
                    // a hard link never replaces a file created meanwhile (rename would)
                    Files.createLink(abs, tmp);
                } catch (FileAlreadyExistsException e) {
                    throw new ExistsException(target);
                } catch (UnsupportedOperationException | IOException e) {
                    if (e instanceof ExistsException) {
                        throw e;
                    }
                    Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE);
                }
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}

package dev.gradcheck.engine.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * What kind of file a path names, in words, and the rule that only regular files are read: a
 * FIFO would block the reader until someone writes to it, a device such as {@code /dev/zero}
 * never ends, and neither has a size that means anything.
 */
public final class FileKinds {
    private static final int S_IFMT = 0170000;
    private static final int S_IFIFO = 0010000;
    private static final int S_IFCHR = 0020000;
    private static final int S_IFBLK = 0060000;
    private static final int S_IFSOCK = 0140000;

    private FileKinds() {
    }

    /**
     * The size of {@code file}, a regular file (symlinks followed), checked before it is opened.
     *
     * @throws TensorFileException when it does not exist, or is a directory, a FIFO, a device or a socket
     */
    public static long requireRegular(Path file) throws TensorFileException {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw new TensorFileException(file.toString(), null, "no such file", e);
        } catch (IOException e) {
            throw new TensorFileException(file.toString(), null, "cannot read: " + e.getMessage(), e);
        }
        if (a.isDirectory()) {
            throw new TensorFileException(file.toString(), null, "is a directory, not a file");
        }
        if (!a.isRegularFile()) {
            throw new TensorFileException(file.toString(), null, "is " + describe(file, true)
                    + ", not a regular file; only regular files are read");
        }
        return a.size();
    }

    /**
     * What {@code path} is, e.g. "a FIFO (named pipe)", "a character device", "a directory".
     *
     * @param follow describe the file a symlink points to rather than the link
     */
    public static String describe(Path path, boolean follow) {
        LinkOption[] opts = follow ? new LinkOption[0] : new LinkOption[] {LinkOption.NOFOLLOW_LINKS};
        try {
            BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class, opts);
            if (a.isDirectory()) {
                return "a directory";
            }
            if (a.isRegularFile()) {
                return "a regular file";
            }
            if (a.isSymbolicLink()) {
                return "a symlink";
            }
            Object mode = Files.getAttribute(path, "unix:mode", opts);
            if (mode instanceof Integer m) {
                switch (m & S_IFMT) {
                    case S_IFIFO:
                        return "a FIFO (named pipe)";
                    case S_IFCHR:
                        return "a character device";
                    case S_IFBLK:
                        return "a block device";
                    case S_IFSOCK:
                        return "a socket";
                    default:
                        break;
                }
            }
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            // no "unix" attribute view here: the generic words below
        }
        return "a special file";
    }
}

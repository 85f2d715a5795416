package dev.gradcheck.io;

import dev.gradcheck.engine.io.FileKinds;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Where an output really goes: its symlinks followed as a shell's {@code >} follows them, so a
 * link is written through and never replaced. The destination is a new file, a regular file
 * (replaced by a temporary file renamed over it in its own folder), or a stream written in place:
 * a FIFO, a character device, or anything reached through {@code /proc} (such as
 * {@code /dev/stdout}, a link to {@code /proc/self/fd/1}), which must never be renamed over:
 * that would swap the file under the descriptor instead of writing to it.
 */
final class OutputTarget {
    /** Links followed before giving up, as the kernel's limit. */
    private static final int MAX_LINKS = 40;
    private static final Path PROC = Path.of("/proc");
    private static final int S_IFMT = 0170000;
    private static final int S_IFIFO = 0010000;
    private static final int S_IFCHR = 0020000;

    private OutputTarget() {
    }

    /** How the destination is written. */
    enum Kind {
        /** Nothing there yet: created through a temporary file in its folder. */
        NEW,
        /** A regular file: replaced through a temporary file renamed over it. */
        REGULAR,
        /** A FIFO, a character device or a {@code /proc} entry: opened and written in place. */
        STREAM
    }

    /**
     * Where the output goes.
     *
     * @param path the real path written (a link's target, never the link)
     * @param viaLink whether a symlink led there
     * @param append a stream that is a regular file (an inherited stdout): appended to, as the
     *     descriptor it stands for would be, never truncated
     */
    record Destination(Kind kind, Path path, boolean viaLink, boolean append) {
        /** True when the destination already exists. */
        boolean exists() {
            return kind != Kind.NEW;
        }
    }

    /**
     * Follows {@code target}'s symlinks (in its folders too) to where the output goes.
     *
     * @throws OutputFile.NotRegularException when it is a directory, a block device, a socket or a link to one
     * @throws IOException when the links cannot be followed (a loop, an unreadable folder)
     */
    static Destination resolve(Path target) throws IOException {
        Path p = target.toAbsolutePath();
        boolean viaLink = false;
        for (int links = 0; links <= MAX_LINKS; links++) {
            Path name = p.getFileName();
            if (name == null) {
                throw new OutputFile.NotRegularException(target, "is a directory; name a file to write to");
            }
            Path folder = realFolder(p.getParent());
            if (folder == null) {
                return new Destination(Kind.NEW, p, viaLink, false);
            }
            p = folder.resolve(name);
            if (folder.startsWith(PROC)) {
                // a magic link such as /proc/self/fd/1: the open descriptor, whatever file it names
                return new Destination(Kind.STREAM, p, true, Files.isRegularFile(p));
            }
            BasicFileAttributes a;
            try {
                a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (NoSuchFileException e) {
                return new Destination(Kind.NEW, p, viaLink, false);
            }
            if (a.isSymbolicLink()) {
                p = folder.resolve(Files.readSymbolicLink(p));
                viaLink = true;
                continue;
            }
            if (a.isRegularFile()) {
                return new Destination(Kind.REGULAR, p, viaLink, false);
            }
            String what = (viaLink ? "is a symlink to " : "is ") + FileKinds.describe(p, false);
            if (a.isDirectory()) {
                throw new OutputFile.NotRegularException(target, what + "; name a file to write to");
            }
            if (isStream(p)) {
                return new Destination(Kind.STREAM, p, viaLink, false);
            }
            throw new OutputFile.NotRegularException(target, what + "; outputs go only to regular files, "
                    + "FIFOs and character devices");
        }
        throw new FileSystemException(target.toString(), null, "too many levels of symbolic links");
    }

    /**
     * Refuses a destination this process cannot write, before any work: a stream it may not
     * open for writing, or a file whose folder (the nearest existing one, for a new file) it may
     * not create files in.
     *
     * @throws OutputFile.NotWritableException then, with the reason
     */
    static void checkWritable(Path target, Destination d) throws IOException {
        if (d.kind() == Kind.STREAM) {
            if (!Files.exists(d.path())) {
                throw new OutputFile.NotWritableException(target, d.path(), "no such file or directory");
            }
            if (!Files.isWritable(d.path())) {
                throw new OutputFile.NotWritableException(target, d.path(), "permission denied");
            }
            return;
        }
        Path folder = d.path().getParent();
        while (folder != null && !Files.exists(folder)) {
            folder = folder.getParent();
        }
        if (folder == null) {
            return;
        }
        if (!Files.isDirectory(folder)) {
            throw new OutputFile.NotWritableException(target, folder, "not a directory");
        }
        if (!Files.isWritable(folder)) {
            throw new OutputFile.NotWritableException(target, folder, readOnly(folder)
                    ? "read-only file system" : "permission denied");
        }
    }

    /** The operating system's reason for {@code e}, in a few lowercase words, without the file names. */
    static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        String r = e instanceof FileSystemException f ? f.getReason() : e.getMessage();
        if (r == null || r.isBlank()) {
            return e.getClass().getSimpleName();
        }
        return r.length() > 1 && Character.isUpperCase(r.charAt(0)) && Character.isLowerCase(r.charAt(1))
                ? Character.toLowerCase(r.charAt(0)) + r.substring(1) : r;
    }

    /** The real path of {@code folder}, or null when it does not exist (yet). */
    private static Path realFolder(Path folder) throws IOException {
        try {
            return folder.toRealPath();
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private static boolean isStream(Path p) {
        try {
            if (Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) instanceof Integer m) {
                int type = m & S_IFMT;
                return type == S_IFIFO || type == S_IFCHR;
            }
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            // no "unix" attribute view: nothing but regular files is written
        }
        return false;
    }

    private static boolean readOnly(Path folder) {
        try {
            return Files.getFileStore(folder).isReadOnly();
        } catch (IOException e) {
            return false;
        }
    }
}

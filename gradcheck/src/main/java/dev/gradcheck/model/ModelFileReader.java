package dev.gradcheck.model;

import dev.gradcheck.engine.io.FileKinds;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Reads a model file's bytes, with the checks every format shares: the file exists, is a regular
 * file (a FIFO would block the reader, a device such as {@code /dev/zero} never ends), and is within
 * {@link Limits#maxFileBytes()} — by its size before it is opened, and by the bytes actually read,
 * since the size of some files ({@code /proc}) says nothing.
 */
final class ModelFileReader {
    private ModelFileReader() {
    }

    /** @throws ModelFileException naming the file when it cannot be read */
    static ModelFile read(Path file, Limits limits) {
        if (file.toString().isEmpty()) {
            // Path.of("") is the current folder: "is a directory" under an empty name said nothing
            throw new ModelFileException(null, null, -1, -1, null, "the model file's name is empty");
        }
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            if (a.isDirectory()) {
                throw new ModelFileException(file, null, -1, -1, null, "is a directory, not a model file");
            }
            if (!a.isRegularFile()) {
                throw new ModelFileException(file, null, -1, -1, null, "is " + FileKinds.describe(file, true)
                        + ", not a regular file; only regular files are read");
            }
            long max = limits.maxFileBytes();
            if (a.size() > max) {
                throw new ModelFileException(file, null, -1, -1, null, "the file has " + a.size()
                        + " bytes, over the limit of " + max);
            }
            return new ModelFile(file, readAtMost(file, a.size(), max), limits);
        } catch (NoSuchFileException e) {
            throw new ModelFileException(file, null, -1, -1, null, "no such file");
        } catch (IOException e) {
            throw new ModelFileException(file, null, -1, -1, null, "cannot read: " + e.getMessage(), e);
        }
    }

    /**
     * The file's bytes: {@code size} of them into one array of that size (no second copy), then
     * whatever follows when the size was not the truth, up to {@code max} in all.
     */
    private static byte[] readAtMost(Path file, long size, long max) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = new byte[(int) size];
            int n = in.readNBytes(head, 0, head.length);
            byte[] rest = in.readNBytes((int) Math.min(max - n + 1, Integer.MAX_VALUE - 8 - n));
            if ((long) n + rest.length > max) {
                throw new ModelFileException(file, null, -1, -1, null, "the file has more than " + max
                        + " bytes (over the limit), though its size said " + size);
            }
            if (rest.length == 0 && n == head.length) {
                return head;
            }
            byte[] all = java.util.Arrays.copyOf(head, n + rest.length);
            System.arraycopy(rest, 0, all, n, rest.length);
            return all;
        }
    }
}

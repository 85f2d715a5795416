package dev.gradcheck.engine.io;

import dev.gradcheck.engine.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Reads and writes NumPy {@code .npz} archives: a zip of {@code .npy} files, one per key, entries
 * stored or deflated (as {@code np.savez} and {@code np.savez_compressed} write them).
 *
 * <pre>{@code
 * Map<String, Tensor> values = Npz.read(Path.of("values.npz"));   // in archive order
 * Npz.write(Path.of("grads.npz"), Map.of("W1", w1.grad()));
 * }</pre>
 *
 * <p>Every problem gives a {@link TensorFileException} naming the file, the key and the problem.
 */
public final class Npz {
    private static final String SUFFIX = ".npy";

    private Npz() {
    }

    /** Every array in {@code file}, by key (the entry name without {@code .npy}), in archive order. */
    public static Map<String, Tensor> read(Path file) throws IOException {
        return read(file, Npy.MAX_ELEMENTS);
    }

    /**
     * As {@link #read(Path)}, refusing (before allocating it) any array of more than
     * {@code maxElements} elements.
     */
    public static Map<String, Tensor> read(Path file, long maxElements) throws IOException {
        try (ZipFile zip = open(file)) {
            Map<String, Tensor> out = new LinkedHashMap<>();
            for (ZipEntry entry : entries(zip)) {
                if (entry.isDirectory()) {
                    continue;
                }
                String key = keyOf(entry, file);
                if (out.containsKey(key)) {
                    throw new TensorFileException(file, key, "the archive holds this key twice");
                }
                out.put(key, readEntry(zip, entry, file, key, maxElements));
            }
            return out;
        }
    }

    /**
     * The array stored under {@code key} in {@code file}.
     *
     * @throws TensorFileException when there is no such key (the message lists the keys there are)
     */
    public static Tensor read(Path file, String key) throws IOException {
        try (ZipFile zip = open(file)) {
            ZipEntry entry = zip.getEntry(key + SUFFIX);
            if (entry == null) {
                List<String> keys = new ArrayList<>();
                for (ZipEntry e : entries(zip)) {
                    if (!e.isDirectory()) {
                        keys.add(e.getName().endsWith(SUFFIX)
                                ? e.getName().substring(0, e.getName().length() - SUFFIX.length()) : e.getName());
                    }
                }
                throw new TensorFileException(file, key, "no such key; the archive holds " + keys);
            }
            return readEntry(zip, entry, file, key, Npy.MAX_ELEMENTS);
        }
    }

    /** The keys in {@code file}, in archive order, without reading the arrays. */
    public static List<String> keys(Path file) throws IOException {
        try (ZipFile zip = open(file)) {
            List<String> keys = new ArrayList<>();
            for (ZipEntry e : entries(zip)) {
                if (!e.isDirectory()) {
                    keys.add(keyOf(e, file));
                }
            }
            return keys;
        }
    }

    /** Writes {@code tensors} to {@code file}, uncompressed, in the map's order (as {@code np.savez}). */
    public static void write(Path file, Map<String, Tensor> tensors) throws IOException {
        write(file, tensors, false);
    }

    /**
     * Writes {@code tensors} to {@code file}, deflated when {@code compressed} (as
     * {@code np.savez_compressed}), in the map's order.
     */
    public static void write(Path file, Map<String, Tensor> tensors, boolean compressed) throws IOException {
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            checkKey(file, e.getKey(), e.getValue());
        }
        try (OutputStream os = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(os)) {
            for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
                byte[] bytes = Npy.toBytes(e.getValue());
                ZipEntry entry = new ZipEntry(e.getKey() + SUFFIX);
                if (compressed) {
                    entry.setMethod(ZipEntry.DEFLATED);
                } else {
                    // A stored entry must announce its size and checksum up front.
                    CRC32 crc = new CRC32();
                    crc.update(bytes);
                    entry.setMethod(ZipEntry.STORED);
                    entry.setSize(bytes.length);
                    entry.setCompressedSize(bytes.length);
                    entry.setCrc(crc.getValue());
                }
                zip.putNextEntry(entry);
                zip.write(bytes);
                zip.closeEntry();
            }
        }
    }

    private static void checkKey(Path file, String key, Tensor t) throws TensorFileException {
        if (key == null || key.isEmpty()) {
            throw new TensorFileException(file, key, "keys must be non-empty");
        }
        if (key.indexOf('\0') >= 0) {
            throw new TensorFileException(file, key, "keys must not contain NUL");
        }
        if (t == null) {
            throw new TensorFileException(file, key, "the tensor is null");
        }
    }

    private static ZipFile open(Path file) throws IOException {
        try {
            return new ZipFile(file.toFile());
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            throw new TensorFileException(file.toString(), null, "no such file", e);
        } catch (ZipException e) {
            throw new TensorFileException(file.toString(), null, "not a valid .npz (zip) archive: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new TensorFileException(file.toString(), null, "cannot read: " + e, e);
        }
    }

    private static List<ZipEntry> entries(ZipFile zip) {
        Enumeration<? extends ZipEntry> en = zip.entries();
        List<ZipEntry> out = new ArrayList<>();
        for (ZipEntry e : Collections.list(en)) {
            out.add(e);
        }
        return out;
    }

    private static String keyOf(ZipEntry entry, Path file) throws TensorFileException {
        String name = entry.getName();
        if (!name.endsWith(SUFFIX)) {
            throw new TensorFileException(file, name, "entry '" + name + "' is not an .npy array");
        }
        return name.substring(0, name.length() - SUFFIX.length());
    }

    private static Tensor readEntry(ZipFile zip, ZipEntry entry, Path file, String key, long maxElements)
            throws IOException {
        try (InputStream in = zip.getInputStream(entry)) {
            return Npy.read(in, entry.getSize(), file.toString(), key, maxElements);
        } catch (TensorFileException e) {
            throw e;
        } catch (IOException e) {
            throw new TensorFileException(file.toString(), key, "corrupt archive entry: " + e.getMessage(), e);
        }
    }
}

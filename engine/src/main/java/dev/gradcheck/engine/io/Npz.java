package dev.gradcheck.engine.io;

import dev.gradcheck.engine.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
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
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (StoredTensor t : read(file, maxElements, ReadBudget.standard())) {
            out.put(t.key(), t.tensor());
        }
        return out;
    }

    /**
     * Every array in {@code file}, a regular file, in archive order, with the type each was stored
     * in. Before any array is read, the archive's directory is checked against {@code budget} as a
     * whole (the uncompressed sizes it declares, added up); each array is refused before it is
     * allocated when it has more than {@code maxElements} elements or its 8 bytes per element
     * exceed what is left of the budget; and no entry may inflate to more than its directory
     * entry declares.
     */
    public static List<StoredTensor> read(Path file, long maxElements, ReadBudget budget) throws IOException {
        try (BoundedZip zip = BoundedZip.open(file, budget, ".npz (zip)")) {
            return read(zip, file, maxElements, budget);
        }
    }

    /** As {@link #read(Path, long, ReadBudget)}, from an archive already opened within {@code budget}. */
    public static List<StoredTensor> read(BoundedZip zip, Path file, long maxElements, ReadBudget budget)
            throws IOException {
        Map<String, StoredTensor> out = new LinkedHashMap<>();
        for (ZipEntry entry : zip.entries()) {
            if (entry.isDirectory()) {
                continue;
            }
            String key = keyOf(entry, file);
            if (out.containsKey(key)) {
                throw new TensorFileException(file, key, "the archive holds this key twice");
            }
            out.put(key, readEntry(zip, entry, file, key, maxElements, budget));
        }
        return List.copyOf(out.values());
    }

    /**
     * The array stored under {@code key} in {@code file}.
     *
     * @throws TensorFileException when there is no such key (the message lists the keys there are)
     */
    public static Tensor read(Path file, String key) throws IOException {
        ReadBudget budget = ReadBudget.standard();
        try (BoundedZip zip = BoundedZip.open(file, budget, ".npz (zip)")) {
            List<String> keys = new ArrayList<>();
            for (ZipEntry e : zip.entries()) {
                if (e.getName().equals(key + SUFFIX)) {
                    return readEntry(zip, e, file, key, Npy.MAX_ELEMENTS, budget).tensor();
                }
                if (!e.isDirectory()) {
                    keys.add(e.getName().endsWith(SUFFIX)
                            ? e.getName().substring(0, e.getName().length() - SUFFIX.length()) : e.getName());
                }
            }
            throw new TensorFileException(file, key, "no such key; the archive holds " + keys);
        }
    }

    /** The keys in {@code file}, in archive order, without reading the arrays. */
    public static List<String> keys(Path file) throws IOException {
        try (BoundedZip zip = BoundedZip.open(file, ReadBudget.of(Long.MAX_VALUE, "none"), ".npz (zip)")) {
            List<String> keys = new ArrayList<>();
            for (ZipEntry e : zip.entries()) {
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

    private static String keyOf(ZipEntry entry, Path file) throws TensorFileException {
        String name = entry.getName();
        if (!name.endsWith(SUFFIX)) {
            throw new TensorFileException(file, name, "entry '" + name + "' is not an .npy array");
        }
        return name.substring(0, name.length() - SUFFIX.length());
    }

    private static StoredTensor readEntry(BoundedZip zip, ZipEntry entry, Path file, String key, long maxElements,
            ReadBudget budget) throws IOException {
        try (InputStream in = zip.open(entry)) {
            StoredTensor t = Npy.read(in, entry.getSize(), file.toString(), key, maxElements, budget);
            if (in.read() >= 0) { // the capped stream fails first when the entry inflates past its declared size
                throw new TensorFileException(file.toString(), key, "the entry has more bytes than its array");
            }
            return t;
        } catch (TensorFileException e) {
            throw e.key() == null && e.file().equals(file.toString())
                    ? new TensorFileException(e.file(), key, e.problem(), e) : e;
        } catch (IOException e) {
            throw new TensorFileException(file.toString(), key, "corrupt archive entry: " + e.getMessage(), e);
        }
    }
}

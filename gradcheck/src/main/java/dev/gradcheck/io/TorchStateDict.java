package dev.gradcheck.io;

import dev.gradcheck.engine.DType;
import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.io.BoundedZip;
import dev.gradcheck.engine.io.HalfFloats;
import dev.gradcheck.engine.io.ReadBudget;
import dev.gradcheck.engine.io.StoredTensor;
import dev.gradcheck.engine.io.TensorFileException;
import dev.gradcheck.io.TorchUnpickler.StorageRef;
import dev.gradcheck.io.TorchUnpickler.TensorRef;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;

/**
 * Reads a PyTorch state dict saved with {@code torch.save(model.state_dict(), "f.pt")} (the zip
 * format of PyTorch 1.6 and later): {@code <archive>/data.pkl}, a pickle of an OrderedDict of
 * tensors read by {@link TorchUnpickler}, and one raw storage per tensor under
 * {@code <archive>/data/<key>}. Only float64, float32, float16 and bfloat16 (widened exactly to
 * float64) and int64 tensors are taken, with their storage offsets and strides honoured; anything else is an error naming the
 * file and the key. Whole-file budget first ({@link BoundedZip}), then each tensor's geometry
 * against its storage, each with overflow checks, before its values are allocated.
 */
public final class TorchStateDict {
    /** The largest {@code data.pkl} read (a state dict's pickle has about 70 bytes per tensor). */
    public static final long MAX_PICKLE_BYTES = 32L * 1024 * 1024;

    private static final int MAX_RANK = 32;
    /** The storage dtypes read. */
    private static final java.util.Set<String> READ = java.util.Set.of("float64", "float32", "float16", "bfloat16",
            "int64");

    private TorchStateDict() {
    }

    /**
     * Every tensor of the state dict in {@code file}, in the dict's order.
     *
     * @throws TensorFileException naming the file, the key and the problem
     */
    public static List<StoredTensor> read(Path file, long maxElements, ReadBudget budget) throws TensorFileException {
        try (BoundedZip zip = BoundedZip.open(file, budget, "PyTorch (zip)")) {
            return read(zip, file, maxElements, budget);
        } catch (TensorFileException e) {
            throw e;
        } catch (IOException e) {
            throw new TensorFileException(file.toString(), null, "cannot read: " + e.getMessage(), e);
        }
    }

    /** As {@link #read(Path, long, ReadBudget)}, from an archive already opened within {@code budget}. */
    public static List<StoredTensor> read(BoundedZip zip, Path file, long maxElements, ReadBudget budget)
            throws TensorFileException {
        String name = file.toString();
        try {
            Map<String, ZipEntry> byName = new HashMap<>();
            for (ZipEntry e : zip.entries()) {
                byName.put(e.getName(), e);
            }
            ZipEntry pickle = pickleEntry(zip.entries(), name);
            String prefix = pickle.getName().substring(0, pickle.getName().length() - "data.pkl".length());
            ByteOrder order = byteOrder(zip, byName.get(prefix + "byteorder"), name);
            Object root;
            try {
                root = TorchUnpickler.load(zip.readAll(pickle, MAX_PICKLE_BYTES));
            } catch (TorchUnpickler.Refused e) {
                throw new TensorFileException(name, null, "cannot read " + pickle.getName() + ": " + e.getMessage());
            }
            if (!(root instanceof Map<?, ?> dict)) {
                throw new TensorFileException(name, null, "holds " + kind(root) + ", not a state dict (a dict of "
                        + "tensors); save model.state_dict() with torch.save");
            }
            Map<String, byte[]> storages = new HashMap<>();
            List<StoredTensor> out = new ArrayList<>();
            for (Map.Entry<?, ?> e : dict.entrySet()) {
                if (!(e.getKey() instanceof String key)) {
                    throw new TensorFileException(name, null, "a key that is not a string: not a state dict");
                }
                if (!(e.getValue() instanceof TensorRef t)) {
                    throw new TensorFileException(name, TorchUnpickler.printable(key), "is " + kind(e.getValue())
                            + ", not a tensor: the file is not a state dict (a checkpoint holding one? save "
                            + "model.state_dict() alone with torch.save)");
                }
                out.add(tensor(zip, byName, prefix, TorchUnpickler.printable(key), t, order, storages, name,
                        maxElements, budget));
            }
            return out;
        } catch (TensorFileException e) {
            throw e;
        } catch (IOException e) {
            throw new TensorFileException(name, null, "cannot read: " + e.getMessage(), e);
        }
    }

    /** The one {@code <archive>/data.pkl}; TorchScript archives and other zips are named as such. */
    private static ZipEntry pickleEntry(List<ZipEntry> entries, String name) throws TensorFileException {
        ZipEntry found = null;
        for (ZipEntry e : entries) {
            String n = e.getName();
            if (n.endsWith("/constants.pkl") || n.contains("/code/")) {
                throw new TensorFileException(name, null, "a TorchScript archive (torch.jit.save), not a state dict; "
                        + "save model.state_dict() with torch.save");
            }
            if (n.endsWith("data.pkl") && (n.equals("data.pkl") || n.indexOf('/') == n.length() - "data.pkl".length() - 1)) {
                if (found != null) {
                    throw new TensorFileException(name, null, "holds two pickles, " + found.getName() + " and " + n);
                }
                found = e;
            }
        }
        if (found == null) {
            throw new TensorFileException(name, null, "a zip without <archive>/data.pkl: not a PyTorch checkpoint");
        }
        return found;
    }

    /** PyTorch 2.1 and later record the byte order; older files are little-endian. */
    private static ByteOrder byteOrder(BoundedZip zip, ZipEntry entry, String name) throws IOException {
        if (entry == null) {
            return ByteOrder.LITTLE_ENDIAN;
        }
        String text = new String(zip.readAll(entry, 16), StandardCharsets.US_ASCII).strip();
        return switch (text) {
            case "little" -> ByteOrder.LITTLE_ENDIAN;
            case "big" -> ByteOrder.BIG_ENDIAN;
            default -> throw new TensorFileException(name, null, "unknown byte order \"" + TorchUnpickler.printable(text)
                    + "\"");
        };
    }

    private static StoredTensor tensor(BoundedZip zip, Map<String, ZipEntry> byName, String prefix, String key,
            TensorRef t, ByteOrder order, Map<String, byte[]> storages, String name, long maxElements,
            ReadBudget budget) throws IOException {
        StorageRef s = t.storage();
        String dtype = s.type().dtype();
        if (!READ.contains(dtype)) {
            throw new TensorFileException(name, key, "is a " + dtype + " tensor (torch." + s.type().name()
                    + "); only float64, float32, float16, bfloat16 (widened to float64) and int64 tensors are read");
        }
        long elements = geometry(t, name, key, Math.min(maxElements, Shape.MAX_ELEMENTS));
        ZipEntry entry = byName.get(prefix + "data/" + s.key());
        if (entry == null) {
            throw new TensorFileException(name, key, "its storage '" + TorchUnpickler.printable(s.key())
                    + "' is not in the archive");
        }
        long storageBytes = multiply(s.elements(), s.type().bytes(), name, key);
        if (entry.getSize() != storageBytes) {
            throw new TensorFileException(name, key, "its storage '" + TorchUnpickler.printable(s.key()) + "' should hold "
                    + s.elements() + " elements of " + s.type().bytes() + " bytes (" + storageBytes + " bytes), but has "
                    + entry.getSize());
        }
        if (storageBytes > Integer.MAX_VALUE - 8) {
            throw new TensorFileException(name, key, "its storage has " + storageBytes + " bytes, over 2 GiB");
        }
        budget.take(name, key, 8 * elements);
        byte[] raw = storages.get(s.key());
        if (raw == null) {
            raw = zip.readAll(entry, storageBytes);
            storages.put(s.key(), raw);
        }
        double[] values = gather(ByteBuffer.wrap(raw).order(order), t, (int) elements, s.type().bytes(), dtype,
                name, key);
        int[] dims = Arrays.stream(t.size()).mapToInt(d -> (int) d).toArray();
        return StoredTensor.wrap(key, values, Shape.of(dims), dtype.equals("int64") ? DType.INT64 : DType.FLOAT64,
                dtype);
    }

    /**
     * The tensor's element count, after checking that every element it views lies inside its
     * storage (offset plus the last index times the strides, with overflow checks).
     */
    private static long geometry(TensorRef t, String name, String key, long limit) throws TensorFileException {
        long[] size = t.size();
        long[] stride = t.stride();
        String shape = Arrays.toString(size);
        if (size.length > MAX_RANK || stride.length != size.length) {
            throw new TensorFileException(name, key, "size " + shape + " and stride " + Arrays.toString(stride)
                    + " do not describe a tensor of at most " + MAX_RANK + " dimensions");
        }
        if (t.offset() < 0 || Arrays.stream(size).anyMatch(d -> d < 0) || Arrays.stream(stride).anyMatch(d -> d < 0)) {
            throw new TensorFileException(name, key, "a negative size, stride or offset: size " + shape + ", stride "
                    + Arrays.toString(stride) + ", offset " + t.offset());
        }
        long elements = 1;
        long last = t.offset();
        try {
            for (int i = 0; i < size.length; i++) {
                elements = Math.multiplyExact(elements, size[i]);
            }
            if (elements > 0) {
                for (int i = 0; i < size.length; i++) {
                    last = Math.addExact(last, Math.multiplyExact(size[i] - 1, stride[i]));
                }
            }
        } catch (ArithmeticException e) {
            throw new TensorFileException(name, key, "size " + shape + " with stride " + Arrays.toString(stride)
                    + " overflows 64-bit arithmetic");
        }
        if (elements > limit || Arrays.stream(size).anyMatch(d -> d > Integer.MAX_VALUE)) {
            throw new TensorFileException(name, key, "shape " + shape + " has more elements than the limit of " + limit);
        }
        if (elements > 0 && last >= t.storage().elements()) {
            throw new TensorFileException(name, key, "size " + shape + ", stride " + Arrays.toString(stride)
                    + " and offset " + t.offset() + " reach element " + last + " of a storage of "
                    + t.storage().elements());
        }
        return elements;
    }

    private static long multiply(long a, long b, String name, String key) throws TensorFileException {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            throw new TensorFileException(name, key, "its storage's size overflows 64-bit arithmetic");
        }
    }

    /** The viewed elements in row-major order. */
    private static double[] gather(ByteBuffer buf, TensorRef t, int n, int width, String dtype, String name, String key)
            throws TensorFileException {
        long[] size = t.size();
        long[] stride = t.stride();
        int rank = size.length;
        long[] index = new long[rank];
        double[] out = new double[n];
        long at = t.offset();
        for (int k = 0; k < n; k++) {
            int byteAt = (int) (at * width);
            switch (dtype) {
                case "float64" -> out[k] = buf.getDouble(byteAt);
                case "float32" -> out[k] = buf.getFloat(byteAt);
                case "float16" -> out[k] = HalfFloats.float16(buf.getShort(byteAt) & 0xffff);
                case "bfloat16" -> out[k] = HalfFloats.bfloat16(buf.getShort(byteAt) & 0xffff);
                default -> {
                    long v = buf.getLong(byteAt);
                    if (Math.abs(v) > (1L << 53)) {
                        throw new TensorFileException(name, key, "int64 value " + v + " at flat index " + k
                                + " is beyond 2^53 and cannot be held exactly");
                    }
                    out[k] = v;
                }
            }
            for (int d = rank - 1; d >= 0; d--) {
                if (++index[d] < size[d]) {
                    at += stride[d];
                    break;
                }
                at -= (size[d] - 1) * stride[d];
                index[d] = 0;
            }
        }
        return out;
    }

    private static String kind(Object o) {
        if (o == null) {
            return "None";
        }
        if (o instanceof Map) {
            return "a dict";
        }
        if (o instanceof List) {
            return "a list";
        }
        if (o instanceof Object[]) {
            return "a tuple";
        }
        if (o instanceof String) {
            return "a string";
        }
        if (o instanceof Number) {
            return "a number";
        }
        if (o instanceof Boolean) {
            return "a boolean";
        }
        if (o instanceof TorchUnpickler.StorageRef) {
            return "a bare storage";
        }
        return "an object";
    }
}

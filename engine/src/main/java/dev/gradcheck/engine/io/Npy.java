package dev.gradcheck.engine.io;

import dev.gradcheck.engine.DType;
import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.internal.TensorAccess;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.StringJoiner;

/**
 * Reads and writes NumPy {@code .npy} files (format versions 1.0, 2.0 and 3.0).
 *
 * <p>Written: float64 tensors as {@code '<f8'}, int64 tensors as {@code '<i8'}, C order, format
 * 1.0, header padded to 64 bytes as NumPy does. Read: {@code '<f8'}, {@code '<i8'} and their
 * big-endian forms, {@code '<f4'}/{@code '>f4'} and float16 {@code '<f2'}/{@code '>f2'} (widened
 * exactly to float64) and {@code '<i4'}/{@code '>i4'} (widened to int64); C order only; any rank, 0-d included. Anything else, and every malformed
 * file, gives a {@link TensorFileException} naming the file and the problem.
 *
 * <p>Limits checked before anything is allocated: the header is at most {@link #MAX_HEADER_BYTES}
 * bytes and an array at most {@link #MAX_ELEMENTS} elements (or the limit given to
 * {@link #read(Path, long)}), and the data the header promises must be present.
 */
public final class Npy {
    /** The largest header accepted (NumPy's own reader stops at 10,000 by default). */
    public static final int MAX_HEADER_BYTES = 65_536;

    /** The largest array accepted: 2^28 elements, 2 GiB of float64. */
    public static final long MAX_ELEMENTS = 1L << 28;

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final int ALIGN = 64;
    /** The most dimensions a shape may have (as in model files). */
    private static final int MAX_RANK = 32;
    /** Bytes decoded at a time. */
    private static final int CHUNK = 1 << 16;
    /** int64 values beyond 2^53 cannot be held exactly in the engine's double storage. */
    private static final long MAX_EXACT_LONG = 1L << 53;

    private Npy() {
    }

    // ---------------------------------------------------------------- reading

    /** Reads the tensor in {@code file}, refusing arrays over {@link #MAX_ELEMENTS} elements. */
    public static Tensor read(Path file) throws IOException {
        return read(file, MAX_ELEMENTS);
    }

    /**
     * Reads the tensor in {@code file}, refusing (before allocating anything) an array of more
     * than {@code maxElements} elements.
     */
    public static Tensor read(Path file, long maxElements) throws IOException {
        return read(file, maxElements, ReadBudget.standard()).tensor();
    }

    /**
     * Reads the tensor in {@code file}, a regular file, refusing (before allocating anything) an
     * array of more than {@code maxElements} elements or of more bytes (8 per element) than
     * {@code budget} holds. The key of the result is the file's name without {@code .npy}.
     */
    public static StoredTensor read(Path file, long maxElements, ReadBudget budget) throws IOException {
        long size = FileKinds.requireRegular(file);
        try (InputStream in = Files.newInputStream(file)) {
            StoredTensor t = read(in, size, file.toString(), null, maxElements, budget);
            return new StoredTensor(stem(file), t.tensor(), t.stored());
        } catch (NoSuchFileException e) {
            throw new TensorFileException(file.toString(), null, "no such file", e);
        } catch (TensorFileException e) {
            throw e;
        } catch (IOException e) {
            throw new TensorFileException(file.toString(), null, "cannot read: " + e, e);
        }
    }

    /** The file's name without its {@code .npy} extension (any case): the array's name. */
    private static String stem(Path file) {
        String name = file.getFileName() == null ? file.toString() : file.getFileName().toString();
        return name.toLowerCase(java.util.Locale.ROOT).endsWith(".npy") ? name.substring(0, name.length() - 4) : name;
    }

    /** Reads one tensor from the bytes of an {@code .npy} file. */
    public static Tensor fromBytes(byte[] bytes, String source) throws TensorFileException {
        try {
            return read(new ByteArrayInputStream(bytes), bytes.length, source, null, MAX_ELEMENTS, ReadBudget.standard())
                    .tensor();
        } catch (TensorFileException e) {
            throw e;
        } catch (IOException e) {
            throw new TensorFileException(source, null, "cannot read: " + e.getMessage(), e);
        }
    }

    /**
     * Reads one {@code .npy} image from {@code in}.
     *
     * @param length the number of bytes the image has, or -1 when unknown
     * @param file the file name for messages
     * @param key the {@code .npz} key for messages, or null
     * @param maxElements the largest array accepted
     */
    static StoredTensor read(InputStream in, long length, String file, String key, long maxElements, ReadBudget budget)
            throws IOException {
        byte[] prefix = in.readNBytes(8);
        if (prefix.length < MAGIC.length || !Arrays.equals(Arrays.copyOf(prefix, MAGIC.length), MAGIC)) {
            throw new TensorFileException(file, key, "not an .npy file: it does not start with the magic \\x93NUMPY"
                    + (prefix.length == 0 ? " (the file is empty)" : ""));
        }
        if (prefix.length < 8) {
            throw new TensorFileException(file, key, "truncated: the file ends inside the format version");
        }
        int major = prefix[6] & 0xff;
        int minor = prefix[7] & 0xff;
        if (minor != 0 || major < 1 || major > 3) {
            throw new TensorFileException(file, key, "unsupported .npy format version " + major + "." + minor
                    + " (1.0, 2.0 and 3.0 are supported)");
        }
        int lengthBytes = major == 1 ? 2 : 4;
        byte[] lenField = in.readNBytes(lengthBytes);
        if (lenField.length < lengthBytes) {
            throw new TensorFileException(file, key, "truncated: the file ends inside the header length");
        }
        long headerLength = ByteBuffer.wrap(Arrays.copyOf(lenField, 4)).order(ByteOrder.LITTLE_ENDIAN).getInt()
                & 0xffffffffL;
        if (headerLength > MAX_HEADER_BYTES) {
            throw new TensorFileException(file, key, "header length " + headerLength + " exceeds the limit of "
                    + MAX_HEADER_BYTES + " bytes");
        }
        long prelude = 8L + lengthBytes + headerLength;
        if (length >= 0 && prelude > length) {
            throw new TensorFileException(file, key, "truncated header: it should have " + headerLength
                    + " bytes but the file has " + (length - 8 - lengthBytes) + " after the header length");
        }
        byte[] headerBytes = in.readNBytes((int) headerLength);
        if (headerBytes.length < headerLength) {
            throw new TensorFileException(file, key, "truncated header: it should have " + headerLength
                    + " bytes, found " + headerBytes.length);
        }
        // Versions 1.0 and 2.0 are latin-1 (ASCII in practice); 3.0 is UTF-8.
        String text = new String(headerBytes, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        NpyHeader header;
        try {
            header = NpyHeader.parse(text);
        } catch (IllegalArgumentException e) {
            throw new TensorFileException(file, key, e.getMessage());
        }
        Codec codec = Codec.of(header.descr());
        if (codec == null) {
            throw new TensorFileException(file, key, "unsupported dtype '" + header.descr()
                    + "' (supported: '<f8', '>f8', '<i8', '>i8', '<f4', '>f4', '<f2', '>f2', '<i4', '>i4')");
        }
        if (header.fortranOrder()) {
            throw new TensorFileException(file, key, "fortran_order is True (column-major); only C order is "
                    + "supported: save np.ascontiguousarray(a) instead");
        }
        int[] dims = checkedShape(header.shape(), file, key, Math.min(maxElements, Shape.MAX_ELEMENTS));
        long count = 1;
        for (int d : dims) {
            count *= d;
        }
        long dataBytes = count * codec.size;
        String shapeText = Arrays.toString(dims);
        if (length >= 0) {
            long available = length - prelude;
            if (available < dataBytes) {
                throw new TensorFileException(file, key, "data truncated: shape " + shapeText + " of '"
                        + header.descr() + "' needs " + dataBytes + " bytes, found " + available);
            }
            if (available > dataBytes) {
                throw new TensorFileException(file, key, "shape " + shapeText + " of '" + header.descr() + "' needs "
                        + dataBytes + " bytes of data, but " + available + " follow the header");
            }
        }
        budget.take(file, key, count * 8);
        double[] values = new double[(int) count];
        long found = codec.decode(in, values, file, key);
        if (found < dataBytes) {
            throw new TensorFileException(file, key, "data truncated: shape " + shapeText + " of '"
                    + header.descr() + "' needs " + dataBytes + " bytes, found " + found);
        }
        if (length < 0 && in.read() >= 0) {
            throw new TensorFileException(file, key, "shape " + shapeText + " of '" + header.descr()
                    + "' needs " + dataBytes + " bytes of data, but more follow the header");
        }
        return new StoredTensor(key, TensorAccess.wrap(values, Shape.of(dims), codec.dtype), codec.label());
    }

    private static int[] checkedShape(long[] shape, String file, String key, long limit) throws TensorFileException {
        if (shape.length > MAX_RANK) {
            throw new TensorFileException(file, key, "shape has " + shape.length + " dimensions; at most " + MAX_RANK
                    + " are allowed");
        }
        int[] dims = new int[shape.length];
        long count = 1;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] < 0) {
                throw new TensorFileException(file, key, "negative dimension " + shape[i] + " in shape "
                        + Arrays.toString(shape));
            }
            if (shape[i] > limit || (count *= shape[i]) > limit) {
                throw new TensorFileException(file, key, "shape " + Arrays.toString(shape)
                        + " has more elements than the limit of " + limit);
            }
            dims[i] = (int) shape[i];
        }
        return dims;
    }

    // ---------------------------------------------------------------- writing

    /** Writes {@code tensor} to {@code file} (float64 as {@code '<f8'}, int64 as {@code '<i8'}). */
    public static void write(Path file, Tensor tensor) throws IOException {
        Files.write(file, toBytes(tensor));
    }

    /** Writes {@code tensor} as an {@code .npy} image to {@code out}. */
    public static void write(OutputStream out, Tensor tensor) throws IOException {
        out.write(toBytes(tensor));
    }

    /** The {@code .npy} image of {@code tensor}: format 1.0, C order, little-endian. */
    public static byte[] toBytes(Tensor tensor) {
        boolean ints = tensor.dtype() == DType.INT64;
        String header = "{'descr': '" + (ints ? "<i8" : "<f8") + "', 'fortran_order': False, 'shape': "
                + pythonTuple(tensor.shape().dims()) + ", }";
        // Pad with spaces so that magic + version + length + header (ending in '\n') fills 64-byte blocks.
        int unpadded = MAGIC.length + 2 + 2 + header.length() + 1;
        int padding = (ALIGN - unpadded % ALIGN) % ALIGN;
        String padded = header + " ".repeat(padding) + "\n";
        double[] values = TensorAccess.data(tensor);
        ByteBuffer buf = ByteBuffer.allocate(MAGIC.length + 4 + padded.length() + 8 * values.length)
                .order(ByteOrder.LITTLE_ENDIAN);
        buf.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) padded.length());
        buf.put(padded.getBytes(StandardCharsets.ISO_8859_1));
        for (double v : values) {
            if (ints) {
                buf.putLong((long) v);
            } else {
                buf.putDouble(v);
            }
        }
        return buf.array();
    }

    private static String pythonTuple(int[] dims) {
        if (dims.length == 1) {
            return "(" + dims[0] + ",)";
        }
        StringJoiner j = new StringJoiner(", ", "(", ")");
        for (int d : dims) {
            j.add(Integer.toString(d));
        }
        return j.toString();
    }

    // ---------------------------------------------------------------- dtypes

    /** A supported on-disk element type: kind ('f' or 'i'), width in bytes and byte order. */
    private record Codec(char kind, int size, ByteOrder order, DType dtype) {

        static Codec of(String descr) {
            if (descr.length() != 3 || (descr.charAt(0) != '<' && descr.charAt(0) != '>')) {
                return null;
            }
            ByteOrder order = descr.charAt(0) == '<' ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
            char kind = descr.charAt(1);
            char width = descr.charAt(2);
            if ((kind != 'f' && kind != 'i') || (width != '8' && width != '4' && !(kind == 'f' && width == '2'))) {
                return null;
            }
            return new Codec(kind, width - '0', order, kind == 'f' ? DType.FLOAT64 : DType.INT64);
        }

        /** {@code float64}, {@code float32}, {@code float16}, {@code int64} or {@code int32}. */
        String label() {
            return (kind == 'f' ? "float" : "int") + (size * 8);
        }

        /**
         * Decodes {@code out.length} values from {@code in}, a chunk at a time (no second copy of
         * the data), and returns the bytes found: fewer than needed when the stream ends early.
         */
        long decode(InputStream in, double[] out, String file, String key) throws IOException {
            byte[] chunk = new byte[Math.max(size, Math.min(CHUNK, out.length * size))];
            ByteBuffer buf = ByteBuffer.wrap(chunk).order(order);
            long found = 0;
            int i = 0;
            while (i < out.length) {
                int want = Math.min(chunk.length, (out.length - i) * size);
                int got = in.readNBytes(chunk, 0, want);
                found += got;
                if (got < want) {
                    return found;
                }
                buf.clear();
                for (int end = i + want / size; i < end; i++) {
                    if (kind == 'f') {
                        out[i] = size == 8 ? buf.getDouble() : size == 4 ? buf.getFloat()
                                : HalfFloats.float16(buf.getShort() & 0xffff);
                    } else {
                        long v = size == 8 ? buf.getLong() : buf.getInt();
                        if (Math.abs(v) > MAX_EXACT_LONG) {
                            throw new TensorFileException(file, key, "int64 value " + v + " at flat index " + i
                                    + " is beyond 2^53 and cannot be held exactly");
                        }
                        out[i] = v;
                    }
                }
            }
            return found;
        }
    }
}

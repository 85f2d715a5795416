package dev.gradcheck.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gradcheck.engine.DType;
import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.io.FileKinds;
import dev.gradcheck.engine.io.HalfFloats;
import dev.gradcheck.engine.io.ReadBudget;
import dev.gradcheck.engine.io.StoredTensor;
import dev.gradcheck.engine.io.TensorFileException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes {@code .safetensors} files: an 8-byte little-endian header length, a JSON
 * header naming each tensor's dtype, shape and byte range, then the raw little-endian data.
 *
 * <p>Read: {@code F64} and {@code I64} as they are, {@code F32}, {@code F16} and {@code BF16}
 * widened exactly to float64 (the result says which were). Any other dtype is an error naming the tensor. The header length is checked
 * against the file size and a ceiling before anything is allocated, the header against the data
 * section (see {@link SafetensorsHeader}), and the whole file's tensors against the
 * {@link ReadBudget} before any is read. Written: float64 as {@code F64}, int64 as {@code I64},
 * in the map's order, the header padded with spaces to a multiple of 8 bytes.
 */
public final class Safetensors {
    /** The largest header read, as the format's reference implementation allows. */
    public static final long MAX_HEADER_BYTES = 100_000_000L;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CHUNK = 1 << 16;
    private static final long MAX_EXACT_LONG = 1L << 53;
    /** The dtypes read, and the element type each is reported as stored in. */
    private static final Map<String, String> STORED = Map.of("F64", "float64", "F32", "float32", "F16", "float16",
            "BF16", "bfloat16", "I64", "int64");

    private Safetensors() {
    }

    /**
     * Every tensor in {@code file}, in the order of their data, refusing before anything is
     * allocated a file whose tensors (8 bytes per element) exceed {@code budget}, and any tensor
     * of more than {@code maxElements} elements.
     *
     * @throws TensorFileException naming the file, the tensor and the problem
     */
    public static List<StoredTensor> read(Path file, long maxElements, ReadBudget budget) throws TensorFileException {
        String name = file.toString();
        long size = FileKinds.requireRegular(file);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            if (size < 8) {
                throw new TensorFileException(name, null, "not a .safetensors file: it has " + size
                        + " bytes, fewer than the 8 of the header length");
            }
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, len, 0, name);
            long headerBytes = len.getLong(0);
            if (headerBytes < 2 || headerBytes > size - 8) {
                throw new TensorFileException(name, null, "not a .safetensors file: the header length "
                        + Long.toUnsignedString(headerBytes) + " does not fit the file of " + size + " bytes");
            }
            if (headerBytes > MAX_HEADER_BYTES) {
                throw new TensorFileException(name, null, "the header has " + headerBytes
                        + " bytes, over the limit of " + MAX_HEADER_BYTES);
            }
            long dataStart = 8 + headerBytes;
            InputStream header = new BufferedInputStream(
                    Channels.newInputStream(ch.position(8)), CHUNK) {
                private long left = headerBytes;

                @Override
                public synchronized int read() throws IOException {
                    return left-- > 0 ? super.read() : -1;
                }

                @Override
                public synchronized int read(byte[] b, int off, int n) throws IOException {
                    if (left <= 0) {
                        return -1;
                    }
                    int k = super.read(b, off, (int) Math.min(n, left));
                    left -= Math.max(k, 0);
                    return k;
                }
            };
            List<SafetensorsHeader.Entry> entries = SafetensorsHeader.parse(header, name, size - dataStart);
            checkBudget(entries, name, maxElements, budget);
            List<StoredTensor> out = new ArrayList<>(entries.size());
            for (SafetensorsHeader.Entry e : entries) {
                out.add(tensor(ch, e, dataStart, name, budget));
            }
            return out;
        } catch (TensorFileException e) {
            throw e;
        } catch (IOException e) {
            throw new TensorFileException(name, null, "cannot read: " + e.getMessage(), e);
        }
    }

    /** Supported dtypes only; the total (8 bytes per element) within the budget, before any tensor is read. */
    private static void checkBudget(List<SafetensorsHeader.Entry> entries, String name, long maxElements,
            ReadBudget budget) throws TensorFileException {
        long total = 0;
        for (SafetensorsHeader.Entry e : entries) {
            if (!STORED.containsKey(e.dtype())) {
                throw new TensorFileException(name, e.key(), "tensor of dtype " + e.dtype()
                        + "; only F64, F32, F16, BF16 (widened to float64) and I64 are read");
            }
            long n = e.elements();
            long limit = Math.min(maxElements, Shape.MAX_ELEMENTS);
            if (n > limit || e.shape().length > 0 && Arrays.stream(e.shape()).anyMatch(d -> d > Integer.MAX_VALUE)) {
                throw new TensorFileException(name, e.key(), "shape " + Arrays.toString(e.shape())
                        + " has more elements than the limit of " + limit);
            }
            total = total > Long.MAX_VALUE - n * 8 ? -1 : total + n * 8;
            if (total < 0) {
                break;
            }
        }
        budget.checkDeclared(name, total, "its header");
    }

    private static StoredTensor tensor(FileChannel ch, SafetensorsHeader.Entry e, long dataStart, String name,
            ReadBudget budget) throws IOException {
        int n = (int) e.elements();
        budget.take(name, e.key(), 8L * n);
        int width = SafetensorsHeader.DTYPE_BYTES.get(e.dtype());
        double[] values = new double[n];
        ByteBuffer chunk = ByteBuffer.allocate(Math.max(width, Math.min(CHUNK, n * width))).order(ByteOrder.LITTLE_ENDIAN);
        long pos = dataStart + e.begin();
        for (int i = 0; i < n;) {
            int count = Math.min(chunk.capacity() / width, n - i);
            chunk.clear().limit(count * width);
            readFully(ch, chunk, pos, name);
            pos += (long) count * width;
            for (int end = i + count; i < end; i++) {
                switch (e.dtype()) {
                    case "F64" -> values[i] = chunk.getDouble();
                    case "F32" -> values[i] = chunk.getFloat();
                    case "F16" -> values[i] = HalfFloats.float16(chunk.getShort() & 0xffff);
                    case "BF16" -> values[i] = HalfFloats.bfloat16(chunk.getShort() & 0xffff);
                    default -> {
                        long v = chunk.getLong();
                        if (Math.abs(v) > MAX_EXACT_LONG) {
                            throw new TensorFileException(name, e.key(), "int64 value " + v + " at flat index " + i
                                    + " is beyond 2^53 and cannot be held exactly");
                        }
                        values[i] = v;
                    }
                }
            }
        }
        int[] dims = Arrays.stream(e.shape()).mapToInt(d -> (int) d).toArray();
        DType dtype = e.dtype().equals("I64") ? DType.INT64 : DType.FLOAT64;
        return StoredTensor.wrap(e.key(), values, Shape.of(dims), dtype, STORED.get(e.dtype()));
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long position, String name) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            int k = ch.read(buf, pos);
            if (k < 0) {
                throw new TensorFileException(name, null, "the file ends early, at byte " + pos);
            }
            pos += k;
        }
        buf.flip();
    }

    /**
     * Writes {@code tensors} to {@code file}: float64 as {@code F64}, int64 as {@code I64}, in the
     * map's order.
     */
    public static void write(Path file, Map<String, Tensor> tensors) throws IOException {
        ObjectNode header = JSON.createObjectNode();
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            if (e.getKey() == null || e.getKey().isEmpty() || e.getKey().equals("__metadata__")) {
                throw new TensorFileException(file.toString(), e.getKey(), "not a tensor name for a .safetensors file");
            }
            Tensor t = e.getValue();
            ObjectNode entry = header.putObject(e.getKey());
            entry.put("dtype", t.dtype() == DType.INT64 ? "I64" : "F64");
            for (int d : t.shape().dims()) {
                entry.withArray("shape").add(d);
            }
            if (t.shape().rank() == 0) {
                entry.putArray("shape");
            }
            long bytes = 8L * t.size();
            entry.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] json = JSON.writeValueAsBytes(header);
        int padded = (json.length + 7) / 8 * 8;
        try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(file), CHUNK)) {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
            out.write(len.array());
            out.write(json);
            out.write(" ".repeat(padded - json.length).getBytes(StandardCharsets.US_ASCII));
            ByteBuffer buf = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
            for (Tensor t : tensors.values()) {
                boolean ints = t.dtype() == DType.INT64;
                for (double v : t.data()) {
                    if (!buf.hasRemaining()) {
                        out.write(buf.array(), 0, buf.position());
                        buf.clear();
                    }
                    if (ints) {
                        buf.putLong((long) v);
                    } else {
                        buf.putDouble(v);
                    }
                }
            }
            out.write(buf.array(), 0, buf.position());
        }
    }
}

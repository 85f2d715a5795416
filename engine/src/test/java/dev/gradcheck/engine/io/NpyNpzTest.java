package dev.gradcheck.engine.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcheck.engine.DType;
import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The files under test resources {@code dev/gradcheck/engine/io} were written by NumPy 1.24 with
 * this script (kept here, not in the repository as a file):
 *
 * <pre>
 * import numpy as np
 * from numpy.lib import format as fmt
 * def f(n): return np.arange(n) * 0.37 - 1.1
 * a = f(6).reshape(2, 3)
 * np.save('f8_2x3.npy', a)
 * np.save('i8_vec.npy', np.array([3, -1, 7, 0, 9007199254740992], dtype=np.int64))
 * np.save('scalar.npy', np.array(2.5))
 * np.save('f4.npy', np.array([1.5, -2.25, 0.1], dtype=np.float32))
 * np.save('i4.npy', np.array([[1, -2], [3, 2147483647]], dtype=np.int32))
 * np.save('be_f8.npy', a.astype('>f8'))
 * np.save('be_i8.npy', np.array([5, -6], dtype='>i8'))
 * for v in [(2, 0), (3, 0)]:
 *     with open('v%d.npy' % v[0], 'wb') as fh:
 *         fmt.write_array(fh, a, version=v)
 * np.save('fortran.npy', np.asfortranarray(a))
 * np.save('empty_0x3.npy', np.zeros((0, 3)))
 * np.save('bool.npy', np.array([True, False]))
 * np.save('f8_2x3x4.npy', f(24).reshape(2, 3, 4))
 * np.savez('savez.npz', W1=f(12).reshape(4, 3), b1=f(3), y=np.array([0, 2, 1], dtype=np.int64), s=np.array(-0.5))
 * np.savez_compressed('savez_compressed.npz', (same arrays))
 * </pre>
 */
class NpyNpzTest {

    @TempDir
    Path tmp;

    /** NumPy's {@code np.arange(n) * 0.37 - 1.1}, computed the same IEEE way. */
    private static double[] f(int n) {
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = i * 0.37 - 1.1;
        }
        return d;
    }

    private static Path resource(String name) {
        try {
            return Path.of(NpyNpzTest.class.getResource(name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new AssertionError("missing test resource " + name, e);
        }
    }

    private static void assertTensor(Tensor expected, Tensor actual) {
        assertEquals(expected.shape(), actual.shape(), "shape");
        assertEquals(expected.dtype(), actual.dtype(), "dtype");
        assertArrayEquals(expected.data(), actual.data(), 0.0, "values");
    }

    // ---------------------------------------------------------------- files written by NumPy

    @Test
    void readsFloat64AndInt64FilesWrittenByNumpy() throws IOException {
        assertTensor(Tensor.of(f(6), 2, 3), Npy.read(resource("f8_2x3.npy")));
        assertTensor(Tensor.of(f(24), 2, 3, 4), Npy.read(resource("f8_2x3x4.npy")));
        assertTensor(Tensor.ofLongs(new long[] {3, -1, 7, 0, 1L << 53}, 5), Npy.read(resource("i8_vec.npy")));
    }

    @Test
    void readsZeroDimensionalAndEmptyArrays() throws IOException {
        Tensor s = Npy.read(resource("scalar.npy"));
        assertEquals(Shape.SCALAR, s.shape());
        assertEquals(2.5, s.item(), 0.0);
        Tensor e = Npy.read(resource("empty_0x3.npy"));
        assertEquals(Shape.of(0, 3), e.shape());
        assertEquals(0, e.size());
    }

    @Test
    void readsFormatVersionsTwoAndThree() throws IOException {
        assertTensor(Tensor.of(f(6), 2, 3), Npy.read(resource("v2.npy")));
        assertTensor(Tensor.of(f(6), 2, 3), Npy.read(resource("v3.npy")));
    }

    @Test
    void convertsBigEndianAndFourByteTypes() throws IOException {
        assertTensor(Tensor.of(f(6), 2, 3), Npy.read(resource("be_f8.npy")));
        assertTensor(Tensor.ofLongs(new long[] {5, -6}, 2), Npy.read(resource("be_i8.npy")));
        // float32 values widen exactly: 0.1f is not 0.1.
        assertTensor(Tensor.of(new double[] {1.5, -2.25, (double) 0.1f}, 3), Npy.read(resource("f4.npy")));
        assertTensor(Tensor.ofLongs(new long[] {1, -2, 3, Integer.MAX_VALUE}, 2, 2), Npy.read(resource("i4.npy")));
    }

    @Test
    void writesByteForByteWhatNumpyWrites() throws IOException {
        for (String name : List.of("f8_2x3.npy", "f8_2x3x4.npy", "i8_vec.npy", "scalar.npy", "empty_0x3.npy")) {
            byte[] numpy = Files.readAllBytes(resource(name));
            byte[] ours = Npy.toBytes(Npy.read(resource(name)));
            assertArrayEquals(numpy, ours, name + ": expected\n" + new String(numpy, StandardCharsets.ISO_8859_1)
                    + "\nactual\n" + new String(ours, StandardCharsets.ISO_8859_1));
        }
    }

    @Test
    void readsNpzArchivesStoredAndDeflatedInArchiveOrder() throws IOException {
        for (String name : List.of("savez.npz", "savez_compressed.npz")) {
            Map<String, Tensor> m = Npz.read(resource(name));
            assertEquals(List.of("W1", "b1", "y", "s"), List.copyOf(m.keySet()), name);
            assertTensor(Tensor.of(f(12), 4, 3), m.get("W1"));
            assertTensor(Tensor.of(f(3), 3), m.get("b1"));
            assertTensor(Tensor.ofLongs(new long[] {0, 2, 1}, 3), m.get("y"));
            assertTensor(Tensor.scalar(-0.5), m.get("s"));
            assertTensor(Tensor.of(f(3), 3), Npz.read(resource(name), "b1"));
            assertEquals(List.of("W1", "b1", "y", "s"), Npz.keys(resource(name)));
        }
    }

    @Test
    void aDamagedByteInAnNpzEntryIsRefusedNotReadAsData() throws IOException {
        Path file = tmp.resolve("v.npz");
        Npz.write(file, Map.of("W", Tensor.of(new double[] {1, 2, 3, 4}, 2, 2)));
        byte[] bytes = java.nio.file.Files.readAllBytes(file);
        // 2.0 little-endian is 00 .. 00 40: make it 00 .. 00 41 (2.125), a value as plausible as the rest
        byte[] two = {0, 0, 0, 0, 0, 0, 0, 0x40};
        int at = -1;
        for (int i = 0; i + two.length <= bytes.length && at < 0; i++) {
            at = java.util.Arrays.equals(bytes, i, i + two.length, two, 0, two.length) ? i + 7 : -1;
        }
        assertTrue(at > 0, "the stored array's bytes are in the file");
        bytes[at] = 0x41;
        java.nio.file.Files.write(file, bytes);
        TensorFileException e = assertThrows(TensorFileException.class, () -> Npz.read(file));
        assertMentions(e, "v.npz", "W.npy", "damaged", "CRC-32");
    }

    // ---------------------------------------------------------------- round trips

    @Test
    void roundTripsRandomTensorsOfEveryRankThroughNpyAndNpz() throws IOException {
        SplittableRandom rng = new SplittableRandom(42);
        Map<String, Tensor> all = new LinkedHashMap<>();
        for (int rank = 0; rank <= 4; rank++) {
            int[] dims = new int[rank];
            for (int i = 0; i < rank; i++) {
                dims[i] = 1 + rng.nextInt(4);
            }
            Tensor t = Tensor.randn(rng, dims);
            Path p = tmp.resolve("r" + rank + ".npy");
            Npy.write(p, t);
            assertTensor(t, Npy.read(p));
            all.put("t" + rank, t);
        }
        all.put("special", Tensor.of(new double[] {Double.NaN, Double.POSITIVE_INFINITY, -0.0, Double.MIN_VALUE}, 4));
        all.put("idx", Tensor.ofLongs(new long[] {-(1L << 53), 0, 1L << 53}, 3));
        for (boolean compressed : new boolean[] {false, true}) {
            Path z = tmp.resolve("all" + compressed + ".npz");
            Npz.write(z, all, compressed);
            Map<String, Tensor> back = Npz.read(z);
            assertEquals(List.copyOf(all.keySet()), List.copyOf(back.keySet()));
            for (String k : all.keySet()) {
                assertTensor(all.get(k), back.get(k));
            }
        }
    }

    // ---------------------------------------------------------------- malformed files

    private TensorFileException readBroken(String fileName, byte[] bytes) throws IOException {
        Path p = tmp.resolve(fileName);
        Files.write(p, bytes);
        return assertThrows(TensorFileException.class, () -> Npy.read(p));
    }

    private static void assertMentions(TensorFileException e, String... parts) {
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "message should mention '" + part + "': " + e.getMessage());
        }
    }

    @Test
    void rejectsABadMagicNamingTheFile() throws IOException {
        TensorFileException e = readBroken("bad.npy", "PK\u0003\u0004 not numpy".getBytes(StandardCharsets.ISO_8859_1));
        assertMentions(e, "bad.npy", "magic");
        assertEquals(null, e.key());
        assertMentions(readBroken("empty.npy", new byte[0]), "empty.npy", "empty");
    }

    @Test
    void rejectsTruncatedHeadersAndData() throws IOException {
        byte[] good = Files.readAllBytes(resource("f8_2x3.npy"));
        assertMentions(readBroken("a.npy", Arrays.copyOf(good, 9)), "a.npy", "header length");
        assertMentions(readBroken("b.npy", Arrays.copyOf(good, 40)), "b.npy", "truncated header");
        TensorFileException e = readBroken("c.npy", Arrays.copyOf(good, good.length - 5));
        assertMentions(e, "c.npy", "data truncated", "[2, 3]", "48 bytes", "found 43");
    }

    @Test
    void rejectsExtraDataAfterTheArray() throws IOException {
        byte[] good = Files.readAllBytes(resource("f8_2x3.npy"));
        assertMentions(readBroken("long.npy", Arrays.copyOf(good, good.length + 8)), "long.npy", "48 bytes", "56");
    }

    @Test
    void rejectsUnsupportedDtypesAndFortranOrder() throws IOException {
        assertMentions(assertThrows(TensorFileException.class, () -> Npy.read(resource("bool.npy"))),
                "bool.npy", "unsupported dtype '|b1'");
        assertMentions(assertThrows(TensorFileException.class, () -> Npy.read(resource("fortran.npy"))),
                "fortran.npy", "fortran_order", "C order");
    }

    @Test
    void rejectsMalformedHeaders() throws IOException {
        assertMentions(readBroken("h1.npy", npy("{'descr': '<f8', 'shape': (2,), }", 16)), "h1.npy", "fortran_order");
        assertMentions(readBroken("h2.npy", npy("{'descr': '<f8', 'fortran_order': False, 'shape': [2], }", 16)),
                "h2.npy", "nested");
        assertMentions(readBroken("h3.npy", npy("{'descr': '<f8', 'fortran_order': False, 'shape': (-2,), }", 16)),
                "h3.npy", "negative dimension");
        assertMentions(readBroken("h4.npy", npy("not a dict", 0)), "h4.npy", "malformed header");
    }

    @Test
    void limitsHeaderSizeAndElementCountBeforeAllocating() throws IOException {
        // A version-2 header claiming 2^31 bytes: refused without reading or allocating it.
        ByteBuffer b = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0}).putInt(Integer.MAX_VALUE);
        assertMentions(readBroken("huge-header.npy", b.array()), "huge-header.npy", "exceeds the limit");
        // A shape of 10^12 elements with 16 bytes of data: refused by the element limit.
        assertMentions(readBroken("huge.npy", npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1000000, 1000000), }", 16)),
                "huge.npy", "limit");
        // A shape under the limit but far beyond the data present: refused by the size check.
        assertMentions(readBroken("big.npy", npy("{'descr': '<f8', 'fortran_order': False, 'shape': (10000000,), }", 16)),
                "big.npy", "data truncated", "80000000 bytes");
    }

    @Test
    void aCallerCanLowerTheElementLimit() throws IOException {
        assertMentions(assertThrows(TensorFileException.class, () -> Npy.read(resource("f8_2x3.npy"), 5)),
                "f8_2x3.npy", "[2, 3]", "limit of 5");
        assertEquals(6, Npy.read(resource("f8_2x3.npy"), 6).size());
        TensorFileException e = assertThrows(TensorFileException.class, () -> Npz.read(resource("savez.npz"), 5));
        assertMentions(e, "savez.npz", "key 'W1'", "[4, 3]", "limit of 5");
        assertEquals(4, Npz.read(resource("savez.npz"), 12).size());
    }

    @Test
    void rejectsUnsupportedFormatVersions() throws IOException {
        byte[] good = Files.readAllBytes(resource("f8_2x3.npy"));
        good[6] = 4;
        assertMentions(readBroken("v4.npy", good), "v4.npy", "version 4.0");
    }

    @Test
    void npzErrorsNameTheFileAndTheKey() throws IOException {
        Path z = tmp.resolve("vals.npz");
        byte[] good = Files.readAllBytes(resource("f8_2x3.npy"));
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(z))) {
            zip.putNextEntry(new ZipEntry("ok.npy"));
            zip.write(good);
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry("W1.npy"));
            zip.write(Arrays.copyOf(good, good.length - 8));
            zip.closeEntry();
        }
        TensorFileException e = assertThrows(TensorFileException.class, () -> Npz.read(z));
        assertMentions(e, "vals.npz", "key 'W1'", "data truncated");
        assertEquals("W1", e.key());
        TensorFileException missing = assertThrows(TensorFileException.class, () -> Npz.read(z, "W2"));
        assertMentions(missing, "vals.npz", "key 'W2'", "no such key", "[ok, W1]");
    }

    @Test
    void npzRejectsNonZipFilesAndNonNpyEntries() throws IOException {
        Path notZip = tmp.resolve("plain.npz");
        Files.write(notZip, Files.readAllBytes(resource("f8_2x3.npy")));
        assertMentions(assertThrows(TensorFileException.class, () -> Npz.read(notZip)), "plain.npz", "zip");
        Path truncated = tmp.resolve("cut.npz");
        byte[] full = Files.readAllBytes(resource("savez.npz"));
        Files.write(truncated, Arrays.copyOf(full, full.length / 2));
        assertMentions(assertThrows(TensorFileException.class, () -> Npz.read(truncated)), "cut.npz");
        Path odd = tmp.resolve("odd.npz");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(odd))) {
            zip.putNextEntry(new ZipEntry("notes.txt"));
            zip.write("hello".getBytes(StandardCharsets.US_ASCII));
            zip.closeEntry();
        }
        assertMentions(assertThrows(TensorFileException.class, () -> Npz.read(odd)), "odd.npz", "notes.txt", "not an .npy");
        assertMentions(assertThrows(TensorFileException.class, () -> Npy.read(tmp)), tmp.toString(), "is a directory");
        assertMentions(assertThrows(TensorFileException.class, () -> Npz.read(tmp)), tmp.toString());
        assertMentions(assertThrows(TensorFileException.class, () -> Npy.read(tmp.resolve("absent.npy"))),
                "absent.npy", "no such file");
        Path absent = tmp.resolve("absent.npz");
        assertMentions(assertThrows(TensorFileException.class, () -> Npz.read(absent)), "absent.npz", "no such file");
    }

    @Test
    void int64ValuesBeyondTwoToThe53AreRefused() throws IOException {
        ByteBuffer data = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong((1L << 53) + 1);
        byte[] head = npy("{'descr': '<i8', 'fortran_order': False, 'shape': (1,), }", 0);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(head);
        out.write(data.array());
        assertMentions(readBroken("wide.npy", out.toByteArray()), "wide.npy", "9007199254740993", "2^53");
        assertEquals(DType.INT64, Npy.read(resource("i8_vec.npy")).dtype());
    }

    /** A version-1.0 file with {@code header} and {@code dataBytes} zero bytes of data. */
    private static byte[] npy(String header, int dataBytes) {
        byte[] h = (header + "\n").getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer b = ByteBuffer.allocate(10 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) h.length).put(h);
        return b.array();
    }
}

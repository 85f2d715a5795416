package dev.gradcheck.cli.reliability;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcheck.cli.reliability.Forge.Entry;
import dev.gradcheck.cli.reliability.Forge.EndOverride;
import dev.gradcheck.cli.reliability.Forge.Pickle;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The red team's data files (issue 17): zip bombs, lying zip directories, hostile {@code .npy}
 * headers, safetensors headers that overlap, overflow or lie, pickles that name other globals or
 * claim absurd lengths, FIFOs, devices and directories — each through {@code --values},
 * {@code compare --grads} or {@code init.file}. Every outcome is a valid result (exit 0) or a
 * clean exit 3 naming the file, within 30 s, and this class runs in a JVM with a 512 MB heap
 * (the {@code hostile-files-512m} execution in {@code cli/pom.xml}), so a budget that stops
 * holding fails here as an OutOfMemoryError. Each case prints its time and heap in use after it.
 */
class HostileDataFilesTest {
    private static final Duration WITHIN = Duration.ofSeconds(30);
    private static final String VALID = MalformedInputTest.VALID;
    /** A float64 {@code .npy} of shape [3, 2], the model's W. */
    private static final byte[] W_NPY = Forge.npyZeros("(3, 2)", 6);

    @TempDir
    static Path shared;

    private static final List<String> MEASURED = new ArrayList<>();
    private static int counter;

    /** How a hostile file reaches the command line. */
    enum Via {
        VALUES, GRADS, INIT
    }

    /** A case: the file's name and bytes (or a maker of a special file), how it goes in, what must come out. */
    record Case(String name, Maker maker, Via via, Set<Integer> exits, List<String> words, List<String> extraArgs) {
    }

    interface Maker {
        Path make(Path dir, String name) throws Exception;
    }

    private static Maker bytes(byte[] b) {
        return (dir, name) -> Forge.write(dir, name, b);
    }

    private static Case refused(String name, byte[] bytes, Via via, String... words) {
        return new Case(name, bytes(bytes), via, Set.of(3), List.of(words), List.of());
    }

    private static Case refused(String name, Maker maker, Via via, String... words) {
        return new Case(name, maker, via, Set.of(3), List.of(words), List.of());
    }

    @TestFactory
    Stream<DynamicTest> everyHostileDataFileIsAValidResultOrAClean3() throws IOException {
        List<Case> cases = new ArrayList<>();
        zipCases(cases);
        npyCases(cases);
        safetensorsCases(cases);
        torchCases(cases);
        specialFileCases(cases);
        // -Dgradcheck.hostile.only=WORDS runs the cases whose name contains them (by hand)
        String only = System.getProperty("gradcheck.hostile.only", "");
        return cases.stream().filter(c -> (c.via() + " " + c.name()).contains(only))
                .map(c -> DynamicTest.dynamicTest(c.via() + " " + c.name(), () -> run(c)));
    }

    // ------------------------------------------------------------------ zip and npz

    private static void zipCases(List<Case> cases) {
        // 64 arrays of 16M zeros, each within the per-tensor limit: 8 GB declared, 8 MB on disk
        Maker bomb = (dir, name) -> {
            byte[] prefix = Arrays.copyOf(Forge.npyZeros("(16000000,)", 0), 128);
            long zeros = 128_000_000L;
            byte[] z = Forge.deflatedZeros(prefix, zeros);
            long crc = crcOf(prefix, zeros);
            List<Entry> entries = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                entries.add(new Entry("a" + i + ".npy", z, true, 128 + zeros, z.length, crc));
            }
            return Forge.write(dir, name, Forge.zip(entries, null));
        };
        for (Via via : Via.values()) {
            cases.add(refused("zip bomb of 8 GB in 64 arrays", bomb, via, "declares", "over the budget",
                    "nothing was read"));
        }
        // a directory that lies small: the array fits, then the entry inflates to 128 MB more
        Maker liar = (dir, name) -> {
            byte[] z = Forge.deflatedZeros(W_NPY, 128_000_000L);
            Entry e = new Entry("W.npy", z, true, W_NPY.length, z.length, 0);
            return Forge.write(dir, name, Forge.zip(List.of(e), null));
        };
        cases.add(refused("zip directory declaring less than the entry inflates to", liar, Via.VALUES,
                "inflates to more than", "declares"));
        cases.add(refused("zip directory declaring less (init.file)", liar, Via.INIT, "inflates to more than"));
        Entry big = Entry.deflated("W.npy", W_NPY).declaring(W_NPY.length + 1000);
        cases.add(refused("zip directory declaring more than the entry has", Forge.zip(List.of(big), null), Via.VALUES,
                "W"));
        cases.add(refused("zip entry declaring 4 GB", Forge.zip(List.of(Entry.stored("W.npy", W_NPY)
                .declaring(0xF0000000L)), null), Via.VALUES, "over the budget"));
        byte[] ok = Forge.zip(List.of(Entry.stored("W.npy", W_NPY)), null);
        // the JDK reads the directory itself and ignores the count: a valid result
        cases.add(new Case("end record declaring 65535 entries", bytes(Forge.zip(List.of(Entry.stored("W.npy", W_NPY)),
                new EndOverride(0xFFFF, -1, -1))), Via.VALUES, Set.of(0, 3), List.of(), List.of()));
        cases.add(refused("end record declaring a 4 GB directory", Forge.zip(List.of(Entry.stored("W.npy", W_NPY)),
                new EndOverride(-1, 0xFFFFFFF0L, -1)), Via.VALUES, "zip directory"));
        cases.add(refused("end record pointing past the file", Forge.zip(List.of(Entry.stored("W.npy", W_NPY)),
                new EndOverride(-1, -1, 1L << 31)), Via.VALUES, "outside the file"));
        cases.add(refused("zip without its end record", Arrays.copyOf(ok, ok.length - 22), Via.VALUES,
                "END header not found"));
        cases.add(refused("zip cut in the middle", Arrays.copyOf(ok, ok.length / 2), Via.GRADS, "zip"));
        cases.add(refused("zip64 locator pointing nowhere", zip64Liar(ok), Via.VALUES, "zip64"));
        cases.add(new Case("empty zip: no arrays", bytes(Forge.zip(List.of(), null)), Via.VALUES, Set.of(0), List.of(),
                List.of()));
        cases.add(refused("the same key twice", Forge.zip(List.of(Entry.stored("W.npy", W_NPY),
                Entry.stored("W.npy", W_NPY)), null), Via.VALUES, "twice"));
        cases.add(refused("an entry that is no .npy", Forge.zip(List.of(Entry.stored("evil.sh", "rm -rf /\n"
                .getBytes(StandardCharsets.US_ASCII))), null), Via.VALUES, "not an .npy array"));
        cases.add(refused("a corrupt deflate stream", Forge.zip(List.of(new Entry("W.npy", new byte[] {(byte) 0xff, 1,
                2, 3, 4, 5}, true, W_NPY.length, 6, 0)), null), Via.VALUES, "W"));
        cases.add(refused("compressed size beyond the file", Forge.zip(List.of(new Entry("W.npy", W_NPY, false,
                W_NPY.length, 1L << 30, Forge.crc(W_NPY))), null), Via.VALUES, "zip"));
        // honest, but over a lowered budget as a whole: 3 × 176 bytes declared, a budget of 60 × 8 = 480
        cases.add(new Case("honest arrays over a lowered budget", bytes(Forge.zip(List.of(Entry.stored("W.npy", W_NPY),
                Entry.stored("V.npy", W_NPY), Entry.stored("U.npy", W_NPY)), null)), Via.VALUES, Set.of(3),
                List.of("over the budget", "--max-model-elements"), List.of("--max-model-elements", "60")));
        // float32 whose widened doubles (560 bytes) exceed the budget though its bytes (408) do not
        byte[] f4 = Forge.npy("{'descr': '<f4', 'fortran_order': False, 'shape': (70,), }", new byte[280]);
        cases.add(new Case("float32 that doubles in memory", bytes(Forge.zip(List.of(Entry.stored("W.npy", f4)), null)),
                Via.VALUES, Set.of(3), List.of("over the budget"), List.of("--max-model-elements", "60")));
    }

    private static long crcOf(byte[] prefix, long zeros) {
        CRC32 c = new CRC32();
        c.update(prefix);
        byte[] block = new byte[1 << 20];
        for (long left = zeros; left > 0; left -= block.length) {
            c.update(block, 0, (int) Math.min(block.length, left));
        }
        return c.getValue();
    }

    /** A valid zip whose end record says "see zip64", with a locator pointing past the file. */
    private static byte[] zip64Liar(byte[] ok) {
        ByteBuffer b = ByteBuffer.allocate(ok.length + 20).order(ByteOrder.LITTLE_ENDIAN);
        b.put(ok, 0, ok.length - 22);
        b.putInt(0x07064b50).putInt(0).putLong(1L << 40).putInt(1);
        b.put(ok, ok.length - 22, 22);
        byte[] out = b.array();
        ByteBuffer end = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        end.putShort(out.length - 22 + 10, (short) 0xFFFF);
        return out;
    }

    // ------------------------------------------------------------------ npy headers

    private static void npyCases(List<Case> cases) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("a shape of 2^40 elements", "{'descr': '<f8', 'fortran_order': False, 'shape': (1099511627776,), }");
        headers.put("a shape whose product overflows", "{'descr': '<f8', 'fortran_order': False, "
                + "'shape': (4294967296, 4294967296, 4294967296), }");
        headers.put("a negative dimension", "{'descr': '<f8', 'fortran_order': False, 'shape': (3, -2), }");
        headers.put("a 40-digit dimension", "{'descr': '<f8', 'fortran_order': False, "
                + "'shape': (1234567890123456789012345678901234567890,), }");
        headers.put("an object dtype", "{'descr': '|O', 'fortran_order': False, 'shape': (3, 2), }");
        headers.put("a complex dtype", "{'descr': '<c16', 'fortran_order': False, 'shape': (3, 2), }");
        headers.put("a structured dtype", "{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (3, 2), }");
        headers.put("fortran order", "{'descr': '<f8', 'fortran_order': True, 'shape': (3, 2), }");
        headers.put("a Python expression", "{'descr': __import__('os').system('id'), 'fortran_order': False, "
                + "'shape': (3, 2), }");
        headers.put("64 dimensions", "{'descr': '<f8', 'fortran_order': False, 'shape': (" + "1, ".repeat(64) + "), }");
        headers.put("an unterminated string", "{'descr': '<f8, 'fortran_order': False, 'shape': (3, 2), }");
        for (Map.Entry<String, String> h : headers.entrySet()) {
            byte[] npy = Forge.npy(h.getValue(), new byte[48]);
            cases.add(refused("npy: " + h.getKey(), Forge.zip(List.of(Entry.stored("W.npy", npy)), null), Via.VALUES,
                    "W"));
        }
        cases.add(refused("npy: a header length of 65535 bytes of spaces", Forge.npy("{" + " ".repeat(70_000), new byte[0]),
                Via.VALUES, "header"));
        byte[] bigHeader = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN)
                .put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0}).putInt(Integer.MAX_VALUE).array();
        cases.add(refused("npy 2.0: a header length of 2^31", bigHeader, Via.GRADS, "header length"));
        cases.add(refused("npy: data shorter than the shape", Forge.npy("{'descr': '<f8', 'fortran_order': False, "
                + "'shape': (3, 2), }", new byte[40]), Via.VALUES, "truncated"));
    }

    // ------------------------------------------------------------------ safetensors

    private static void safetensorsCases(List<Case> cases) {
        String w = "\"W\":{\"dtype\":\"F64\",\"shape\":[3,2],\"data_offsets\":[0,48]}";
        byte[] data = new byte[48];
        cases.add(refused("st: header length past the file", Forge.safetensors(1L << 40, "{" + w + "}", data),
                Via.VALUES, "header length"));
        cases.add(refused("st: header length 2^64-1", Forge.safetensors(-1L, "{" + w + "}", data), Via.VALUES,
                "header length"));
        cases.add(refused("st: header length 1", Forge.safetensors(1L, "{" + w + "}", data), Via.VALUES,
                "header length"));
        cases.add(refused("st: header is a list", Forge.safetensors(null, "[" + w.substring(4) + "]", data),
                Via.VALUES, "not a JSON object"));
        cases.add(refused("st: header is not JSON", Forge.safetensors(null, "{\"W\":{dtype:F64}}", data), Via.VALUES,
                "not a valid .safetensors header"));
        cases.add(refused("st: content after the header object", Forge.safetensors(null, "{" + w + "}{}", data),
                Via.VALUES, "more content"));
        String a = "\"A\":{\"dtype\":\"F64\",\"shape\":[3,2],\"data_offsets\":[0,48]}";
        String b = "\"W\":{\"dtype\":\"F64\",\"shape\":[3,2],\"data_offsets\":[40,88]}";
        cases.add(refused("st: overlapping tensors", Forge.safetensors(null, "{" + a + "," + b + "}", new byte[88]),
                Via.VALUES, "overlap"));
        cases.add(refused("st: offsets past the data", Forge.safetensors(null, "{" + w.replace("[0,48]", "[0,4800]")
                .replace("[3,2]", "[300,2]") + "}", data), Via.VALUES, "beyond the data section"));
        cases.add(refused("st: a hole before a tensor", Forge.safetensors(null, "{" + w.replace("[0,48]", "[8,56]")
                + "}", new byte[56]), Via.VALUES, "hole"));
        cases.add(refused("st: bytes after the last tensor", Forge.safetensors(null, "{" + w + "}", new byte[64]),
                Via.VALUES, "cover"));
        cases.add(refused("st: offsets disagree with the shape", Forge.safetensors(null, "{" + w.replace("[3,2]", "[3,3]")
                + "}", data), Via.VALUES, "needs"));
        cases.add(refused("st: a shape whose bytes overflow", Forge.safetensors(null, "{" + w.replace("[3,2]",
                "[4611686018427387904,4]") + "}", data), Via.VALUES, "2^63"));
        cases.add(refused("st: a negative dimension", Forge.safetensors(null, "{" + w.replace("[3,2]", "[-3,-2]") + "}",
                data), Via.VALUES, "negative"));
        cases.add(refused("st: a 30-digit offset", Forge.safetensors(null, "{" + w.replace("[0,48]",
                "[0,100000000000000000000000000000]") + "}", data), Via.VALUES, "data_offsets"));
        cases.add(refused("st: three offsets", Forge.safetensors(null, "{" + w.replace("[0,48]", "[0,24,48]") + "}",
                data), Via.VALUES, "data_offsets"));
        cases.add(refused("st: 40 dimensions", Forge.safetensors(null, "{" + w.replace("[3,2]", "[" + "1,".repeat(39)
                + "1]").replace("[0,48]", "[0,8]") + "}", new byte[8]), Via.VALUES, "shape"));
        cases.add(refused("st: uint16", Forge.safetensors(null, "{" + w.replace("F64", "U16").replace("[0,48]",
                "[0,12]") + "}", new byte[12]), Via.VALUES, "U16", "'W'"));
        cases.add(refused("st: an unknown dtype", Forge.safetensors(null, "{" + w.replace("F64", "F128") + "}", data),
                Via.VALUES, "unknown dtype"));
        cases.add(refused("st: an unknown field", Forge.safetensors(null, "{" + w.replace("}", ",\"eval\":1}") + "}",
                data), Via.VALUES, "unknown field"));
        cases.add(refused("st: a duplicate key", Forge.safetensors(null, "{" + w + "," + w + "}", data), Via.VALUES,
                "Duplicate"));
        cases.add(refused("st: deep metadata", Forge.safetensors(null, "{\"__metadata__\":" + "{\"a\":".repeat(50)
                + "1" + "}".repeat(50) + "," + w + "}", data), Via.VALUES, "__metadata__"));
        cases.add(refused("st: int64 beyond 2^53", Forge.safetensors(null, "{\"y\":{\"dtype\":\"I64\",\"shape\":[1],"
                + "\"data_offsets\":[0,8]}}", ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(Long.MAX_VALUE).array()), Via.VALUES, "2^53"));
        cases.add(refused("st: a name of 5000 characters", Forge.safetensors(null, "{" + w.replace("\"W\"", "\""
                + "n".repeat(5000) + "\"") + "}", data), Via.VALUES, "Name length"));
        cases.add(refused("st: 7 bytes", new byte[] {1, 0, 0, 0, 0, 0, 0}, Via.VALUES, "fewer than the 8"));
        // a 600 MB sparse file of 5 tensors of 15M elements (each within the per-tensor limit), declared
        // honestly: over the default budget of 512 MB as a whole
        Maker sparse = (dir, name) -> {
            long n = 15_000_000L;
            StringBuilder h = new StringBuilder("{");
            for (int i = 0; i < 5; i++) {
                h.append(i == 0 ? "" : ",").append("\"t").append(i).append("\":{\"dtype\":\"F64\",\"shape\":[")
                        .append(n).append("],\"data_offsets\":[").append(8 * n * i).append(',').append(8 * n * (i + 1))
                        .append("]}");
            }
            Path p = Forge.write(dir, name, Forge.safetensors(null, h.append('}').toString(), new byte[0]));
            try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
                f.setLength(f.length() + 5 * 8 * n);
            }
            return p;
        };
        cases.add(refused("st: 600 MB declared honestly (sparse file)", sparse, Via.VALUES, "over the budget",
                "nothing was read"));
        cases.add(refused("st: 600 MB declared honestly (init.file)", sparse, Via.INIT, "over the budget"));
    }

    // ------------------------------------------------------------------ PyTorch .pt

    private static void torchCases(List<Case> cases) {
        byte[] storage = new byte[48];
        byte[] good = Forge.stateDictPickle("W", "DoubleStorage", 6, 0, new int[] {3, 2}, new int[] {2, 1});
        cases.add(new Case("pt: a valid forged state dict", bytes(Forge.torchZip(good, storage, List.of())), Via.VALUES,
                Set.of(0), List.of(), List.of()));
        Map<String, byte[]> pickles = new LinkedHashMap<>();
        pickles.put("os.system", new Pickle().global("os", "system").unicode("id").op(0x85).op('R').stop());
        pickles.put("builtins.eval by STACK_GLOBAL", new Pickle().unicode("builtins").unicode("eval").op(0x93)
                .unicode("1").op(0x85).op('R').stop());
        pickles.put("a pickled nn.Module", new Pickle().global("torch.nn.modules.linear", "Linear").op(')').op(0x81)
                .stop());
        pickles.put("INST", new Pickle().op('(').op('i').raw("subprocess\nPopen\n".getBytes(StandardCharsets.US_ASCII))
                .stop());
        pickles.put("OBJ", new Pickle().op('(').global("collections", "OrderedDict").op('o').stop());
        pickles.put("REDUCE of a string", new Pickle().unicode("x").op(')').op('R').stop());
        pickles.put("BINUNICODE of 2^31-1 bytes", new Pickle().op('X').raw(new byte[] {(byte) 0xff, (byte) 0xff,
                (byte) 0xff, 0x7f}).stop());
        pickles.put("BINBYTES8 of 2^62 bytes", new Pickle().op(0x8e).raw(ByteBuffer.allocate(8)
                .order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 62).array()).stop());
        pickles.put("a 5 MB decimal LONG", new Pickle().op('L').raw(("9".repeat(5_000_000) + "L\n")
                .getBytes(StandardCharsets.US_ASCII)).stop());
        pickles.put("LONG4 of 1 MB", new Pickle().op(0x8b).raw(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN)
                .putInt(1 << 20).array()).raw(new byte[1 << 20]).stop());
        pickles.put("2,000,001 opcodes", manyOps());
        pickles.put("a list as a dict key", new Pickle().op('}').op(']').op('N').op('s').stop());
        pickles.put("a self-containing list as a dict key", new Pickle().op('}').op(']').op('q').op(0).op('h').op(0)
                .op('a').op('N').op('s').stop());
        pickles.put("a truncated pickle", Arrays.copyOf(good, good.length / 2));
        pickles.put("stack underflow", new Pickle().op('t').op('R').stop());
        pickles.put("a bad persistent id", new Pickle().op('}').unicode("W").unicode("storage").op('Q').op('s').stop());
        pickles.put("PERSID text", new Pickle().op('P').raw("0\n".getBytes(StandardCharsets.US_ASCII)).stop());
        pickles.put("a set", new Pickle().op(0x8f).stop());
        pickles.put("a top-level list", new Pickle().op(']').stop()); // "holds a list, not a state dict"
        pickles.put("a storage constructor called", new Pickle().global("torch", "FloatStorage").op(')').op('R').stop());
        pickles.put("an out-of-band buffer", new Pickle().op(0x97).stop());
        pickles.put("a memo key that was never put", new Pickle().op('h').op(7).stop());
        for (Map.Entry<String, byte[]> p : pickles.entrySet()) {
            cases.add(refused("pt: " + p.getKey(), Forge.torchZip(p.getValue(), storage, List.of()), Via.VALUES,
                    p.getKey().contains("top-level") ? "not a state dict" : "data.pkl"));
        }
        cases.add(refused("pt: a storage shorter than its element count", Forge.torchZip(good, new byte[40], List.of()),
                Via.VALUES, "storage", "'W'"));
        cases.add(refused("pt: strides reaching past the storage", Forge.torchZip(Forge.stateDictPickle("W",
                "DoubleStorage", 6, 1, new int[] {3, 2}, new int[] {2, 1}), storage, List.of()), Via.VALUES,
                "reach element 6"));
        cases.add(refused("pt: strides that overflow", Forge.torchZip(Forge.stateDictPickle("W", "DoubleStorage", 6, 0,
                new int[] {Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE}, new int[] {Integer.MAX_VALUE,
                    Integer.MAX_VALUE, Integer.MAX_VALUE}), storage, List.of()), Via.VALUES, "'W'"));
        cases.add(refused("pt: a negative stride", Forge.torchZip(Forge.stateDictPickle("W", "DoubleStorage", 6, 5,
                new int[] {3, 2}, new int[] {-2, -1}), storage, List.of()), Via.VALUES, "negative"));
        cases.add(refused("pt: a missing storage", Forge.torchZip(good, null, List.of()), Via.VALUES,
                "not in the archive"));
        cases.add(refused("pt: a bool tensor", Forge.torchZip(Forge.stateDictPickle("W", "BoolStorage", 6, 0,
                new int[] {3, 2}, new int[] {2, 1}), new byte[6], List.of()), Via.VALUES, "bool", "'W'"));
        cases.add(refused("pt: a TorchScript archive", Forge.torchZip(good, storage, List.of(Entry.stored(
                "archive/constants.pkl", new byte[] {(byte) 0x80, 2, ']', '.'}))), Via.VALUES, "TorchScript"));
        cases.add(refused("pt: two pickles", Forge.torchZip(good, storage, List.of(Entry.stored("other/data.pkl", good))),
                Via.VALUES, "two pickles"));
        cases.add(refused("pt: an unknown byte order", Forge.torchZip(good, storage, List.of(Entry.stored(
                "archive/byteorder", "middle".getBytes(StandardCharsets.US_ASCII)))), Via.VALUES, "byte order"));
        cases.add(refused("pt: the legacy format", new Pickle().op('}').stop(), Via.VALUES, "legacy"));
        cases.add(refused("pt: a pickle of 40 MB declared", Forge.zip(List.of(Entry.stored("archive/data.pkl", good)
                .declaring(40L << 20), Entry.stored("archive/data/0", storage)), null), Via.VALUES, "data.pkl"));
        Maker ptBomb = (dir, name) -> {
            byte[] z = Forge.deflatedZeros(new byte[0], 100_000_000L);
            List<Entry> entries = new ArrayList<>();
            entries.add(Entry.stored("archive/data.pkl", good));
            for (int i = 0; i < 80; i++) {
                entries.add(new Entry("archive/data/" + i, z, true, 100_000_000L, z.length, 0));
            }
            return Forge.write(dir, name, Forge.zip(entries, null));
        };
        cases.add(refused("pt: storages of 8 GB declared", ptBomb, Via.GRADS, "over the budget"));
        cases.add(refused("pt: storages of 8 GB declared (init.file)", ptBomb, Via.INIT, "over the budget"));
    }

    private static byte[] manyOps() {
        byte[] body = new byte[2 * 1_000_001];
        for (int i = 0; i < body.length; i += 2) {
            body[i] = 'N';
            body[i + 1] = '0';
        }
        return new Pickle().raw(body).op('}').stop();
    }

    // ------------------------------------------------------------------ FIFOs, devices, directories

    private static void specialFileCases(List<Case> cases) {
        Maker fifo = (dir, name) -> {
            Path p = dir.resolve(name);
            Process proc = new ProcessBuilder("mkfifo", p.toString()).inheritIO().start();
            if (proc.waitFor() != 0) {
                throw new IOException("mkfifo " + p);
            }
            return p;
        };
        for (Via via : Via.values()) {
            cases.add(refused("a FIFO", fifo, via, "FIFO", "not a regular file"));
        }
        Maker zero = (dir, name) -> Files.createSymbolicLink(dir.resolve(name), Path.of("/dev/zero"));
        cases.add(refused("a symlink to /dev/zero", zero, Via.VALUES, "character device"));
        cases.add(refused("a symlink to /dev/zero (init.file)", zero, Via.INIT, "links outside the model's folder"));
        cases.add(new Case("a symlink to /dev/zero (init.file, --allow-outside-files)", zero, Via.INIT, Set.of(3),
                List.of("character device"), List.of("--allow-outside-files")));
        cases.add(new Case("/dev/zero itself (init.file, --allow-outside-files)", (dir, name) -> Path.of("/dev/zero"),
                Via.INIT, Set.of(3), List.of("character device"), List.of("--allow-outside-files")));
        cases.add(new Case("/dev/zero itself as --values", (dir, name) -> Path.of("/dev/zero"), Via.VALUES, Set.of(3),
                List.of("character device"), List.of()));
        cases.add(refused("a directory", (dir, name) -> Files.createDirectory(dir.resolve(name)), Via.GRADS,
                "directory"));
        cases.add(refused("a symlink to a FIFO", (dir, name) -> Files.createSymbolicLink(dir.resolve(name),
                fifo.make(dir, name + ".fifo")), Via.VALUES, "FIFO"));
        cases.add(refused("a dangling symlink", (dir, name) -> Files.createSymbolicLink(dir.resolve(name),
                dir.resolve("nowhere")), Via.VALUES, "no such file"));
    }

    // ------------------------------------------------------------------ running a case

    private static void run(Case c) throws Exception {
        Path dir = Files.createDirectories(shared.resolve("case" + (++counter)));
        String ext = c.name().startsWith("st:") ? ".safetensors" : c.name().startsWith("pt:") ? ".pt" : ".npz";
        Path file = c.maker().make(dir, "hostile" + ext);
        Path model = MalformedInputTest.write(dir, "model.json", c.via() == Via.INIT
                ? VALID.replace("\"init\": {\"normal\": {\"std\": 0.5}}", "\"init\": {\"file\": \""
                        + (file.startsWith(dir) ? file.getFileName().toString() : file.toString()) + "\", \"key\": \"W\"}")
                : VALID);
        List<String> args = new ArrayList<>();
        switch (c.via()) {
            case VALUES -> args.addAll(List.of("check", model.toString(), "--values", file.toString()));
            case GRADS -> args.addAll(List.of("compare", model.toString(), "--grads", file.toString()));
            case INIT -> args.addAll(List.of("check", model.toString()));
        }
        args.addAll(c.extraArgs());
        Run.Result r;
        try {
            r = assertTimeoutPreemptively(WITHIN, () -> Run.cli(args.toArray(String[]::new)), c.name());
        } finally {
            if (Files.isSymbolicLink(file)) {
                Files.delete(file); // JUnit warns about links out of its temporary folder
            }
        }
        Runtime rt = Runtime.getRuntime();
        MEASURED.add(String.format(Locale.ROOT, "%-58s exit %d %6d ms, heap in use after %4d MB | %s", c.via() + " "
                + c.name(), r.exitCode(), r.millis(), (rt.totalMemory() - rt.freeMemory()) >> 20,
                r.err().lines().findFirst().orElse("").replace(dir.toString(), "")));
        assertTrue(c.exits().contains(r.exitCode()), c.name() + ": " + r);
        assertFalse(r.hasStackTrace(), c.name() + ": " + r);
        if (r.exitCode() == 3) {
            String msg = r.err();
            assertTrue(msg.contains(file.getFileName().toString()), c.name() + ": names the file: " + r);
            for (String w : c.words()) {
                assertTrue(msg.contains(w), c.name() + ": mentions '" + w + "': " + r);
            }
            assertTrue(msg.lines().count() <= 3, c.name() + ": a short message: " + r);
        }
    }

    @AfterAll
    static void report() {
        System.out.println("hostile data files (" + MEASURED.size() + " cases, max heap "
                + (Runtime.getRuntime().maxMemory() >> 20) + " MB):");
        MEASURED.forEach(m -> System.out.println("  " + m));
    }
}

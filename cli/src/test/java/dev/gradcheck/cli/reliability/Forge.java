package dev.gradcheck.cli.reliability;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Builds hostile files byte by byte: zips whose central directory says what the test wants (sizes
 * that lie, entry counts, offsets), {@code .npy} images with any header, safetensors files with
 * any header, and pickles opcode by opcode.
 */
final class Forge {
    private Forge() {
    }

    /** One zip entry: its name, the bytes stored (raw or deflated), and what the directory declares. */
    record Entry(String name, byte[] stored, boolean deflated, long declaredSize, long declaredCompressed, long crc) {
        /** An honest stored entry. */
        static Entry stored(String name, byte[] data) {
            return new Entry(name, data, false, data.length, data.length, Forge.crc(data));
        }

        /** An honest deflated entry of {@code data}. */
        static Entry deflated(String name, byte[] data) {
            byte[] z = deflate(data);
            return new Entry(name, z, true, data.length, z.length, Forge.crc(data));
        }

        Entry declaring(long size) {
            return new Entry(name, stored, deflated, size, declaredCompressed, crc);
        }
    }

    static long crc(byte[] data) {
        CRC32 c = new CRC32();
        c.update(data);
        return c.getValue();
    }

    static byte[] deflate(byte[] data) {
        Deflater d = new Deflater(Deflater.BEST_COMPRESSION, true);
        d.setInput(data);
        d.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[1 << 16];
        while (!d.finished()) {
            out.write(buf, 0, d.deflate(buf));
        }
        d.end();
        return out.toByteArray();
    }

    /** The raw deflate stream of {@code zeros} zero bytes, made a block at a time (no big array). */
    static byte[] deflatedZeros(byte[] prefix, long zeros) {
        Deflater d = new Deflater(Deflater.BEST_COMPRESSION, true);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[1 << 16];
        d.setInput(prefix);
        while (!d.needsInput()) {
            out.write(buf, 0, d.deflate(buf));
        }
        byte[] block = new byte[1 << 20];
        for (long left = zeros; left > 0; left -= block.length) {
            d.setInput(block, 0, (int) Math.min(block.length, left));
            while (!d.needsInput()) {
                out.write(buf, 0, d.deflate(buf));
            }
        }
        d.finish();
        while (!d.finished()) {
            out.write(buf, 0, d.deflate(buf));
        }
        d.end();
        return out.toByteArray();
    }

    /** A zip of {@code entries}, with an end record that may be overridden by {@code end}. */
    static byte[] zip(List<Entry> entries, EndOverride end) {
        ByteBuffer body = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<long[]> offsets = new ArrayList<>();
        for (Entry e : entries) {
            byte[] name = e.name().getBytes(StandardCharsets.UTF_8);
            offsets.add(new long[] {out.size()});
            body.clear();
            body.putInt(0x04034b50).putShort((short) 20).putShort((short) 0)
                    .putShort((short) (e.deflated() ? 8 : 0)).putShort((short) 0).putShort((short) 0)
                    .putInt((int) e.crc()).putInt((int) e.declaredCompressed()).putInt((int) e.declaredSize())
                    .putShort((short) name.length).putShort((short) 0).put(name);
            out.write(body.array(), 0, body.position());
            out.write(e.stored(), 0, e.stored().length);
        }
        long dirAt = out.size();
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            byte[] name = e.name().getBytes(StandardCharsets.UTF_8);
            body.clear();
            body.putInt(0x02014b50).putShort((short) 20).putShort((short) 20).putShort((short) 0)
                    .putShort((short) (e.deflated() ? 8 : 0)).putShort((short) 0).putShort((short) 0)
                    .putInt((int) e.crc()).putInt((int) e.declaredCompressed()).putInt((int) e.declaredSize())
                    .putShort((short) name.length).putShort((short) 0).putShort((short) 0).putShort((short) 0)
                    .putShort((short) 0).putInt(0).putInt((int) offsets.get(i)[0]).put(name);
            out.write(body.array(), 0, body.position());
        }
        long dirSize = out.size() - dirAt;
        body.clear();
        long count = end == null || end.entries < 0 ? entries.size() : end.entries;
        body.putInt(0x06054b50).putShort((short) 0).putShort((short) 0).putShort((short) count)
                .putShort((short) count)
                .putInt((int) (end == null || end.dirSize < 0 ? dirSize : end.dirSize))
                .putInt((int) (end == null || end.dirOffset < 0 ? dirAt : end.dirOffset)).putShort((short) 0);
        out.write(body.array(), 0, body.position());
        return out.toByteArray();
    }

    /** Values the end record declares instead of the true ones (-1: the true one). */
    record EndOverride(long entries, long dirSize, long dirOffset) {
    }

    /** An {@code .npy} image: magic, version 1.0, the header text padded to 64 bytes, then {@code data}. */
    static byte[] npy(String header, byte[] data) {
        int unpadded = 10 + header.length() + 1;
        String padded = header + " ".repeat((64 - unpadded % 64) % 64) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + padded.length() + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) padded.length());
        b.put(padded.getBytes(StandardCharsets.ISO_8859_1)).put(data);
        return b.array();
    }

    /** A float64 {@code .npy} image of {@code n} zeros of shape {@code shape}. */
    static byte[] npyZeros(String shape, int n) {
        return npy("{'descr': '<f8', 'fortran_order': False, 'shape': " + shape + ", }", new byte[8 * n]);
    }

    /** A safetensors image: the 8-byte length (as given, or the header's), the header, {@code data}. */
    static byte[] safetensors(Long declaredLength, String header, byte[] data) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(declaredLength != null ? declaredLength : h.length).put(h).put(data);
        return b.array();
    }

    static Path write(Path dir, String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    /** A pickle, opcode by opcode. */
    static final class Pickle {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Pickle() {
            out.write(0x80);
            out.write(2);
        }

        Pickle op(int code) {
            out.write(code);
            return this;
        }

        Pickle raw(byte[] b) {
            out.write(b, 0, b.length);
            return this;
        }

        Pickle global(String module, String name) {
            return op('c').raw((module + "\n" + name + "\n").getBytes(StandardCharsets.UTF_8));
        }

        Pickle unicode(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            return op('X').raw(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(b.length).array()).raw(b);
        }

        Pickle int1(int v) {
            return op('K').op(v);
        }

        Pickle int4(int v) {
            return op('J').raw(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array());
        }

        /** {@code ('storage', torch.<type>, key, 'cpu', numel)} as a persistent id, then BINPERSID. */
        Pickle storage(String type, String key, int numel) {
            return op('(').unicode("storage").global("torch", type).unicode(key).unicode("cpu").int4(numel).op('t')
                    .op('Q');
        }

        /** {@code _rebuild_tensor_v2(storage, offset, size, stride, False, OrderedDict())}, the storage pushed before. */
        Pickle rebuild(int offset, int[] size, int[] stride) {
            // the storage is on the stack: build the argument tuple around it
            Pickle p = this;
            p.int4(offset).op('(');
            for (int s : size) {
                p.int4(s);
            }
            p.op('t').op('(');
            for (int s : stride) {
                p.int4(s);
            }
            return p.op('t').op(0x89).global("collections", "OrderedDict").op(')').op('R').op('t').op('R');
        }

        byte[] bytes() {
            return out.toByteArray();
        }

        /** Ends with STOP. */
        byte[] stop() {
            out.write('.');
            return out.toByteArray();
        }
    }

    /**
     * A state dict {@code {key: tensor}} as torch.save lays it out: {@code archive/data.pkl} and
     * {@code archive/data/0} (a float64 storage of {@code storage} bytes), plus {@code archive/version}.
     */
    static byte[] torchZip(byte[] pickle, byte[] storage, List<Entry> extra) {
        List<Entry> entries = new ArrayList<>();
        entries.add(Entry.stored("archive/data.pkl", pickle));
        if (storage != null) {
            entries.add(Entry.stored("archive/data/0", storage));
        }
        entries.add(Entry.stored("archive/version", "3\n".getBytes(StandardCharsets.US_ASCII)));
        entries.addAll(extra);
        return zip(entries, null);
    }

    /** The pickle of {@code {key: _rebuild_tensor_v2(storage '0' of numel doubles, offset, size, stride)}}. */
    static byte[] stateDictPickle(String key, String storageType, int numel, int offset, int[] size, int[] stride) {
        Pickle p = new Pickle().global("collections", "OrderedDict").op(')').op('R').op('(').unicode(key)
                .global("torch._utils", "_rebuild_tensor_v2").op('(');
        p.storage(storageType, "0", numel);
        p.rebuild(offset, size, stride);
        return p.op('u').stop();
    }
}

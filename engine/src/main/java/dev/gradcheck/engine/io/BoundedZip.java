package dev.gradcheck.engine.io;

import java.io.Closeable;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.CRC32;
import java.util.zip.ZipFile;

/**
 * A zip archive ({@code .npz}, a PyTorch {@code .pt}) opened within a {@link ReadBudget}: before
 * the JDK's {@link ZipFile} reads the central directory, its size and entry count are read from
 * the end record and checked; before any entry is read, the uncompressed sizes the directory
 * declares are added up and checked against the budget, so a zip bomb is refused as a whole; and
 * while an entry is read, the bytes actually inflated are counted and capped at the size its
 * directory entry declares, so a directory that lies gets no further.
 */
public final class BoundedZip implements Closeable {
    /** The most entries an archive may have (a state dict of a large model has a few thousand). */
    public static final int MAX_ENTRIES = 100_000;
    /** The largest central directory read into memory. */
    public static final long MAX_DIRECTORY_BYTES = 32L * 1024 * 1024;

    private static final int END_SIGNATURE = 0x06054b50;
    private static final int END_SIZE = 22;
    private static final int ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
    private static final int ZIP64_END_SIGNATURE = 0x06064b50;

    private final String name;
    private final ZipFile zip;
    private final List<ZipEntry> entries;

    private BoundedZip(String name, ZipFile zip, List<ZipEntry> entries) {
        this.name = name;
        this.zip = zip;
        this.entries = entries;
    }

    /**
     * Opens {@code file}, a regular file, and checks its directory against {@code budget}.
     *
     * @param kind what the archive should be, for messages: {@code ".npz (zip)"}
     * @throws TensorFileException naming the file and the problem
     */
    public static BoundedZip open(Path file, ReadBudget budget, String kind) throws TensorFileException {
        String name = file.toString();
        long size = FileKinds.requireRegular(file);
        checkEndRecord(file, size, kind);
        ZipFile zip;
        try {
            zip = new ZipFile(file.toFile());
        } catch (ZipException e) {
            throw new TensorFileException(name, null, "not a valid " + kind + " archive: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new TensorFileException(name, null, "cannot read: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            // the JDK's words for an entry name that is not valid in its charset ("malformed input off : 146")
            throw new TensorFileException(name, null, "not a valid " + kind + " archive: an entry name is not valid "
                    + "UTF-8", e);
        }
        try {
            List<ZipEntry> entries;
            try {
                entries = new ArrayList<>(Collections.list(zip.entries()));
            } catch (IllegalArgumentException e) {
                throw new TensorFileException(name, null, "not a valid " + kind + " archive: an entry name is not "
                        + "valid UTF-8", e);
            }
            long declared = 0;
            for (ZipEntry e : entries) {
                if (e.getSize() < 0 || e.getCompressedSize() < 0 || e.getCompressedSize() > size) {
                    throw new TensorFileException(name, null, "not a valid " + kind + " archive: entry '" + e.getName()
                            + "' declares " + e.getCompressedSize() + " compressed and " + e.getSize()
                            + " uncompressed bytes in a file of " + size);
                }
                declared = declared > Long.MAX_VALUE - e.getSize() ? -1 : declared + e.getSize();
                if (declared < 0) {
                    break;
                }
            }
            budget.checkDeclared(name, declared, "its zip directory");
            return new BoundedZip(name, zip, List.copyOf(entries));
        } catch (TensorFileException | RuntimeException e) {
            closeQuietly(zip);
            throw e;
        }
    }

    /** The entries, in directory order. */
    public List<ZipEntry> entries() {
        return entries;
    }

    /**
     * The entry's bytes, inflated, capped at the size its directory entry declares: more is an
     * {@link IOException} ("inflates to more than …"), and so is less at the end.
     */
    public InputStream open(ZipEntry entry) throws IOException {
        try {
            return new Capped(zip.getInputStream(entry), entry.getSize(), entry.getCrc(), name, entry.getName());
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new TensorFileException(name, null, "not a valid zip archive: entry '" + entry.getName()
                    + "' cannot be opened (" + e.getMessage() + ")", e);
        }
    }

    /** Reads the whole entry (its declared size, at most {@code maxBytes}) into memory. */
    public byte[] readAll(ZipEntry entry, long maxBytes) throws IOException {
        if (entry.getSize() > maxBytes) {
            throw new TensorFileException(name, null, "entry '" + entry.getName() + "' has " + entry.getSize()
                    + " bytes, over the limit of " + maxBytes);
        }
        try (InputStream in = open(entry)) {
            byte[] all = in.readNBytes((int) entry.getSize());
            in.read(); // the end, or the capped stream's complaint about more
            return all;
        }
    }

    @Override
    public void close() throws IOException {
        zip.close();
    }

    private static void closeQuietly(ZipFile zip) {
        try {
            zip.close();
        } catch (IOException ignored) {
            // the first problem is the one reported
        }
    }

    /**
     * Finds the end-of-central-directory record (and the zip64 one, when present) and refuses a
     * directory too large to hold in memory or with too many entries, before {@link ZipFile}
     * reads it.
     */
    private static void checkEndRecord(Path file, long size, String kind) throws TensorFileException {
        String name = file.toString();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            int tail = (int) Math.min(size, END_SIZE + 0xFFFF);
            ByteBuffer buf = ByteBuffer.allocate(tail).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, buf, size - tail);
            int at = -1;
            for (int i = tail - END_SIZE; i >= 0; i--) {
                if (buf.getInt(i) == END_SIGNATURE) {
                    at = i;
                    break;
                }
            }
            if (at < 0) {
                throw new TensorFileException(name, null, "not a valid " + kind + " archive: zip END header not found"
                        + (size == 0 ? " (the file is empty)" : ""));
            }
            long entries = buf.getShort(at + 10) & 0xFFFFL;
            long dirSize = buf.getInt(at + 12) & 0xFFFFFFFFL;
            long dirOffset = buf.getInt(at + 16) & 0xFFFFFFFFL;
            long endAt = size - tail + at;
            if (entries == 0xFFFF || dirSize == 0xFFFFFFFFL || dirOffset == 0xFFFFFFFFL) {
                long[] z64 = zip64(ch, endAt, size, name, kind);
                if (z64 != null) {
                    entries = z64[0];
                    dirSize = z64[1];
                    dirOffset = z64[2];
                }
            }
            if (entries > MAX_ENTRIES) {
                throw new TensorFileException(name, null, "its zip directory declares " + entries
                        + " entries, over the limit of " + MAX_ENTRIES);
            }
            if (dirSize > MAX_DIRECTORY_BYTES) {
                throw new TensorFileException(name, null, "its zip directory has " + dirSize
                        + " bytes, over the limit of " + MAX_DIRECTORY_BYTES);
            }
            if (dirOffset > size || dirSize > size - dirOffset) {
                throw new TensorFileException(name, null, "not a valid " + kind + " archive: the zip directory ("
                        + dirSize + " bytes at " + dirOffset + ") lies outside the file of " + size + " bytes");
            }
        } catch (TensorFileException e) {
            throw e;
        } catch (IOException e) {
            throw new TensorFileException(name, null, "cannot read: " + e.getMessage(), e);
        }
    }

    /**
     * Entries, directory size and offset from the zip64 end record the locator before
     * {@code endAt} points to; null when there is no locator (the end record's values are literal).
     */
    private static long[] zip64(FileChannel ch, long endAt, long size, String name, String kind) throws IOException {
        if (endAt < 20) {
            return null;
        }
        ByteBuffer loc = ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, loc, endAt - 20);
        if (loc.getInt(0) != ZIP64_LOCATOR_SIGNATURE) {
            return null;
        }
        long recordAt = loc.getLong(8);
        if (recordAt < 0 || recordAt > size - 56) {
            throw new TensorFileException(name, null, "not a valid " + kind + " archive: the zip64 end record at "
                    + recordAt + " lies outside the file of " + size + " bytes");
        }
        ByteBuffer rec = ByteBuffer.allocate(56).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, rec, recordAt);
        if (rec.getInt(0) != ZIP64_END_SIGNATURE) {
            throw new TensorFileException(name, null, "not a valid " + kind + " archive: no zip64 end record at "
                    + recordAt);
        }
        long entries = rec.getLong(32);
        long dirSize = rec.getLong(40);
        long dirOffset = rec.getLong(48);
        return new long[] {entries < 0 ? Long.MAX_VALUE : entries, dirSize < 0 ? Long.MAX_VALUE : dirSize,
            dirOffset < 0 ? Long.MAX_VALUE : dirOffset};
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos);
            if (n < 0) {
                throw new IOException("the file ended early");
            }
            pos += n;
        }
        buf.flip();
    }

    /**
     * An entry's stream that fails past its declared size, short of it at the end, and when its
     * bytes do not have the CRC-32 its directory entry declares (the JDK checks none of it: a
     * damaged byte would otherwise be read as data).
     */
    private static final class Capped extends FilterInputStream {
        private final long declared;
        private final long declaredCrc;
        private final String file;
        private final String entry;
        private final CRC32 crc = new CRC32();
        private long count;

        Capped(InputStream in, long declared, long declaredCrc, String file, String entry) {
            super(in);
            this.declared = declared;
            this.declaredCrc = declaredCrc;
            this.file = file;
            this.entry = entry;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            // ask for one byte beyond the declared size, so that a lying entry shows itself
            int want = (int) Math.min(len, declared - count + 1);
            if (want <= 0) {
                want = 1;
            }
            int n = in.read(b, off, Math.min(want, len));
            if (n < 0) {
                if (count < declared) {
                    throw new TensorFileException(file, null, "zip entry '" + entry + "' ends after " + count
                            + " of the " + declared + " bytes its directory entry declares");
                }
                return -1;
            }
            count += n;
            if (count > declared) {
                throw new TensorFileException(file, null, "zip entry '" + entry + "' inflates to more than the "
                        + declared + " bytes its directory entry declares (a zip bomb?)");
            }
            crc.update(b, off, n);
            if (count == declared) {
                if (in.read() >= 0) { // the entry goes on: its directory entry lies about its size
                    throw new TensorFileException(file, null, "zip entry '" + entry + "' inflates to more than the "
                            + declared + " bytes its directory entry declares (a zip bomb?)");
                }
                if (declaredCrc >= 0 && crc.getValue() != declaredCrc) {
                    throw new TensorFileException(file, null, String.format(java.util.Locale.ROOT, "zip entry '%s' "
                            + "is damaged: its bytes have CRC-32 %08x, its directory entry declares %08x", entry,
                            crc.getValue(), declaredCrc));
                }
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            byte[] sink = new byte[(int) Math.min(8192, Math.max(n, 1))];
            long done = 0;
            while (done < n) {
                int k = read(sink, 0, (int) Math.min(sink.length, n - done));
                if (k < 0) {
                    break;
                }
                done += k;
            }
            return done;
        }

        @Override
        public boolean markSupported() {
            return false;
        }
    }
}

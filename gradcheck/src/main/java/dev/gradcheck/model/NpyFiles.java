package dev.gradcheck.model;

import dev.gradcheck.engine.DType;
import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.internal.TensorAccess;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Reads and writes NumPy {@code .npy} and {@code .npz} files (float64 and int64, little-endian,
 * C order), turning every malformed file into a {@link ModelFileException} that names it. Sizes
 * are checked against the header before anything is allocated.
 */
final class NpyFiles {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private NpyFiles() {
    }

    /** Every array of a {@code .npz} file (or the one array of a {@code .npy} file, under its file stem). */
    static Map<String, Tensor> read(Path file, long maxElements) {
        String fn = file.getFileName().toString();
        if (fn.endsWith(".npy")) {
            try (InputStream in = Files.newInputStream(file)) {
                Map<String, Tensor> m = new LinkedHashMap<>();
                m.put(fn.substring(0, fn.length() - 4), readNpy(file, fn, in, Files.size(file), maxElements));
                return m;
            } catch (NoSuchFileException e) {
                throw fail(file, null, "no such file");
            } catch (IOException e) {
                throw fail(file, null, "cannot read: " + e.getMessage());
            }
        }
        try (ZipFile zip = new ZipFile(file.toFile())) {
            Map<String, Tensor> m = new LinkedHashMap<>();
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry e = entries.nextElement();
                String key = e.getName().endsWith(".npy") ? e.getName().substring(0, e.getName().length() - 4)
                        : e.getName();
                try (InputStream in = zip.getInputStream(e)) {
                    m.put(key, readNpy(file, key, in, e.getSize(), maxElements));
                }
            }
            return m;
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            throw fail(file, null, "no such file");
        } catch (ZipException e) {
            throw fail(file, null, "not a valid .npz (zip) file: " + e.getMessage());
        } catch (IOException e) {
            throw fail(file, null, "cannot read: " + e.getMessage());
        }
    }

    private static Tensor readNpy(Path file, String key, InputStream in, long size, long maxElements)
            throws IOException {
        byte[] head = in.readNBytes(10);
        if (head.length < 10) {
            throw fail(file, key, "truncated .npy header");
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (head[i] != MAGIC[i]) {
                throw fail(file, key, "not a .npy array (bad magic bytes)");
            }
        }
        int major = head[6];
        long headerLen;
        if (major == 1) {
            headerLen = (head[8] & 0xff) | ((head[9] & 0xff) << 8);
        } else if (major == 2 || major == 3) {
            byte[] more = in.readNBytes(2);
            if (more.length < 2) {
                throw fail(file, key, "truncated .npy header");
            }
            headerLen = (head[8] & 0xffL) | ((head[9] & 0xffL) << 8) | ((more[0] & 0xffL) << 16)
                    | ((more[1] & 0xffL) << 24);
        } else {
            throw fail(file, key, "unsupported .npy version " + major);
        }
        if (headerLen > 1 << 20) {
            throw fail(file, key, ".npy header of " + headerLen + " bytes is too long");
        }
        byte[] hb = in.readNBytes((int) headerLen);
        if (hb.length < headerLen) {
            throw fail(file, key, "truncated .npy header");
        }
        String header = new String(hb, StandardCharsets.ISO_8859_1);
        Matcher d = DESCR.matcher(header);
        Matcher f = FORTRAN.matcher(header);
        Matcher s = SHAPE.matcher(header);
        if (!d.find() || !f.find() || !s.find()) {
            throw fail(file, key, "malformed .npy header: " + header.trim());
        }
        DType dtype;
        switch (d.group(1)) {
            case "<f8":
                dtype = DType.FLOAT64;
                break;
            case "<i8":
                dtype = DType.INT64;
                break;
            default:
                throw fail(file, key, "dtype '" + d.group(1) + "' is not supported (float64 '<f8' or int64 '<i8')");
        }
        if (f.group(1).equals("True")) {
            throw fail(file, key, "Fortran-order arrays are not supported (save in C order)");
        }
        String[] parts = s.group(1).split(",");
        int[] dims = new int[0];
        long n = 1;
        java.util.List<Integer> list = new java.util.ArrayList<>();
        for (String p : parts) {
            if (p.isBlank()) {
                continue;
            }
            long v;
            try {
                v = Long.parseLong(p.trim());
            } catch (NumberFormatException e) {
                throw fail(file, key, "malformed shape (" + s.group(1) + ") in .npy header");
            }
            if (v < 0 || v > Integer.MAX_VALUE) {
                throw fail(file, key, "invalid dimension " + v + " in .npy header");
            }
            n *= Math.max(v, 1);
            if (n > maxElements) {
                throw fail(file, key, "array (" + s.group(1) + ") has more than the limit of " + maxElements
                        + " elements");
            }
            list.add((int) v);
        }
        dims = list.stream().mapToInt(Integer::intValue).toArray();
        Shape shape = Shape.of(dims);
        long bytes = 8L * shape.size();
        byte[] body = in.readNBytes((int) bytes);
        if (body.length < bytes) {
            throw fail(file, key, "truncated data: " + shape + " needs " + bytes + " bytes, found " + body.length);
        }
        ByteBuffer buf = ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN);
        double[] data = new double[shape.size()];
        for (int i = 0; i < data.length; i++) {
            if (dtype == DType.FLOAT64) {
                data[i] = buf.getDouble();
            } else {
                long v = buf.getLong();
                if (Math.abs(v) > (1L << 53)) {
                    throw fail(file, key, "int64 value " + v + " is beyond 2^53");
                }
                data[i] = v;
            }
        }
        return TensorAccess.wrap(data, shape, dtype);
    }

    /** Writes the tensors as a {@code .npz} file (each as {@code key.npy}, float64 or int64). */
    static void writeNpz(OutputStream out, Map<String, Tensor> tensors) throws IOException {
        ZipOutputStream zip = new ZipOutputStream(out);
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            zip.putNextEntry(new ZipEntry(e.getKey() + ".npy"));
            zip.write(npy(e.getValue()));
            zip.closeEntry();
        }
        zip.finish();
    }

    /** One tensor as the bytes of a {@code .npy} file (version 1.0). */
    static byte[] npy(Tensor t) {
        int[] dims = t.shape().dims();
        String sh = dims.length == 1 ? "(" + dims[0] + ",)"
                : java.util.Arrays.stream(dims).mapToObj(String::valueOf)
                        .collect(java.util.stream.Collectors.joining(", ", "(", ")"));
        String dict = "{'descr': '" + (t.dtype() == DType.INT64 ? "<i8" : "<f8")
                + "', 'fortran_order': False, 'shape': " + sh + ", }";
        int total = 10 + dict.length() + 1;
        int pad = (64 - total % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        bo.writeBytes(MAGIC);
        bo.write(1);
        bo.write(0);
        bo.write(header.length() & 0xff);
        bo.write((header.length() >> 8) & 0xff);
        bo.writeBytes(header.getBytes(StandardCharsets.ISO_8859_1));
        double[] data = TensorAccess.data(t);
        ByteBuffer buf = ByteBuffer.allocate(8 * data.length).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : data) {
            if (t.dtype() == DType.INT64) {
                buf.putLong((long) v);
            } else {
                buf.putDouble(v);
            }
        }
        bo.writeBytes(buf.array());
        return bo.toByteArray();
    }

    private static ModelFileException fail(Path file, String key, String problem) {
        return new ModelFileException(file, null, -1, -1, key, key == null ? problem : "array '" + key + "': " + problem);
    }
}

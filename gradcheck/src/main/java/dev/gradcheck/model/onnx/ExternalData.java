package dev.gradcheck.model.onnx;

import dev.gradcheck.model.onnx.OnnxProto.StringEntry;
import dev.gradcheck.model.onnx.OnnxProto.TensorProto;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The bytes of a tensor stored outside the ONNX file ({@code data_location = EXTERNAL}): the
 * {@code location} must name a file in the model's folder (no absolute path, no {@code ..}, no
 * symlink out of it, unless {@code --allow-outside-files}), and {@code offset} and
 * {@code length} must lie within it and match the tensor's size, all checked before reading.
 */
final class ExternalData {
    private ExternalData() {
    }

    /**
     * The {@code expected} bytes of {@code t}'s data.
     *
     * @param what how the tensor reads in messages ({@code initializer 'fc.weight'})
     */
    static byte[] read(TensorProto t, long expected, OnnxSource src, String what) {
        String location = null;
        long offset = 0;
        long length = -1;
        for (StringEntry e : t.externalData()) {
            switch (e.key()) {
                case "location" -> location = e.value();
                case "offset" -> offset = number(e, t, src, what);
                case "length" -> length = number(e, t, src, what);
                default -> {
                    // "checksum" and others: not needed to read the data
                }
            }
        }
        if (location == null || location.isEmpty()) {
            throw src.fail(t.pointer(), t.name(), what + " is stored externally but names no location");
        }
        if (length >= 0 && length != expected) {
            throw src.fail(t.pointer(), t.name(), what + " has shape " + TensorData.dimsText(t.dims()) + " of "
                    + OnnxType.label(t.dataType()) + " (" + expected + " bytes), but its external data has length "
                    + length);
        }
        Path path = resolve(location, t, src, what);
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (offset > size || expected > size - offset) {
                throw src.fail(t.pointer(), t.name(), what + ": external file \"" + OnnxSource.abbreviate(location)
                        + "\" has " + size + " bytes, too few for " + expected + " bytes at offset " + offset);
            }
            ByteBuffer buf = ByteBuffer.allocate((int) expected);
            while (buf.hasRemaining()) {
                if (ch.read(buf, offset + buf.position()) < 0) {
                    throw src.fail(t.pointer(), t.name(), what + ": external file \"" + OnnxSource.abbreviate(location)
                            + "\" ended early");
                }
            }
            return buf.array();
        } catch (NoSuchFileException e) {
            throw src.fail(t.pointer(), t.name(), what + ": external data file \"" + OnnxSource.abbreviate(location)
                    + "\" does not exist (looked in " + src.dir() + ")");
        } catch (IOException e) {
            throw src.fail(t.pointer(), t.name(), what + ": cannot read external data file \""
                    + OnnxSource.abbreviate(location) + "\": " + e.getMessage(), e);
        }
    }

    private static long number(StringEntry e, TensorProto t, OnnxSource src, String what) {
        try {
            long v = Long.parseLong(e.value().trim());
            if (v >= 0) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw src.fail(t.pointer(), t.name(), what + ": external data " + e.key() + " \""
                + OnnxSource.abbreviate(e.value()) + "\" is not a non-negative integer");
    }

    /** The external file's path, refusing places outside the model's folder. */
    private static Path resolve(String location, TensorProto t, OnnxSource src, String what) {
        Path rel;
        try {
            rel = Path.of(location);
        } catch (InvalidPathException e) {
            throw src.fail(t.pointer(), t.name(), what + ": invalid external data location \""
                    + OnnxSource.abbreviate(location) + "\"");
        }
        Path resolved = src.dir().resolve(rel).normalize();
        if (src.limits().allowOutsideFiles()) {
            return resolved;
        }
        boolean escapes = rel.isAbsolute() || location.startsWith("/") || location.startsWith("\\");
        for (Path part : rel) {
            escapes |= part.toString().equals("..");
        }
        if (escapes) {
            throw src.fail(t.pointer(), t.name(), what + ": external data file \"" + OnnxSource.abbreviate(location)
                    + "\" is outside the model's folder (no absolute paths or '..'; use --allow-outside-files to "
                    + "permit)");
        }
        try {
            if (Files.exists(resolved) && !resolved.toRealPath().startsWith(src.dir().toRealPath())) {
                throw src.fail(t.pointer(), t.name(), what + ": external data file \""
                        + OnnxSource.abbreviate(location) + "\" links outside the model's folder (use "
                        + "--allow-outside-files to permit)");
            }
        } catch (IOException e) {
            throw src.fail(t.pointer(), t.name(), what + ": cannot resolve external data file \""
                    + OnnxSource.abbreviate(location) + "\": " + e.getMessage(), e);
        }
        return resolved;
    }
}

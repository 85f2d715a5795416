package dev.gradcheck.io;

import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.io.BoundedZip;
import dev.gradcheck.engine.io.FileKinds;
import dev.gradcheck.engine.io.Npy;
import dev.gradcheck.engine.io.Npz;
import dev.gradcheck.engine.io.ReadBudget;
import dev.gradcheck.engine.io.StoredTensor;
import dev.gradcheck.engine.io.TensorFileException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.ZipEntry;

/**
 * Tensor files by format: {@code .npz}, {@code .npy}, {@code .safetensors} and PyTorch state dicts
 * ({@code .pt}, {@code .pth}), recognised by their first bytes (the name's extension decides only
 * when the content matches none), read within a {@link ReadBudget}; {@code .npz} and
 * {@code .safetensors} written.
 */
public final class TensorFiles {
    private static final byte[] NPY_MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

    /** The formats. */
    public enum Format {
        /** NumPy's zip of {@code .npy} arrays. */
        NPZ(".npz"),
        /** One NumPy array. */
        NPY(".npy"),
        /** Hugging Face's safetensors. */
        SAFETENSORS(".safetensors"),
        /** A PyTorch state dict ({@code torch.save}, zip format). */
        TORCH(".pt");

        private final String extension;

        Format(String extension) {
            this.extension = extension;
        }

        /** The usual file name extension, with its dot. */
        public String extension() {
            return extension;
        }

        /** The format a file name's extension names, or null. */
        public static Format ofName(Path file) {
            String n = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
            if (n.endsWith(".npz")) {
                return NPZ;
            }
            if (n.endsWith(".npy")) {
                return NPY;
            }
            if (n.endsWith(".safetensors")) {
                return SAFETENSORS;
            }
            if (n.endsWith(".pt") || n.endsWith(".pth")) {
                return TORCH;
            }
            return null;
        }
    }

    private TensorFiles() {
    }

    /**
     * Every tensor in {@code file}, a regular file, in the file's order, with the types they were
     * stored in. The file's directory or header is checked against {@code budget} as a whole
     * before any tensor is read, and each tensor (8 bytes per element) before it is allocated.
     *
     * @param maxElements the most elements one tensor may have
     * @throws TensorFileException naming the file, the tensor and the problem
     */
    public static List<StoredTensor> read(Path file, long maxElements, ReadBudget budget) throws TensorFileException {
        long size = FileKinds.requireRegular(file);
        byte[] head = head(file, size);
        Format byName = Format.ofName(file);
        try {
            if (startsWith(head, NPY_MAGIC)) {
                return List.of(Npy.read(file, maxElements, budget));
            }
            if (startsWith(head, new byte[] {'P', 'K', 3, 4}) || startsWith(head, new byte[] {'P', 'K', 5, 6})) {
                String kind = byName == Format.TORCH ? "PyTorch (zip)" : ".npz (zip)";
                try (BoundedZip zip = BoundedZip.open(file, budget, kind)) {
                    return isTorch(zip) ? TorchStateDict.read(zip, file, maxElements, budget)
                            : Npz.read(zip, file, maxElements, budget);
                }
            }
            if (looksLikeSafetensors(head, size)) {
                return Safetensors.read(file, maxElements, budget);
            }
            if (head.length > 1 && (head[0] & 0xff) == 0x80 && head[1] >= 2 && head[1] <= 5) {
                throw new TensorFileException(file.toString(), null, "a pickle, not a zip: a PyTorch file in the "
                        + "legacy format (before 1.6, or _use_new_zipfile_serialization=False); re-save it with "
                        + "torch.save from PyTorch 1.6 or later");
            }
            if (byName == Format.NPZ) {
                return Npz.read(file, maxElements, budget);
            }
            if (byName == Format.NPY) {
                return List.of(Npy.read(file, maxElements, budget));
            }
            if (byName == Format.SAFETENSORS) {
                return Safetensors.read(file, maxElements, budget);
            }
            if (byName == Format.TORCH) {
                return TorchStateDict.read(file, maxElements, budget);
            }
        } catch (TensorFileException e) {
            throw e;
        } catch (IOException e) {
            throw new TensorFileException(file.toString(), null, "cannot read: " + e.getMessage(), e);
        }
        throw new TensorFileException(file.toString(), null, "not a tensor file: expected .npz, .npy, .safetensors or "
                + "a PyTorch .pt state dict" + (size == 0 ? " (the file is empty)" : ""));
    }

    /**
     * Writes {@code tensors} in the format of {@code target}'s extension ({@code .npz} or
     * {@code .safetensors}) to {@code file} (which may be a temporary file beside the target).
     *
     * @throws IllegalArgumentException when the extension names no format that is written
     */
    public static void write(Path file, Path target, Map<String, Tensor> tensors) throws IOException {
        Format f = writable(target);
        if (f == Format.SAFETENSORS) {
            Safetensors.write(file, tensors);
        } else {
            Npz.write(file, tensors);
        }
    }

    /**
     * The format written to {@code target}, by its extension.
     *
     * @throws IllegalArgumentException naming the formats written, for any other extension
     */
    public static Format writable(Path target) {
        Format f = Format.ofName(target);
        if (f == Format.NPZ || f == Format.SAFETENSORS) {
            return f;
        }
        throw new IllegalArgumentException(target + ": " + (f == null ? "unknown file type" : "writing " + f.extension()
                + " files is not supported") + "; name it .npz or .safetensors");
    }

    private static boolean isTorch(BoundedZip zip) {
        for (ZipEntry e : zip.entries()) {
            if (e.getName().endsWith("data.pkl")) {
                return true;
            }
        }
        return false;
    }

    /** An 8-byte little-endian length that fits the file, then a '{'. */
    private static boolean looksLikeSafetensors(byte[] head, long size) {
        if (head.length < 9 || head[8] != '{') {
            return false;
        }
        long n = ByteBuffer.wrap(head, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        return n >= 2 && n <= size - 8;
    }

    private static byte[] head(Path file, long size) throws TensorFileException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes((int) Math.min(16, size));
        } catch (IOException e) {
            throw new TensorFileException(file.toString(), null, "cannot read: " + e.getMessage(), e);
        }
    }

    private static boolean startsWith(byte[] head, byte[] prefix) {
        return head.length >= prefix.length && Arrays.equals(Arrays.copyOf(head, prefix.length), prefix);
    }
}

package dev.gradcheck.model;

import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.io.Npy;
import dev.gradcheck.engine.io.Npz;
import dev.gradcheck.engine.io.TensorFileException;
import dev.gradcheck.io.OutputFile;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Tensors in NumPy files, for {@code --values}, {@code --grads} and {@code grads --out}: reads
 * {@code .npz} (all arrays, by key) and {@code .npy} (one array, under the file's stem), float64
 * and int64 in C order; writes {@code .npz}. Every problem is a {@link ModelFileException} naming
 * the file and the array.
 */
public final class DataFiles {
    private DataFiles() {
    }

    /** Every array of {@code file}, by name, with no element limit beyond the JVM's. */
    public static Map<String, Tensor> read(Path file) {
        return read(file, Integer.MAX_VALUE - 8);
    }

    /** Every array of {@code file}, refusing (before allocating) any array over {@code maxElements}. */
    public static Map<String, Tensor> read(Path file, long maxElements) {
        if (!Files.exists(file)) {
            throw new ModelFileException(file, null, -1, -1, null, "no such file");
        }
        Map<String, Tensor> out;
        try {
            String fn = file.getFileName().toString();
            if (fn.endsWith(".npy")) {
                out = new LinkedHashMap<>();
                out.put(fn.substring(0, fn.length() - 4), Npy.read(file, cap(maxElements)));
            } else {
                out = Npz.read(file, cap(maxElements)); // refused from the header, before allocating
            }
        } catch (TensorFileException e) {
            throw new ModelFileException(file, null, -1, -1, e.key(),
                    (e.key() == null ? "" : "array '" + e.key() + "': ") + e.problem(), e);
        } catch (IOException e) {
            throw new ModelFileException(file, null, -1, -1, null, "cannot read: " + e.getMessage(), e);
        }
        for (Map.Entry<String, Tensor> e : out.entrySet()) {
            if (e.getValue().size() > maxElements) {
                throw new ModelFileException(file, null, -1, -1, e.getKey(), "array '" + e.getKey() + "' of shape "
                        + e.getValue().shape() + " has more than the limit of " + maxElements + " elements");
            }
        }
        return out;
    }

    /** The readers' own ceiling still applies when the caller allows more. */
    private static long cap(long maxElements) {
        return Math.min(maxElements, Npy.MAX_ELEMENTS);
    }

    /**
     * Writes {@code tensors} to {@code out} as a {@code .npz} file: to a temporary file in the same
     * folder, then moved (or, when not overwriting, hard-linked) into place atomically, so a reader
     * never sees a half-written file and an existing file is never replaced without
     * {@code overwrite}.
     *
     * @param overwrite replace an existing regular file (otherwise refuse, as without {@code --force})
     * @throws IOException on a write error, {@link FileAlreadyExistsException} when the file exists
     *     and not {@code overwrite}, or {@link OutputFile.NotRegularException} when it is a device,
     *     a FIFO or a directory
     */
    public static void writeNpz(Path out, Map<String, Tensor> tensors, boolean overwrite) throws IOException {
        OutputFile.write(out, overwrite, tmp -> Npz.write(tmp, tensors));
    }
}

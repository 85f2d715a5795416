package dev.gradcheck.model;

import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.io.Npy;
import dev.gradcheck.engine.io.Npz;
import dev.gradcheck.engine.io.ReadBudget;
import dev.gradcheck.engine.io.StoredTensor;
import dev.gradcheck.engine.io.TensorFileException;
import dev.gradcheck.io.OutputFile;
import dev.gradcheck.io.TensorFiles;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Tensor files for {@code --values}, {@code --grads}, {@code grads --out} and {@code init.file}:
 * reads {@code .npz} (all arrays, by key), {@code .npy} (one array, under the file's stem),
 * {@code .safetensors} and PyTorch {@code .pt}/{@code .pth} state dicts (by their content; see
 * {@link TensorFiles}), float64 and int64 as they are and float32 widened to float64; writes
 * {@code .npz}. Every problem is a {@link ModelFileException} naming the file and the array.
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
        return arrays(read(file, maxElements, ReadBudget.standard()));
    }

    /**
     * Every array of {@code file}, in the file's order, with the types they were stored in. The
     * whole file is refused, before any array is read, when its directory or header declares more
     * than {@code budget} holds; each array when it has more than {@code maxElements} elements.
     *
     * @throws ModelFileException naming the file, the array and the problem
     */
    public static List<StoredTensor> read(Path file, long maxElements, ReadBudget budget) {
        List<StoredTensor> out;
        try {
            out = TensorFiles.read(file, cap(maxElements), budget);
        } catch (TensorFileException e) {
            throw new ModelFileException(file, null, -1, -1, e.key(),
                    (e.key() == null ? "" : "array '" + e.key() + "': ") + e.problem(), e);
        }
        for (StoredTensor t : out) {
            if (t.tensor().size() > maxElements) {
                throw new ModelFileException(file, null, -1, -1, t.key(), "array '" + t.key() + "' of shape "
                        + t.tensor().shape() + " has more than the limit of " + maxElements + " elements");
            }
        }
        return out;
    }

    /** The arrays by name, in the file's order. */
    public static Map<String, Tensor> arrays(List<StoredTensor> tensors) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (StoredTensor t : tensors) {
            out.put(t.key(), t.tensor());
        }
        return out;
    }

    /**
     * A line for the report when some arrays were stored narrower than they are held, e.g.
     * {@code v.safetensors: float32 values widened to float64: W, b}; null when none were.
     */
    public static String widenedNote(Path file, List<StoredTensor> tensors) {
        List<String> names = new ArrayList<>();
        java.util.Set<String> stored = new java.util.LinkedHashSet<>();
        java.util.Set<String> held = new java.util.LinkedHashSet<>();
        for (StoredTensor t : tensors) {
            if (t.widened()) {
                names.add(t.key());
                stored.add(t.stored());
                held.add(t.tensor().dtype().label());
            }
        }
        if (names.isEmpty()) {
            return null;
        }
        String list = names.size() <= 8 ? String.join(", ", names)
                : String.join(", ", names.subList(0, 8)) + " and " + (names.size() - 8) + " more";
        // "double precision" is said of float values only: int32 indices widened to int64 stay exact integers
        String why = held.contains("float64") ? " (computed in double precision)" : " (exactly)";
        return file + ": " + String.join("/", stored) + " values widened to " + String.join("/", held) + why + ": "
                + list;
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

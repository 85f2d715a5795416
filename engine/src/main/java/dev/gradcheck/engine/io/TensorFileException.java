package dev.gradcheck.engine.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A {@code .npy} or {@code .npz} file that cannot be read or written as a tensor: bad magic,
 * truncated header or data, unsupported dtype or layout, a shape that does not match the data, a
 * missing key. The message names the file, the key (for an {@code .npz} entry) and the problem,
 * e.g. {@code values.npz: key 'W1': data truncated: shape [4, 16] of <f8 needs 512 bytes, found 100}.
 */
public class TensorFileException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String file;
    private final String key;
    private final String problem;

    /**
     * @param file the file's name or path, as the user gave it
     * @param key the entry's key inside an {@code .npz}, or null for a plain {@code .npy}
     * @param problem what is wrong, in words
     */
    public TensorFileException(String file, String key, String problem) {
        this(file, key, problem, null);
    }

    /** As {@link #TensorFileException(String, String, String)}, with the underlying cause. */
    public TensorFileException(String file, String key, String problem, Throwable cause) {
        super(format(file, key, problem), cause);
        this.file = file;
        this.key = key;
        this.problem = problem;
    }

    /** As {@link #TensorFileException(String, String, String)} for a path. */
    public TensorFileException(Path file, String key, String problem) {
        this(String.valueOf(file), key, problem, null);
    }

    private static String format(String file, String key, String problem) {
        return file + ": " + (key == null ? "" : "key '" + key + "': ") + problem;
    }

    /** The file, as given. */
    public String file() {
        return file;
    }

    /** The {@code .npz} key, or null. */
    public String key() {
        return key;
    }

    /** The problem alone, without file and key. */
    public String problem() {
        return problem;
    }
}

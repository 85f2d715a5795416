package dev.gradcheck.engine.io;

/**
 * The bytes one tensor file (or the data files of one model, which share a budget) may bring
 * into memory, checked before anything is allocated: first the total the file's directory or
 * header declares, as a whole, before any array is read; then each array's decoded size (8 bytes
 * per element, as the engine holds it) before it is allocated.
 *
 * <p>Not thread-safe: one budget belongs to one reader at a time.
 */
public final class ReadBudget {
    private final long limit;
    private final String origin;
    private long used;

    private ReadBudget(long limit, String origin) {
        if (limit < 0) {
            throw new IllegalArgumentException("a budget cannot be negative: " + limit);
        }
        this.limit = limit;
        this.origin = origin;
    }

    /**
     * A budget of {@code bytes}.
     *
     * @param origin where the number comes from, for messages, e.g. {@code "--max-model-elements × 8"}
     */
    public static ReadBudget of(long bytes, String origin) {
        return new ReadBudget(bytes, origin);
    }

    /** The budget of a reader called without one: {@link Npy#MAX_ELEMENTS} float64 values (2 GiB). */
    public static ReadBudget standard() {
        return new ReadBudget(Npy.MAX_ELEMENTS * 8, "the reader's ceiling of 2^28 elements");
    }

    /** {@code elements × 8} bytes, saturating at {@link Long#MAX_VALUE}. */
    public static long bytesOfDoubles(long elements) {
        return elements > Long.MAX_VALUE / 8 ? Long.MAX_VALUE : elements * 8;
    }

    /** The whole budget, in bytes. */
    public long limit() {
        return limit;
    }

    /** The bytes not yet taken. */
    public long remaining() {
        return limit - used;
    }

    /**
     * Refuses a file whose directory or header declares more than the remaining budget, before
     * any of it is read.
     *
     * @param declared the bytes the file declares, in total
     * @param what what declared them, e.g. {@code "its zip directory"}
     */
    public void checkDeclared(String file, long declared, String what) throws TensorFileException {
        if (declared < 0 || declared > remaining()) {
            throw new TensorFileException(file, null, what + " declares " + (declared < 0 ? "more than 2^63" : declared)
                    + " bytes in total, over the budget of " + remaining() + " bytes" + (used > 0 ? " left" : "")
                    + " for " + (used > 0 ? "the model's data files" : "one file") + " (" + origin
                    + "); nothing was read");
        }
    }

    /**
     * Takes {@code bytes} for the array {@code key} before it is allocated.
     *
     * @throws TensorFileException when the budget does not hold them
     */
    public void take(String file, String key, long bytes) throws TensorFileException {
        if (bytes < 0 || bytes > remaining()) {
            throw new TensorFileException(file, key, "reading this array would bring the arrays read to "
                    + (bytes < 0 || used > Long.MAX_VALUE - bytes ? "more than 2^63" : used + bytes)
                    + " bytes, over the budget of " + limit + " bytes (" + origin + ")");
        }
        used += bytes;
    }
}

package dev.gradcheck.engine;

/**
 * Element types. Values are always held as {@code double}; {@link #INT64} marks tensors of
 * integers (indices, class targets), which never get gradients.
 */
public enum DType {
    FLOAT64("float64"),
    INT64("int64");

    private final String label;

    DType(String label) {
        this.label = label;
    }

    /** The NumPy/PyTorch name: {@code float64} or {@code int64}. */
    public String label() {
        return label;
    }

    /** The dtype named {@code float64} or {@code int64}, or null. */
    public static DType byLabel(String label) {
        for (DType d : values()) {
            if (d.label.equals(label)) {
                return d;
            }
        }
        return null;
    }
}

package dev.gradcheck.engine.io;

import dev.gradcheck.engine.DType;
import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.internal.TensorAccess;

/**
 * A tensor read from a file, with the element type it was stored in: {@code float32},
 * {@code float16}, {@code bfloat16} and {@code int32} values are widened exactly to the engine's
 * float64 and int64, and a report should say so.
 *
 * @param key the tensor's name in the file
 * @param tensor the tensor, float64 or int64
 * @param stored the element type in the file: {@code float64}, {@code float32}, {@code float16}, {@code bfloat16}, {@code int64} or {@code int32}
 */
public record StoredTensor(String key, Tensor tensor, String stored) {
    /**
     * A tensor over {@code values} as they are (no copy: the caller gives them up), for readers of
     * other file formats.
     */
    public static StoredTensor wrap(String key, double[] values, Shape shape, DType dtype, String stored) {
        if (values.length != shape.size()) {
            throw new IllegalArgumentException(values.length + " values for shape " + shape);
        }
        return new StoredTensor(key, TensorAccess.wrap(values, shape, dtype), stored);
    }

    /** True when the file held a narrower type than the tensor does. */
    public boolean widened() {
        return !stored.equals(tensor.dtype().label());
    }
}

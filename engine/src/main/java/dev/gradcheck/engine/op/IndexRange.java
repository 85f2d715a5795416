package dev.gradcheck.engine.op;

import dev.gradcheck.engine.Shape;
import java.util.function.ToIntFunction;

/**
 * The valid values of an int64 input, known from the shapes alone: class targets lie in
 * [0, classes) (or equal {@code ignore_index}), embedding indices in [0, num_embeddings). Model
 * loaders check given values against it before running anything.
 *
 * @param what what the values are, in words ({@code class target}, {@code embedding index})
 * @param limit the exclusive upper bound from the op's input shapes (PyTorch's positional order),
 *     or a negative number when those shapes do not fix one
 * @param ignoreAttr the attribute holding a value that is allowed anyway ({@code ignore_index}),
 *     or null
 */
public record IndexRange(String what, ToIntFunction<Shape[]> limit, String ignoreAttr) {
    /**
     * Indices into dimension {@code dim} of input {@code input} (for a 1-D input, into its only
     * dimension, as PyTorch's unbatched class inputs).
     */
    public static IndexRange into(String what, int input, int dim, String ignoreAttr) {
        return new IndexRange(what, shapes -> {
            Shape s = shapes[input];
            if (s.rank() == 0) {
                return -1;
            }
            return s.rank() == 1 ? s.dim(0) : s.dim(dim);
        }, ignoreAttr);
    }

    /** The bound for these input shapes, or a negative number when they do not fix one. */
    public int limitFor(Shape[] shapes) {
        return limit.applyAsInt(shapes);
    }
}

package dev.gradcheck.engine.op;

import dev.gradcheck.engine.Attrs;
import dev.gradcheck.engine.Tensor;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * One set of arguments an op can be checked at, as PyTorch's OpInfo sample inputs.
 *
 * @param inputs the tensor inputs (fresh, not requiring grad)
 * @param attrs the attributes given (defaults may be left out)
 */
public record Sample(Tensor[] inputs, Attrs attrs) {
    /** Shapes and attributes, e.g. {@code [2, 3], [3] {dim=-1}}. */
    @Override
    public String toString() {
        return Arrays.stream(inputs).map(t -> t.shape().toString()).collect(Collectors.joining(", "))
                + (attrs.names().isEmpty() ? "" : " " + attrs);
    }
}

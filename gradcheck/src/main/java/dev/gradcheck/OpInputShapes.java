package dev.gradcheck;

import dev.gradcheck.model.Limits;
import java.util.Arrays;

/**
 * Validates the shapes a user's {@link CustomOp#inputShapes()} returns before any input is
 * allocated for them, with the limits a model file's tensors have ({@link Limits}): at least one
 * input (an op checked at none would pass having checked nothing), no null, no
 * negative dimension, at most {@value #MAX_DIMENSIONS} dimensions, at most
 * {@link Limits#maxElementsPerTensor()} elements per input and {@link Limits#maxElementsPerModel()}
 * over all inputs together. An absurd shape thus becomes a message naming the op, the shape and
 * the limit instead of an {@code OutOfMemoryError} or a {@code NegativeArraySizeException}.
 */
final class OpInputShapes {
    /** The most dimensions of one shape, as in a model file. */
    static final int MAX_DIMENSIONS = 32;
    /** The longest Java array a JVM allocates. */
    private static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

    private OpInputShapes() {
    }

    /**
     * A deep copy of {@code shapes} (the op cannot change them under the check), once valid.
     *
     * @param op the op's name, for the message
     * @throws IllegalArgumentException naming the op, the input, its shape and the limit broken
     */
    static int[][] validate(String op, int[][] shapes, Limits limits) {
        String who = "inputShapes() of op '" + op + "'";
        if (shapes == null) {
            throw new IllegalArgumentException(who + " returned null");
        }
        if (shapes.length == 0) {
            // an op checked at no input has nothing to check: that is no pass
            throw new IllegalArgumentException(who + " returned no shapes: the shape set has no inputs, so there is"
                    + " nothing to check");
        }
        int[][] copy = new int[shapes.length][];
        long total = 0;
        for (int i = 0; i < shapes.length; i++) {
            int[] s = shapes[i] == null ? null : shapes[i].clone();
            if (s == null) {
                throw new IllegalArgumentException(who + ": the shape of input " + i + " is null");
            }
            if (s.length > MAX_DIMENSIONS) {
                throw new IllegalArgumentException(who + ": the shape of input " + i + " has " + s.length
                        + " dimensions; at most " + MAX_DIMENSIONS + " are allowed");
            }
            long perTensor = Math.min(limits.maxElementsPerTensor(), MAX_ARRAY);
            long n = 1;
            for (int d : s) {
                if (d < 0) {
                    throw new IllegalArgumentException(who + ": negative dimension " + d + " in shape "
                            + Arrays.toString(s) + " of input " + i);
                }
                // a zero dimension still counts as one, so that [0, huge, huge] cannot overflow the count
                long f = Math.max(d, 1);
                if (n > perTensor / f) {
                    throw new IllegalArgumentException(who + ": shape " + Arrays.toString(s) + " of input " + i
                            + (perTensor < limits.maxElementsPerTensor()
                                    ? " has more elements than a Java array holds (" + MAX_ARRAY + ")"
                                    : " has more than the limit of " + perTensor + " elements per tensor"));
                }
                n *= f;
            }
            total += Arrays.stream(s).anyMatch(d -> d == 0) ? 0 : n;
            if (total > limits.maxElementsPerModel()) {
                throw new IllegalArgumentException(who + ": the inputs hold more than the limit of "
                        + limits.maxElementsPerModel() + " elements together, reached at input " + i + " "
                        + Arrays.toString(s));
            }
            copy[i] = s;
        }
        return copy;
    }
}

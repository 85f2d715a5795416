package dev.gradcheck.engine.op;

import dev.gradcheck.engine.Shape;

/**
 * How a class-score input of a classification loss is laid out, as PyTorch reads it: {@code N}
 * batches, {@code C} classes along dimension 1 (along 0 for an unbatched 1-D input) and {@code S}
 * positions per batch entry, the product of the dimensions after 1; entry (n, c, s) is at
 * {@code (n·C + c)·S + s} in row-major order. Positions are counted even when there are no
 * classes: PyTorch's per-position output of a [2, 0, 3] input has 6 entries.
 *
 * @param batches N (1 for a 0-D or 1-D input)
 * @param classes C (1 for a 0-D input)
 * @param positions S (1 for an input of rank 2 or less)
 */
public record ClassLayout(int batches, int classes, int positions) {
    /** The layout of an input of shape {@code input}. */
    public static ClassLayout of(Shape input) {
        int rank = input.rank();
        if (rank <= 1) {
            return new ClassLayout(1, rank == 0 ? 1 : input.dim(0), 1);
        }
        int positions = 1;
        for (int d = 2; d < rank; d++) {
            positions *= input.dim(d);
        }
        return new ClassLayout(input.dim(0), input.dim(1), positions);
    }

    /** How many predictions the input holds: one per batch entry and position. */
    public long predictions() {
        return (long) batches * positions;
    }

    /** The row-major index of class {@code c} at batch entry {@code n} and position {@code s}. */
    public int index(int n, int c, int s) {
        return (n * classes + c) * positions + s;
    }
}

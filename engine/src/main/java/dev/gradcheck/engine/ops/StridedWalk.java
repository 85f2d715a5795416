package dev.gradcheck.engine.ops;

/**
 * A row-major walk over the index space {@code dims} (last dimension fastest) that keeps, for
 * each of a few arrays addressed with their own strides, the flat offset of the current index.
 * A stride of 0 repeats an entry along that dimension, which is how broadcast operands and
 * reduction targets are read and written. This is the carry logic of every strided kernel
 * (broadcasting, summing back, reducing, permuting), kept in one place.
 */
final class StridedWalk {
    private final int[] dims;
    private final int[][] strides;
    private final int[] idx;
    private final int[] offsets;

    /** A walk at index 0 (all offsets 0); {@code strides[k]} has one stride per dimension. */
    StridedWalk(int[] dims, int[]... strides) {
        this.dims = dims;
        this.strides = strides;
        this.idx = new int[dims.length];
        this.offsets = new int[strides.length];
    }

    /** The flat offset of the current index in the array addressed by {@code strides[k]}. */
    int offset(int k) {
        return offsets[k];
    }

    /** Steps to the next index; after the last one the walk is back at index 0. */
    void next() {
        for (int d = dims.length - 1; d >= 0; d--) {
            idx[d]++;
            for (int k = 0; k < offsets.length; k++) {
                offsets[k] += strides[k][d];
            }
            if (idx[d] < dims[d]) {
                return;
            }
            for (int k = 0; k < offsets.length; k++) {
                offsets[k] -= strides[k][d] * dims[d];
            }
            idx[d] = 0;
        }
    }
}

package dev.gradcheck.internal;

import java.util.Arrays;

/** Flat row-major offsets to multi-dimensional indices and back, and shape printing. */
public final class Indexing {
    private Indexing() {
    }

    public static int[] unravel(int flat, int[] shape) {
        int[] idx = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            if (shape[d] > 0) {
                idx[d] = flat % shape[d];
                flat /= shape[d];
            }
        }
        return idx;
    }

    public static int[] strides(int[] shape) {
        int[] s = new int[shape.length];
        int acc = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            s[d] = acc;
            acc *= shape[d];
        }
        return s;
    }

    public static long size(int[] shape) {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    /** The flat row-major offset of {@code index} in {@code shape}. */
    public static int flat(int[] index, int[] shape) {
        int[] s = strides(shape);
        int k = 0;
        for (int d = 0; d < index.length; d++) {
            k += index[d] * s[d];
        }
        return k;
    }

    /** {@code [8, 4]}. */
    public static String format(int[] shapeOrIndex) {
        return Arrays.toString(shapeOrIndex);
    }
}

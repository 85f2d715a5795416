package dev.gradcheck.engine;

import java.util.Arrays;

/**
 * The dimensions of a row-major tensor. Immutable; rank 0 is a scalar.
 *
 * <p>Shapes print as {@code [8, 4]} everywhere (a scalar as {@code []}), so that error messages,
 * reports and the CLI all read alike.
 */
public final class Shape {
    /** The shape of a 0-d tensor. */
    public static final Shape SCALAR = new Shape(new int[0]);

    /** The largest number of elements one tensor may hold (a Java array's limit). */
    public static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

    private final int[] dims;
    private final int size;

    private Shape(int[] dims) {
        long n = 1;
        for (int d : dims) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension " + d + " in shape " + Arrays.toString(dims));
            }
            n *= d;
            if (n > MAX_ELEMENTS) {
                throw new IllegalArgumentException("shape " + Arrays.toString(dims) + " has more than "
                        + MAX_ELEMENTS + " elements");
            }
        }
        this.dims = dims;
        this.size = (int) n;
    }

    /** A shape with the given dimensions (copied); each must be non-negative. */
    public static Shape of(int... dims) {
        return dims.length == 0 ? SCALAR : new Shape(dims.clone());
    }

    /** The number of dimensions. */
    public int rank() {
        return dims.length;
    }

    /** Dimension {@code i}; a negative {@code i} counts from the end. */
    public int dim(int i) {
        return dims[i < 0 ? i + dims.length : i];
    }

    /** A copy of the dimensions. */
    public int[] dims() {
        return dims.clone();
    }

    /** The number of elements (1 for a scalar). */
    public int size() {
        return size;
    }

    /** The multi-dimensional index of row-major offset {@code flat} (in [0, size())). */
    public int[] unravel(int flat) {
        int[] idx = new int[dims.length];
        for (int d = dims.length - 1; d >= 0; d--) {
            idx[d] = flat % dims[d];
            flat /= dims[d];
        }
        return idx;
    }

    /** Row-major strides, in elements. */
    public int[] strides() {
        int[] s = new int[dims.length];
        int acc = 1;
        for (int i = dims.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= dims[i];
        }
        return s;
    }

    /**
     * Wraps a possibly negative dimension index into {@code [0, rank)}, as PyTorch does.
     *
     * @throws ShapeException naming {@code op} when the dimension is out of range
     */
    public int normalizeDim(int dim, String op) {
        return normalizeDim(dim, dims.length, op, this);
    }

    /** Like {@link #normalizeDim(int, String)} for a rank other than this shape's (e.g. unsqueeze). */
    public static int normalizeDim(int dim, int rank, String op, Shape shape) {
        int lo = -Math.max(rank, 1);
        int hi = Math.max(rank, 1) - 1;
        if (dim < lo || dim > hi) {
            throw new ShapeException(op + ": dimension " + dim + " is out of range for shape " + shape
                    + " (expected to be in range of [" + lo + ", " + hi + "])");
        }
        return dim < 0 ? dim + Math.max(rank, 1) : dim;
    }

    /** This shape with dimension {@code i} replaced. */
    public Shape with(int i, int value) {
        int[] d = dims.clone();
        d[i] = value;
        return new Shape(d);
    }

    /**
     * The NumPy/PyTorch broadcast of two shapes: aligned at the right, each pair of dimensions
     * equal or one of them 1.
     *
     * @throws ShapeException naming {@code op} and both shapes when they do not broadcast
     */
    public static Shape broadcast(String op, Shape a, Shape b) {
        if (a.equals(b)) {
            return a;
        }
        int rank = Math.max(a.rank(), b.rank());
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int da = i < rank - a.rank() ? 1 : a.dims[i - (rank - a.rank())];
            int db = i < rank - b.rank() ? 1 : b.dims[i - (rank - b.rank())];
            if (da != db && da != 1 && db != 1) {
                throw new ShapeException(op + ": shapes " + a + " and " + b + " do not broadcast: dimension "
                        + (i - rank) + " is " + da + " in one and " + db + " in the other");
            }
            out[i] = da == 1 ? db : da;
        }
        return new Shape(out);
    }

    /** True when this shape broadcasts to {@code target} (every dimension matches or is 1, aligned right). */
    public boolean broadcastsTo(Shape target) {
        if (rank() > target.rank()) {
            return false;
        }
        int off = target.rank() - rank();
        for (int i = 0; i < rank(); i++) {
            if (dims[i] != 1 && dims[i] != target.dims[i + off]) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o == this || o instanceof Shape && Arrays.equals(dims, ((Shape) o).dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    /** {@code [8, 4]}; a scalar prints as {@code []}. */
    @Override
    public String toString() {
        return Arrays.toString(dims);
    }
}

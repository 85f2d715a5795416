package dev.gradcheck.internal.diagnosis;

/**
 * The backward reshapes a non-square matrix where it should transpose it: analytic = J'ᵀ·gradOutput,
 * J the forward's Jacobian by central differences ({@link JacobianProbe#matrix}) and J' the same
 * with one of its matrices read in the wrong memory order. J is seen in blocks, the input as rows
 * of its last dim (S rows of q) and the output as R rows of p; the matrix re-read is either the
 * p x q one inside each block (the output cut in as many rows as the input has, R = S: dx =
 * g·W.reshape(out, in) for y = x·W, where g·Wᵀ is right) or the R x S one of the blocks (the output
 * cut in rows of the input's row length, p = q: dW = x.reshape(in, batch)·g, where xᵀ·g is right),
 * its entries taken row by row where they are stored column by column or the reverse. A square
 * matrix read so is transposed, {@link NotTransposedFinding}'s; a matrix of one row or column is
 * unchanged. Every entry compared, every one matching (within its tolerance and the product's
 * finite-difference error), 3 or more telling it from the numeric value.
 */
final class ReshapedFinding implements Finding {
    static final String KIND = "reshaped";

    /** How the backward read a rows x cols matrix's entries. */
    enum Order {
        /** Stored column by column, read row by row. */
        COLUMNS_READ_AS_ROWS("taken row by row where they are stored column by column"),
        /** Stored row by row, read column by column. */
        ROWS_READ_AS_COLUMNS("taken column by column where they are stored row by row");

        final String words;

        Order(String words) {
            this.words = words;
        }

        /** The flat row-major place in the true matrix of the entry the backward used at (i, j). */
        int source(int i, int j, int rows, int cols) {
            if (this == COLUMNS_READ_AS_ROWS) {
                int k = i * cols + j;
                return (k % rows) * cols + k / rows;
            }
            return j * rows + i; // its column-major place, read as the row-major one
        }
    }

    @Override
    public Diagnosis test(Evidence e) {
        JacobianProbe p = e.jacobian;
        int rank = e.shape.length;
        if (!e.full || rank == 0 || e.size() < 3 || p == null || p.inputSize() != e.size()) {
            return null;
        }
        int n = e.size();
        int m = p.outputSize();
        int q = e.shape[rank - 1];
        int s = n / q;
        boolean inner = m % s == 0 && m / s != q && m / s > 1 && q > 1;
        boolean outer = m % q == 0 && m / q != s && m / q > 1 && s > 1;
        if (!inner && !outer) {
            return null;
        }
        JacobianProbe.Matrix jacobian = p.matrix();
        if (jacobian == null) {
            return null;
        }
        double[] u = p.gradOutput();
        for (Order order : Order.values()) {
            if (inner && jacobian.predictsEveryEntry(e, innerReread(u, m / s, q, order), 3)) {
                return Diagnosis.of(KIND, wording(e, true, s, s, m / s, q, order));
            }
            if (outer && jacobian.predictsEveryEntry(e, outerReread(u, m / q, s, q, order), 3)) {
                return Diagnosis.of(KIND, wording(e, false, m / q, s, q, q, order));
            }
        }
        return null;
    }

    /**
     * J'ᵀ·u at input entry (row b, column c) with each block's p x q matrix re-read: Σ over output
     * rows r and their entries a of J[r·p + a', b·q + c'] u[r·p + a], (a', c') the entry read at (a, c).
     */
    private static JacobianProbe.Hypothesis innerReread(double[] u, int p, int q, Order order) {
        int rows = u.length / p;
        return (columns, j) -> {
            int b = j / q;
            int c = j % q;
            double sum = 0;
            for (int a = 0; a < p; a++) {
                int src = order.source(a, c, p, q);
                double[] column = columns[b * q + src % q];
                for (int r = 0; r < rows; r++) {
                    sum += column[r * p + src / q] * u[r * p + a];
                }
            }
            return sum;
        };
    }

    /**
     * J'ᵀ·u at input entry (row b, column c) with the R x S matrix of blocks re-read: Σ over output
     * rows r and their entries a of J[r'·p + a, b'·q + c] u[r·p + a], (r', b') the block read at (r, b).
     */
    private static JacobianProbe.Hypothesis outerReread(double[] u, int rows, int s, int p, Order order) {
        return (columns, j) -> {
            int b = j / p;
            int c = j % p;
            double sum = 0;
            for (int r = 0; r < rows; r++) {
                int src = order.source(r, b, rows, s);
                double[] column = columns[(src % s) * p + c];
                int base = (src / s) * p;
                for (int a = 0; a < p; a++) {
                    sum += column[base + a] * u[r * p + a];
                }
            }
            return sum;
        };
    }

    /**
     * Which matrix was re-read, how, and the likely code for it; the output seen as {@code outRows}
     * rows of p, the input as {@code inRows} rows of q.
     */
    private static String wording(Evidence e, boolean inner, int outRows, int inRows, int p, int q, Order order) {
        String from = "a row of " + q + " input entries, the input's last dim, to a row of " + p + " outputs";
        String matrix;
        String example;
        if (inner) {
            matrix = "each of its " + p + " x " + q + " blocks (from " + from + ") read in the wrong memory order: its"
                    + " entries";
            example = order == Order.COLUMNS_READ_AS_ROWS
                    ? "dx = g·W.reshape(" + p + ", " + q + ") for y = x·W with W of shape [" + q + ", " + p
                            + "], where g·Wᵀ is right"
                    : "dx = g·W.reshape(" + q + ", " + p + ")ᵀ for y = x·Wᵀ with W of shape [" + p + ", " + q
                            + "], where g·W is right";
        } else {
            matrix = "its blocks (each from " + from + "), the entries of a " + outRows + " x " + inRows + " matrix,"
                    + " read in the wrong memory order: the blocks";
            example = order == Order.ROWS_READ_AS_COLUMNS
                    ? "dW = x.reshape(" + inRows + ", " + outRows + ")·g for y = x·W with x of shape [" + outRows
                            + ", " + inRows + "], where xᵀ·g is right"
                    : "dW = xᵀ.reshape(" + outRows + ", " + inRows + ")ᵀ·g for y = x·W with x of shape [" + outRows
                            + ", " + inRows + "], where xᵀ·g is right";
        }
        return "analytic equals J'ᵀ·gradOutput" + e.every + ", where the gradient is Jᵀ·gradOutput (J the forward's"
                + " Jacobian by central differences, J' the same with " + matrix + " " + order.words + "): the backward"
                + " reshapes a matrix where it should transpose it (e.g. " + example + ")";
    }
}

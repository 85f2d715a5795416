package dev.gradcheck.kernels;

import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.ops.Kernels;
import java.util.function.DoubleBinaryOperator;

/**
 * The fast forward of add, sub (alpha 1) and mul: {@code x + y}, {@code x − y} and {@code x · y}
 * with broadcasting, with the loops written out per operation for the layouts training runs into
 * all the time: equal shapes, a scalar operand, and a row repeated along leading dimensions (a
 * bias). The reference, {@link Kernels#zip}, calls a
 * {@link DoubleBinaryOperator} per element from one shared loop, which the JIT cannot inline once
 * many ops use it (about 1.3 ns an element); these loops compile on their own and vectorise. Every
 * element is the one IEEE operation on the same pair of values, so the bits are those of
 * {@code zip} with the matching operator; other layouts go through {@code zip}.
 */
final class Arithmetic {
    /** The three operations. */
    enum Op {
        ADD(Double::sum), SUB((a, b) -> a - b), MUL((a, b) -> a * b);

        final DoubleBinaryOperator f;

        Op(DoubleBinaryOperator f) {
            this.f = f;
        }
    }

    private Arithmetic() {
    }

    /** {@code x op y}, both broadcast to {@code out}. */
    static double[] zip(Op op, double[] x, Shape xs, double[] y, Shape ys, Shape out) {
        double[] r = new double[out.size()];
        boolean xFull = xs.equals(out);
        boolean yFull = ys.equals(out);
        if (xFull && yFull) {
            block(op, x, y, r);
        } else if (xFull && ys.size() == 1) {
            right(op, x, y[0], r);
        } else if (yFull && xs.size() == 1) {
            left(op, x[0], y, r);
        } else if (xFull && Kernels.isTrailingBlock(ys, out) && ys.size() > 0) {
            rowsRight(op, x, y, r);
        } else if (yFull && Kernels.isTrailingBlock(xs, out) && xs.size() > 0) {
            rowsLeft(op, x, y, r);
        } else {
            return Kernels.zip(x, xs, y, ys, out, op.f);
        }
        return r;
    }

    /** {@code r[i] = x[i] op y[i]}. */
    private static void block(Op op, double[] x, double[] y, double[] r) {
        switch (op) {
            case ADD:
                for (int i = 0; i < r.length; i++) {
                    r[i] = x[i] + y[i];
                }
                break;
            case SUB:
                for (int i = 0; i < r.length; i++) {
                    r[i] = x[i] - y[i];
                }
                break;
            default:
                for (int i = 0; i < r.length; i++) {
                    r[i] = x[i] * y[i];
                }
                break;
        }
    }

    /**
     * {@code r[o + j] = x[o + j] op y[j]}: y repeats along the leading dimensions. The rows of y are
     * laid into r first, then one flat loop combines them ({@code x[i] op r[i]}, the same operands
     * in the same order): a loop nested per row is not vectorised as well.
     */
    private static void rowsRight(Op op, double[] x, double[] y, double[] r) {
        for (int o = 0; o < r.length; o += y.length) {
            System.arraycopy(y, 0, r, o, y.length);
        }
        switch (op) {
            case ADD:
                for (int i = 0; i < r.length; i++) {
                    r[i] = x[i] + r[i];
                }
                break;
            case SUB:
                for (int i = 0; i < r.length; i++) {
                    r[i] = x[i] - r[i];
                }
                break;
            default:
                for (int i = 0; i < r.length; i++) {
                    r[i] = x[i] * r[i];
                }
                break;
        }
    }

    /** {@code r[o + j] = x[j] op y[o + j]}: x repeats along the leading dimensions (as {@link #rowsRight}). */
    private static void rowsLeft(Op op, double[] x, double[] y, double[] r) {
        for (int o = 0; o < r.length; o += x.length) {
            System.arraycopy(x, 0, r, o, x.length);
        }
        switch (op) {
            case ADD:
                for (int i = 0; i < r.length; i++) {
                    r[i] = r[i] + y[i];
                }
                break;
            case SUB:
                for (int i = 0; i < r.length; i++) {
                    r[i] = r[i] - y[i];
                }
                break;
            default:
                for (int i = 0; i < r.length; i++) {
                    r[i] = r[i] * y[i];
                }
                break;
        }
    }

    /** {@code r[i] = x[i] op b}. */
    private static void right(Op op, double[] x, double b, double[] r) {
        switch (op) {
            case ADD:
                for (int i = 0; i < r.length; i++) {
                    r[i] = x[i] + b;
                }
                break;
            case SUB:
                for (int i = 0; i < r.length; i++) {
                    r[i] = x[i] - b;
                }
                break;
            default:
                for (int i = 0; i < r.length; i++) {
                    r[i] = x[i] * b;
                }
                break;
        }
    }

    /** {@code r[i] = a op y[i]}. */
    private static void left(Op op, double a, double[] y, double[] r) {
        switch (op) {
            case ADD:
                for (int i = 0; i < r.length; i++) {
                    r[i] = a + y[i];
                }
                break;
            case SUB:
                for (int i = 0; i < r.length; i++) {
                    r[i] = a - y[i];
                }
                break;
            default:
                for (int i = 0; i < r.length; i++) {
                    r[i] = a * y[i];
                }
                break;
        }
    }
}

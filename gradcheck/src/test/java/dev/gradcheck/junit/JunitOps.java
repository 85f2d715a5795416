package dev.gradcheck.junit;

import dev.gradcheck.CustomOp;
import dev.gradcheck.DifferentiableFunction;
import dev.gradcheck.Domain;
import dev.gradcheck.PerturbableFunction;
import java.util.concurrent.atomic.AtomicLong;
import dev.gradcheck.testing.Sneaky;

/** Ops for the extension's tests: correct ones, planted bugs and faulty user code. */
public final class JunitOps {
    private JunitOps() {
    }

    /** A factory for {@code op = "dev.gradcheck.junit.JunitOps#swish"}. */
    static CustomOp swish() {
        return new Swish();
    }

    static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    /** y = x · sigmoid(x), correct. */
    public static class Swish implements CustomOp {
        @Override
        public String name() {
            return "swish";
        }

        @Override
        public int[][] inputShapes() {
            return new int[][] {{4, 8}};
        }

        @Override
        public double[] forward(double[][] in) {
            double[] y = new double[in[0].length];
            for (int i = 0; i < y.length; i++) {
                y[i] = in[0][i] * sigmoid(in[0][i]);
            }
            return y;
        }

        @Override
        public double[][] backward(double[][] in, double[] g) {
            double[] x = in[0];
            double[] dx = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                double s = sigmoid(x[i]);
                dx[i] = g[i] * (s + x[i] * s * (1 - s));
            }
            return new double[][] {dx};
        }
    }

    /** Planted bug: backward has an extra factor 2. */
    public static class DoubledSwish extends Swish {
        @Override
        public String name() {
            return "doubled_swish";
        }

        @Override
        public double[][] backward(double[][] in, double[] g) {
            double[] dx = super.backward(in, g)[0];
            for (int i = 0; i < dx.length; i++) {
                dx[i] *= 2;
            }
            return new double[][] {dx};
        }
    }

    /** x ⊙ w with broadcasting of a vector w over the rows of x, correct; two inputs. */
    public static class RowScale implements DifferentiableFunction {
        @Override
        public double[] forward(double[][] in) {
            double[] x = in[0];
            double[] w = in[1];
            double[] y = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                y[i] = x[i] * w[i % w.length];
            }
            return y;
        }

        @Override
        public double[][] backward(double[][] in, double[] g) {
            double[] x = in[0];
            double[] w = in[1];
            double[] dx = new double[x.length];
            double[] dw = new double[w.length];
            for (int i = 0; i < x.length; i++) {
                dx[i] = g[i] * w[i % w.length];
                dw[i % w.length] += g[i] * x[i];
            }
            return new double[][] {dx, dw};
        }
    }

    /** {@link RowScale} as a CustomOp: two inputs, [2, 3] and [3]. */
    public static class RowScaleOp extends RowScale implements CustomOp {
        @Override
        public String name() {
            return "row_scale";
        }

        @Override
        public int[][] inputShapes() {
            return new int[][] {{2, 3}, {3}};
        }
    }

    /** Faulty: forward never returns and ignores interrupts. */
    public static class Looping extends Swish {
        static volatile long spins;

        @Override
        public String name() {
            return "looping";
        }

        @Override
        public double[] forward(double[][] in) {
            while (in.length >= 0) {
                spins++;
            }
            return new double[0];
        }
    }

    /** Faulty: the constructor throws. */
    public static class ThrowingConstructor extends Swish {
        public ThrowingConstructor() {
            throw new IllegalStateException("no GPU found");
        }
    }

    /** Faulty: backward throws. */
    public static class Throwing extends Swish {
        @Override
        public String name() {
            return "throwing";
        }

        @Override
        public double[][] backward(double[][] in, double[] g) {
            throw new IllegalStateException("backward not implemented for rank " + 2);
        }
    }

    /** Faulty: forward fails a Java assert-style check (an Error, not an Exception). */
    public static class Asserting extends Swish {
        @Override
        public String name() {
            return "asserting";
        }

        @Override
        public double[] forward(double[][] in) {
            throw new AssertionError("x must be positive");
        }
    }

    /** Faulty: backward throws a checked exception sneakily (as Kotlin, or Lombok's @SneakyThrows, may). */
    public static class SneakyThrowing extends Swish {
        @Override
        public String name() {
            return "sneaky";
        }

        @Override
        public double[][] backward(double[][] in, double[] g) {
            return Sneaky.<RuntimeException, double[][]>sneakyThrow(new java.io.IOException("kernel.bin: no such file"));
        }
    }


    /** Faulty: backward gives NaN for negative inputs (log of a negative number). */
    public static class NanBackward extends Swish {
        @Override
        public String name() {
            return "nan_backward";
        }

        @Override
        public double[][] backward(double[][] in, double[] g) {
            double[] dx = super.backward(in, g)[0];
            for (int i = 0; i < dx.length; i++) {
                dx[i] += 0 * Math.log(in[0][i]);
            }
            return new double[][] {dx};
        }
    }

    /** Faulty: backward drops the last gradient entry. */
    public static class WrongSize extends Swish {
        @Override
        public String name() {
            return "wrong_size";
        }

        @Override
        public double[][] backward(double[][] in, double[] g) {
            double[] dx = super.backward(in, g)[0];
            return new double[][] {java.util.Arrays.copyOf(dx, dx.length - 1)};
        }
    }

    /** Faulty: backward overwrites its input in place. */
    public static class Mutating extends Swish {
        @Override
        public String name() {
            return "mutating";
        }

        @Override
        public double[][] backward(double[][] in, double[] g) {
            double[][] r = super.backward(in, g);
            in[0][0] = 0;
            return r;
        }
    }

    /** Faulty: name() throws. */
    public static class NameThrowing extends Swish {
        @Override
        public String name() {
            throw new IllegalStateException("no name yet");
        }
    }

    /** Faulty: inputShapes() returns null. */
    public static class NullShapes extends Swish {
        @Override
        public String name() {
            return "null_shapes";
        }

        @Override
        public int[][] inputShapes() {
            return null;
        }
    }

    /** Faulty: forward gives NaN at one output entry, wherever it is evaluated. */
    public static class NanForward extends Swish {
        @Override
        public String name() {
            return "nan_forward";
        }

        @Override
        public double[] forward(double[][] in) {
            double[] y = super.forward(in);
            y[2] = Double.NaN;
            return y;
        }
    }

    /** Faulty: forward squashes its input in place (an in-place activation); the gradient is right. */
    public static class MutatingForward extends Swish {
        @Override
        public String name() {
            return "mutating_forward";
        }

        @Override
        public double[] forward(double[][] in) {
            double[] y = super.forward(in);
            in[0][0] = Math.tanh(in[0][0]);
            return y;
        }
    }

    /** Faulty: a forward rule with the wrong sign; forward and backward right. */
    public static class WrongSignJvp extends Swish implements dev.gradcheck.ForwardDifferentiable {
        @Override
        public String name() {
            return "wrong_sign_jvp";
        }

        @Override
        public double[] jvp(double[][] in, double[][] t) {
            double[] x = in[0];
            double[] out = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                double s = sigmoid(x[i]);
                out[i] = -t[0][i] * (s + x[i] * s * (1 - s));
            }
            return out;
        }
    }

    /** Faulty: backward adds a tiny drift that changes from call to call. */
    public static class Nondeterministic extends Swish {
        private int calls;

        @Override
        public String name() {
            return "nondeterministic";
        }

        @Override
        public synchronized double[][] backward(double[][] in, double[] g) {
            double[] dx = super.backward(in, g)[0];
            calls++;
            dx[0] += 1e-9 * g[0] * calls;
            return new double[][] {dx};
        }
    }

    /**
     * sqrt(1 + x), correct, declaring x ≥ 0; its forward throws where it is undefined, x < -1, which
     * standard-normal draws reach. (The declared domain keeps clear of -1, where the derivative
     * blows up: the checker's finite differences step up to a tenth of max(1, |x|) from the point.)
     */
    public static class Sqrt1p implements CustomOp {
        @Override
        public String name() {
            return "sqrt1p";
        }

        @Override
        public int[][] inputShapes() {
            return new int[][] {{4, 8}};
        }

        @Override
        public Domain domain(int input) {
            return Domain.atLeast(0);
        }

        @Override
        public double[] forward(double[][] in) {
            double[] y = new double[in[0].length];
            for (int i = 0; i < y.length; i++) {
                if (!(in[0][i] >= -1)) {
                    throw new IllegalArgumentException("sqrt1p of " + in[0][i] + ": x must be at least -1");
                }
                y[i] = Math.sqrt(1 + in[0][i]);
            }
            return y;
        }

        @Override
        public double[][] backward(double[][] in, double[] g) {
            double[] dx = new double[g.length];
            for (int i = 0; i < dx.length; i++) {
                dx[i] = g[i] / (2 * Math.sqrt(1 + in[0][i]));
            }
            return new double[][] {dx};
        }
    }

    /** Row {@code index} of a [4, 3] table, correct; the index is declared an integer in [0, 3], and the forward throws outside. */
    public static class Lookup extends dev.gradcheck.testing.TableLookup {
        public Lookup() {
            super("lookup", false);
        }
    }

    /** y = x², its backward wrong (x 1.5) only where |x| > 1e5: only large magnitudes find it. */
    public static class SquareWrongBeyond1e5 implements CustomOp {
        @Override
        public String name() {
            return "square_wrong_beyond_1e5";
        }

        @Override
        public int[][] inputShapes() {
            return new int[][] {{8}};
        }

        @Override
        public double[] forward(double[][] in) {
            double[] y = new double[in[0].length];
            for (int i = 0; i < y.length; i++) {
                y[i] = in[0][i] * in[0][i];
            }
            return y;
        }

        @Override
        public double[][] backward(double[][] in, double[] g) {
            double[] dx = new double[g.length];
            for (int i = 0; i < dx.length; i++) {
                double x = in[0][i];
                dx[i] = g[i] * 2 * x * (Math.abs(x) > 1e5 ? 1.5 : 1);
            }
            return new double[][] {dx};
        }
    }

    /** sum(x²), correct, with single-entry and whole-input evaluations that count their calls. */
    public static class CountedSumOfSquares implements CustomOp, PerturbableFunction {
        public final AtomicLong evaluations = new AtomicLong();

        @Override
        public String name() {
            return "counted_sum_of_squares";
        }

        @Override
        public int[][] inputShapes() {
            return new int[][] {{3}};
        }

        private static double sumOfSquares(double[] x) {
            double s = 0;
            for (double v : x) {
                s += v * v;
            }
            return s;
        }

        @Override
        public double[] forward(double[][] in) {
            return new double[] {sumOfSquares(in[0])};
        }

        @Override
        public double[][] backward(double[][] in, double[] g) {
            double[] dx = new double[in[0].length];
            for (int i = 0; i < dx.length; i++) {
                dx[i] = 2 * in[0][i] * g[0];
            }
            return new double[][] {dx};
        }

        @Override
        public Perturbed perturbedAt(double[][] point) {
            double[] x = point[0].clone();
            return (input, index, value) -> {
                evaluations.incrementAndGet();
                double[] y = x.clone();
                y[index] = value;
                return sumOfSquares(y);
            };
        }

        @Override
        public InputPerturbed inputPerturbedAt(double[][] point) {
            return (input, values) -> {
                evaluations.incrementAndGet();
                return sumOfSquares(values);
            };
        }
    }
}

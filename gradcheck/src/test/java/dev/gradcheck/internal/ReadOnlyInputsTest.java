package dev.gradcheck.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcheck.CheckOptions;
import dev.gradcheck.CheckResult;
import dev.gradcheck.DifferentiableFunction;
import dev.gradcheck.KinkPolicy;
import dev.gradcheck.Mode;
import dev.gradcheck.Status;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The checker gives a {@link ReadOnlyInputs} function (its own adapters) the point itself, and a
 * user's function copies it watches for writes; either way the caller's arrays come back as they
 * were, even when the point is resampled.
 */
class ReadOnlyInputsTest {
    private static final int[][] SHAPES = {{3}, {2}};
    private static final String[] NAMES = {"a", "b"};

    /** f(a, b) = Σ a_j² + 3 Σ b_j, recording the arrays each call is given. */
    private static class Recording implements DifferentiableFunction {
        final List<double[][]> forwards = new ArrayList<>();
        final List<double[][]> backwards = new ArrayList<>();

        @Override
        public double[] forward(double[][] in) {
            synchronized (this) {
                forwards.add(in.clone());
            }
            double s = 0;
            for (double v : in[0]) {
                s += v * v;
            }
            for (double v : in[1]) {
                s += 3 * v;
            }
            return new double[] {s};
        }

        @Override
        public double[][] backward(double[][] in, double[] go) {
            synchronized (this) {
                backwards.add(in.clone());
            }
            double[] ga = new double[in[0].length];
            for (int j = 0; j < ga.length; j++) {
                ga[j] = 2 * in[0][j] * go[0];
            }
            double[] gb = new double[in[1].length];
            java.util.Arrays.fill(gb, 3 * go[0]);
            return new double[][] {ga, gb};
        }
    }

    private static final class Trusted extends Recording implements ReadOnlyInputs {
    }

    private static double[][] point() {
        return new double[][] {{0.5, -1.25, 2}, {0.75, -3}};
    }

    private static String describe(List<CheckResult> r) {
        StringBuilder b = new StringBuilder();
        for (CheckResult c : r) {
            b.append(c.name()).append(' ').append(c.status()).append(": ").append(c.diagnosis()).append("; ");
        }
        return b.toString();
    }

    private static List<CheckResult> check(DifferentiableFunction f, double[][] x, Mode mode) {
        return Checker.check(f, x, SHAPES, NAMES, CheckOptions.defaults().withMode(mode).withThreads(2));
    }

    @Test
    void aReadOnlyFunctionIsGivenThePointItself() {
        for (Mode mode : new Mode[] {Mode.FAST, Mode.FULL}) {
            Trusted f = new Trusted();
            double[][] x = point();
            List<CheckResult> r = check(f, x, mode);
            assertTrue(r.stream().allMatch(CheckResult::passed), () -> mode + ": " + describe(r));
            // the forward at the point and every backward: the caller's arrays, no copies
            assertSame(x[0], f.forwards.get(0)[0], mode + ": forward at the point");
            assertSame(x[1], f.forwards.get(0)[1], mode + ": forward at the point");
            assertEquals(4, f.backwards.size(), mode + ": backward at u, again at u, at 2u and at 0");
            for (double[][] b : f.backwards) {
                assertSame(x[0], b[0], mode + ": backward");
                assertSame(x[1], b[1], mode + ": backward");
            }
            // a moved input is a copy of its own; the other is the point's array
            for (double[][] in : f.forwards) {
                assertTrue(in[0] == x[0] || in[1] == x[1], mode + ": a forward was given copies of both inputs");
            }
            assertArrayEquals(point()[0], x[0], mode + ": the caller's array changed");
            assertArrayEquals(point()[1], x[1], mode + ": the caller's array changed");
        }
    }

    @Test
    void aUsersFunctionIsGivenCopies() {
        for (Mode mode : new Mode[] {Mode.FAST, Mode.FULL}) {
            Recording f = new Recording();
            double[][] x = point();
            List<CheckResult> r = check(f, x, mode);
            assertTrue(r.stream().allMatch(CheckResult::passed), () -> mode + ": " + describe(r));
            for (double[][] in : f.forwards) {
                assertNotSame(x[0], in[0], mode + ": forward");
                assertNotSame(x[1], in[1], mode + ": forward");
            }
            for (double[][] in : f.backwards) {
                assertNotSame(x[0], in[0], mode + ": backward");
                assertNotSame(x[1], in[1], mode + ": backward");
            }
        }
    }

    @Test
    void aUsersBackwardWritingToAnInputIsReportedAndTheCallersArraysKept() {
        for (Mode mode : new Mode[] {Mode.FAST, Mode.FULL}) {
            Recording f = new Recording() {
                @Override
                public double[][] backward(double[][] in, double[] go) {
                    double[][] g = super.backward(in, go);
                    in[1][1] = 42; // scribbles on the input it does not need
                    return g;
                }
            };
            double[][] x = point();
            List<CheckResult> r = check(f, x, mode);
            for (CheckResult c : r) {
                assertEquals(Status.FAIL, c.status(), mode + ": " + c.name() + ": " + c.diagnosis());
                assertEquals("backward mutates its input (input 'b' entry [1] changed)", c.diagnosis(),
                        mode + ": " + c.name());
            }
            assertArrayEquals(point()[0], x[0], mode + ": the caller's array changed");
            assertArrayEquals(point()[1], x[1], mode + ": the caller's array changed");
        }
    }

    @Test
    void resamplingMovesACopyNotTheCallersArrays() {
        // Σ relu(a) at a kink (a_0 = 0, subgradient 0): resampled off it, on the checker's own copy
        class Relu implements DifferentiableFunction, ReadOnlyInputs {
            @Override
            public double[] forward(double[][] in) {
                return new double[] {Math.max(0, in[0][0]) + Math.max(0, in[0][1])};
            }

            @Override
            public double[][] backward(double[][] in, double[] go) {
                return new double[][] {{in[0][0] > 0 ? go[0] : 0, in[0][1] > 0 ? go[0] : 0}};
            }
        }
        double[] a = {0, 1.5};
        List<CheckResult> r = Checker.check(new Relu(), new double[][] {a}, new int[][] {{2}}, new String[] {"a"},
                CheckOptions.defaults().withMode(Mode.FULL).withKinkPolicy(KinkPolicy.RESAMPLE));
        CheckResult c = r.get(0);
        assertEquals(Status.PASS, c.status(), c::diagnosis);
        assertTrue(c.diagnosis() != null && c.diagnosis().contains("point resampled 1 time(s)"),
                () -> "expected a note of one resample, got: " + c.diagnosis());
        assertArrayEquals(new double[] {0, 1.5}, a, "the caller's array changed");
    }
}

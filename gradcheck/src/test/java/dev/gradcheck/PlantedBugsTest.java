package dev.gradcheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcheck.testing.LambdaOp;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every diagnosis of the checker issue, each from a planted bug: caught (status fail) and named. */
class PlantedBugsTest {
    private static final int M = 3;
    private static final int K = 4;
    private static final int N = 5;

    private static CheckResult failing(CheckReport r, String input, String... phrases) {
        CheckResult c = r.check(input);
        assertEquals(Status.FAIL, c.status(), () -> "expected a failure of '" + input + "', got:\n" + r.toText());
        assertFalse(r.passed());
        assertNotNull(c.diagnosis(), () -> "no diagnosis:\n" + r.toText());
        for (String p : phrases) {
            assertTrue(c.diagnosis().contains(p), () -> "diagnosis should contain '" + p + "', got: " + c.diagnosis()
                    + "\n" + r.toText());
        }
        return c;
    }

    private static GradCheck matmulCheck(Fn.MatmulBackward back, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        return GradCheck.of(Fn.matmulOp(M, K, N, back))
                .at(Fn.randn(rng, M * K), Fn.randn(rng, K * N)).shapes(new int[] {M, K}, new int[] {K, N})
                .names("A", "B").seed(seed);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void extraFactorOfTwo(long seed) {
        CheckReport r = matmulCheck((a, b, g, m, k, n) -> {
            double[][] d = Fn.matmulGrads(a, b, g, m, k, n);
            for (int i = 0; i < d[0].length; i++) {
                d[0][i] *= 2;
            }
            return d;
        }, seed).check();
        failing(r, "A", "analytic = 2.0 x numeric on every entry", "extra factor of 2");
        assertEquals(Status.PASS, r.check("B").status(), r::toText);
    }

    @Test
    void batchSizeFactor() {
        // mean over a batch of 8 whose backward forgets to divide by 8
        Fn mean = Fn.of(in -> new double[] {Arrays.stream(in[0]).map(v -> v * v).sum() / 8}, (in, go) -> {
            double[] d = new double[8];
            for (int i = 0; i < 8; i++) {
                d[i] = 2 * in[0][i] * go[0];
            }
            return new double[][] {d};
        });
        CheckReport r = GradCheck.of(mean).at(Fn.randn(new SplittableRandom(3), 8)).check();
        failing(r, "input0", "analytic = 8.0 x numeric", "batch of 8");
    }

    @Test
    void missingFactor() {
        Fn sq = Fn.elementwise(v -> v * v, v -> v); // derivative should be 2v
        CheckReport r = GradCheck.of(sq).at(Fn.randn(new SplittableRandom(4), 6)).check();
        failing(r, "input0", "analytic = 0.5 x numeric", "missing factor of 2");
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void signFlipped(long seed) {
        Fn tanh = Fn.elementwise(Math::tanh, v -> -(1 - Math.tanh(v) * Math.tanh(v)));
        CheckReport r = GradCheck.of(tanh).at(Fn.randn(new SplittableRandom(seed), 7)).seed(seed).check();
        failing(r, "input0", "sign flipped");
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void forgottenTranspose(long seed) {
        // dA computed as B·Gᵀ ([k, m]) instead of G·Bᵀ ([m, k]): same size, transposed layout
        CheckReport r = matmulCheck((a, b, g, m, k, n) -> {
            double[][] d = Fn.matmulGrads(a, b, g, m, k, n);
            d[0] = Fn.matmul(b, Fn.transpose(g, m, n), k, n, m);
            return d;
        }, seed).check();
        failing(r, "A", "transposed", "forgotten transpose");
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void offByOne(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] w = Fn.randn(rng, 10);
        Fn scale = Fn.of(in -> {
            double[] y = new double[10];
            for (int i = 0; i < 10; i++) {
                y[i] = Math.sin(in[0][i]) * w[i];
            }
            return y;
        }, (in, go) -> {
            double[] d = new double[10];
            for (int i = 0; i < 9; i++) {
                d[i] = go[i + 1] * Math.cos(in[0][i + 1]) * w[i + 1]; // reads i + 1
            }
            return new double[][] {d};
        });
        CheckReport r = GradCheck.of(scale).at(Fn.randn(rng, 10)).seed(seed).check();
        failing(r, "input0", "shifted by one position", "off-by-one");
    }

    @Test
    void offByOneAlongADimension() {
        SplittableRandom rng = new SplittableRandom(9);
        Fn sinSum = Fn.of(in -> {
            double[] y = new double[in[0].length];
            for (int i = 0; i < y.length; i++) {
                y[i] = Math.sin(in[0][i]);
            }
            return y;
        }, (in, go) -> {
            // rows of a [4, 6] gradient read from the next row
            double[] d = new double[24];
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 6; j++) {
                    int src = (i + 1) * 6 + j;
                    d[i * 6 + j] = go[src] * Math.cos(in[0][src]);
                }
            }
            return new double[][] {d};
        });
        CheckReport r = GradCheck.of(sinSum).at(Fn.randn(rng, 24)).shapes(new int[] {4, 6}).check();
        failing(r, "input0", "shifted by one position along dimension 0");
    }

    @Test
    void notConnected() {
        CheckReport r = matmulCheck((a, b, g, m, k, n) -> {
            double[][] d = Fn.matmulGrads(a, b, g, m, k, n);
            d[1] = new double[d[1].length];
            return d;
        }, 7).check();
        failing(r, "B", "zero on every entry", "not connected");
    }

    @Test
    void overwrittenInsteadOfAccumulated() {
        // f = Σ_even x² + Σ_odd sin x; the backward starts a fresh array for the second term
        Fn f = Fn.of(in -> {
            double s = 0;
            for (int i = 0; i < in[0].length; i++) {
                s += i % 2 == 0 ? in[0][i] * in[0][i] : Math.sin(in[0][i]);
            }
            return new double[] {s};
        }, (in, go) -> {
            double[] d = new double[in[0].length];
            for (int i = 0; i < d.length; i += 2) {
                d[i] = 2 * in[0][i] * go[0];
            }
            d = new double[in[0].length]; // '=' where '+=' was meant
            for (int i = 1; i < d.length; i += 2) {
                d[i] = Math.cos(in[0][i]) * go[0];
            }
            return new double[][] {d};
        });
        CheckReport r = GradCheck.of(f).at(Fn.randn(new SplittableRandom(5), 10)).check();
        failing(r, "input0", "zero on 5 of 5 wrong entries", "overwritten instead of accumulated");
    }

    @Test
    void aWrongRowWhoseValuesStandApartIsNamedAsTheRowAndTheRegion() {
        // row 2 of A holds its largest values, so "wrong only where |A| > c" fits as well as the row
        SplittableRandom rng = new SplittableRandom(7);
        double[] a = new double[M * K];
        for (int i = 0; i < a.length; i++) {
            double v = 0.2 + 0.8 * rng.nextDouble();
            a[i] = (rng.nextBoolean() ? 1 : -1) * (i / K == M - 1 ? 1.5 + v : v);
        }
        CheckReport r = GradCheck.of(Fn.matmulOp(M, K, N, (x, w, g, m, k, n) -> {
            double[][] d = Fn.matmulGrads(x, w, g, m, k, n);
            for (int p = 0; p < k; p++) {
                d[0][(m - 1) * k + p] *= 3;
            }
            return d;
        })).at(a, Fn.randn(rng, K * N)).shapes(new int[] {M, K}, new int[] {K, N}).names("A", "B").seed(7).check();
        CheckResult c = failing(r, "A", "wrong only in row 2 (the last)", "analytic = 3.0 x numeric",
                "the wrong entries are exactly those where |A| > ");
        assertEquals(List.of("slice", "factor", "region"), c.findings(), r::toText);
    }

    @Test
    void wrongOnlyInLastRow() {
        CheckReport r = matmulCheck((a, b, g, m, k, n) -> {
            double[][] d = Fn.matmulGrads(a, b, g, m, k, n);
            for (int p = 0; p < k; p++) {
                d[0][(m - 1) * k + p] = 0; // loop ran i < m - 1
            }
            return d;
        }, 11).check();
        failing(r, "A", "wrong only in row 2 (the last)", "loop bound");
    }

    @Test
    void wrongOnlyInOneColumn() {
        CheckReport r = matmulCheck((a, b, g, m, k, n) -> {
            double[][] d = Fn.matmulGrads(a, b, g, m, k, n);
            for (int p = 0; p < k; p++) {
                d[1][p * n + 1] *= 3;
            }
            return d;
        }, 12).check();
        failing(r, "B", "wrong only in column 1");
    }

    @Test
    void wrongOnlyInOneSlice() {
        Fn cube = Fn.of(in -> {
            double[] y = new double[in[0].length];
            for (int i = 0; i < y.length; i++) {
                y[i] = in[0][i] * in[0][i] * in[0][i];
            }
            return y;
        }, (in, go) -> {
            double[] d = new double[in[0].length];
            for (int i = 0; i < d.length; i++) {
                d[i] = go[i] * 3 * in[0][i] * in[0][i];
            }
            for (int i = 12; i < 24; i++) {
                d[i] = go[i] * in[0][i] * in[0][i]; // slice 1 of [3, 3, 4] forgets the 3
            }
            return new double[][] {d};
        });
        CheckReport r = GradCheck.of(cube).at(Fn.randn(new SplittableRandom(13), 36)).shapes(new int[] {3, 3, 4}).check();
        failing(r, "input0", "wrong only in slice 1 along dimension 0");
    }

    @Test
    void oneWrongEntry() {
        CheckReport r = matmulCheck((a, b, g, m, k, n) -> {
            double[][] d = Fn.matmulGrads(a, b, g, m, k, n);
            d[0][1 * k + 2] += 0.5;
            return d;
        }, 14).check();
        CheckResult c = failing(r, "A", "only entry [1, 2] is wrong");
        assertTrue(Arrays.equals(new int[] {1, 2}, c.worst().get(0).index()), r::toText);
    }

    @Test
    void nondeterministic() {
        AtomicLong calls = new AtomicLong();
        Fn noisy = Fn.of(in -> in[0].clone(), (in, go) -> {
            double[] d = go.clone();
            d[0] *= 1 + 1e-10 * calls.incrementAndGet(); // e.g. a racy reduction
            return new double[][] {d};
        });
        CheckReport r = GradCheck.of(noisy).at(new double[] {1, 2, 3}).check();
        failing(r, "input0", "nondeterministic", "two backward runs");
        // tolerated with a nondetTol above the noise
        assertTrue(GradCheck.of(noisy).at(new double[] {1, 2, 3}).nondetTol(1e-6).check().passed());
    }

    /** A layer object that keeps its forward's input for backward: right only when backward follows forward at once. */
    private static final class CachingSquare {
        private double[] lastInput;
        private final java.util.Map<String, double[]> memo = new java.util.HashMap<>();

        Fn stale() {
            return Fn.of(in -> {
                lastInput = in[0].clone();
                return Arrays.stream(in[0]).map(v -> v * v).toArray();
            }, (in, go) -> {
                double[] d = new double[go.length];
                for (int i = 0; i < d.length; i++) {
                    d[i] = go[i] * 2 * lastInput[i]; // the cached input, not in[0]
                }
                return new double[][] {d};
            });
        }

        /** The same cache keyed on the input: a legitimate memo that is never stale. */
        Fn memoised() {
            return Fn.of(in -> Arrays.stream(in[0]).map(v -> v * v).toArray(), (in, go) -> {
                double[] twice = memo.computeIfAbsent(Arrays.toString(in[0]),
                        k -> Arrays.stream(in[0]).map(v -> 2 * v).toArray());
                double[] d = new double[go.length];
                for (int i = 0; i < d.length; i++) {
                    d[i] = go[i] * twice[i];
                }
                return new double[][] {d};
            });
        }
    }

    @Test
    void backwardReadingTheLastForwardsStateIsStale() {
        for (Mode mode : Mode.values()) {
            CheckReport r = GradCheck.of(new CachingSquare().stale()).at(new double[] {0.5, -1.5, 2.0}).mode(mode).check();
            CheckResult c = failing(r, "input0", "backward depends on the last forward call, not on its inputs",
                    "after a forward at a nearby point");
            assertTrue(c.findings().contains("stale_state"), mode + ": " + c.findings());
        }
        for (Mode mode : Mode.values()) {
            assertTrue(GradCheck.of(new CachingSquare().memoised()).at(new double[] {0.5, -1.5, 2.0}).mode(mode).check()
                    .passed(), mode + ": a cache keyed on the input is no stale state");
        }
    }

    @Test
    void aForwardInFloatIsNamedNotBlamedOnTheBackward() {
        // the backward is tanh's true derivative; the forward rounds its outputs to float
        Fn floatTanh = Fn.of(in -> Arrays.stream(in[0]).map(v -> (float) Math.tanh(v)).toArray(), (in, go) -> {
            double[] d = new double[go.length];
            for (int i = 0; i < d.length; i++) {
                double t = Math.tanh(in[0][i]);
                d[i] = go[i] * (1 - t * t);
            }
            return new double[][] {d};
        });
        CheckReport r = GradCheck.of(floatTanh).at(new double[] {8.39, -8.81, 6.13, 9.4, 0.37, -7.7}).check();
        CheckResult c = failing(r, "input0", "the forward's outputs are single-precision (float) numbers",
                "the backward is not shown wrong");
        assertEquals(List.of("float_forward"), c.findings(), r::toText);
    }

    @Test
    void aTermBesideGradOutputWithTheWrongSignIsNamed() {
        // log_softmax over 6 entries: dx = g - p·Σg, written g + p·Σg
        Fn logSoftmax = Fn.of(in -> {
            double lse = Math.log(Arrays.stream(in[0]).map(Math::exp).sum());
            return Arrays.stream(in[0]).map(v -> v - lse).toArray();
        }, (in, go) -> {
            double z = Arrays.stream(in[0]).map(Math::exp).sum();
            double sum = Arrays.stream(go).sum();
            double[] d = new double[go.length];
            for (int i = 0; i < d.length; i++) {
                d[i] = go[i] + Math.exp(in[0][i]) / z * sum;
            }
            return new double[][] {d};
        });
        CheckReport r = GradCheck.of(logSoftmax).at(new double[] {0.3, -1.2, 0.8, 2.1, -0.4, 1.1}).check();
        failing(r, "input0", "analytic = 2·gradOutput - numeric", "what the backward adds to gradOutput has the wrong"
                + " sign");
    }

    @Test
    void aGradientSentWhereTheForwardDoesNotLookIsNamed() {
        // max over windows of 3: the gradient sent to every position of the window, not the argmax
        Fn maxPool = Fn.of(in -> {
            double[] y = new double[in[0].length / 3];
            for (int w = 0; w < y.length; w++) {
                y[w] = Math.max(in[0][3 * w], Math.max(in[0][3 * w + 1], in[0][3 * w + 2]));
            }
            return y;
        }, (in, go) -> {
            double[] d = new double[in[0].length];
            for (int j = 0; j < d.length; j++) {
                d[j] = go[j / 3];
            }
            return new double[][] {d};
        });
        CheckReport r = GradCheck.of(maxPool).at(new double[] {0.3, -1.2, 0.8, 2.1, -0.4, 1.1, -0.7, 0.2, 1.6}).check();
        CheckResult c = failing(r, "input0", "analytic is non-zero on 6 entries where numeric is 0",
                "a mask the backward leaves out");
        assertEquals(List.of("unmasked"), c.findings(), r::toText);
    }

    @Test
    void ignoresGradOutput() {
        Fn exp = Fn.of(in -> Arrays.stream(in[0]).map(Math::exp).toArray(),
                (in, go) -> new double[][] {Arrays.stream(in[0]).map(Math::exp).toArray()});
        CheckReport r = GradCheck.of(exp).at(new double[] {0.1, 0.2, -0.3}).check();
        failing(r, "input0", "backward ignores gradOutput");
    }

    @Test
    void gradientNotLinearInGradOutput() {
        // uses gradOutput squared: zero still gives zero, but doubling it quadruples the gradient
        Fn squaredGo = Fn.of(in -> in[0].clone(), (in, go) -> {
            double[] d = new double[go.length];
            for (int i = 0; i < d.length; i++) {
                d[i] = go[i] * Math.abs(go[i]);
            }
            return new double[][] {d};
        });
        CheckReport r = GradCheck.of(squaredGo).at(new double[] {1, 2, 3}).check();
        failing(r, "input0", "does not scale with gradOutput");
    }

    @Test
    void zeroGradOutputGivesNonZero() {
        Fn shifted = Fn.of(in -> new double[] {in[0][0] * in[0][0]},
                (in, go) -> new double[][] {{2 * in[0][0] * go[0] + 1e-3}});
        CheckReport r = GradCheck.of(shifted).at(new double[] {0.7}).check();
        failing(r, "input0", "zero gradOutput gives a non-zero gradient");
    }

    @Test
    void mutatesInput() {
        Fn mut = Fn.of(in -> {
            in[0][1] = 0; // scribbles on its input
            return in[0].clone();
        }, (in, go) -> new double[][] {go.clone()});
        CheckReport r = GradCheck.of(mut).at(new double[] {1, 2, 3}).check();
        failing(r, "input0", "forward mutates its input", "[1]");
    }

    @Test
    void nanInBackward() {
        Fn nan = Fn.of(in -> in[0].clone(), (in, go) -> {
            double[] d = go.clone();
            d[2] = Double.NaN;
            return new double[][] {d};
        });
        CheckReport r = GradCheck.of(nan).at(new double[] {1, 2, 3, 4}).check();
        CheckResult c = failing(r, "input0", "analytic gradient is NaN at [2]");
        assertTrue(Double.isNaN(c.maxAbsError()));
        assertTrue(r.toJson().contains("\"NaN\""), r::toJson);
    }

    @Test
    void infiniteForwardNearThePoint() {
        // log(x) checked at x = 1e-7: x − h reaches 0 and the numeric derivative is infinite
        Fn log = Fn.elementwise(Math::log, v -> 1 / v);
        CheckReport r = GradCheck.of(log).at(new double[] {1e-7, 1}).eps(1e-6).check();
        failing(r, "input0", "numeric derivative is", "not finite near the point");
    }

    @Test
    void aDerivativeThatOverflowsOnBothSidesIsNotAFailure() {
        // x^400 at x = 5.86: the value 1.3e307 is finite, its derivative 400·x^399 overflows to
        // Infinity, and so does the numeric one: nothing is wrong there (Neureka's x ** y at |x| ~ 100)
        Fn pow = Fn.elementwise(v -> Math.pow(v, 400), v -> 400 * Math.pow(v, 399));
        CheckReport r = GradCheck.of(pow).at(new double[] {5.86, 1.5}).check();
        CheckResult c = r.check("input0");
        assertNotEquals(Status.FAIL, c.status(), r::toText);
        assertTrue(r.toText().contains("not finite: analytic and numeric are both Infinity") || c.passed(), r::toText);
        // an overflow of the wrong sign is still a failure
        Fn flipped = Fn.elementwise(v -> Math.pow(v, 400), v -> -400 * Math.pow(v, 399));
        assertEquals(Status.FAIL, GradCheck.of(flipped).at(new double[] {5.86}).check().check("input0").status());
    }

    @Test
    void exceptionBecomesErrorAndCheckingGoesOn() {
        Fn throwing = Fn.of(in -> in[0].clone(), (in, go) -> {
            throw new IllegalStateException("boom");
        });
        CheckReport r = GradCheck.of(throwing).at(new double[] {1, 2}).check();
        CheckResult c = r.check("input0");
        assertEquals(Status.ERROR, c.status());
        assertEquals("backward threw IllegalStateException: boom", c.error());
        assertTrue(c.cause() instanceof IllegalStateException);

        CustomOp bad = LambdaOp.named("bad").shape(2).function(throwing).build();
        CustomOp good = LambdaOp.named("good").shape(3).function(Fn.elementwise(Math::sin, Math::cos)).build();
        CheckReport ops = CustomOpCheck.run(List.of(bad, good), CheckOptions.defaults().withCommand("ops"));
        assertEquals(Status.ERROR, ops.check("bad").status(), ops::toText);
        assertEquals(Status.PASS, ops.check("good").status(), ops::toText);
        assertTrue(ops.toJson().contains("\"error\" : \"input 'input0': backward threw IllegalStateException: boom\""),
                ops::toJson);
    }

    @Test
    void exceptionDuringNumericDifferentiationErrsOneInputOnly() {
        // throws once entry 3 of input 0 moves above 1 (a domain check), on any worker thread
        Fn picky = Fn.of(in -> {
            if (in[0][3] > 1) {
                throw new ArithmeticException("x[3] out of range");
            }
            return new double[] {in[0][3] * in[1][0] + in[0][0]};
        }, (in, go) -> new double[][] {{go[0], 0, 0, go[0] * in[1][0]}, {go[0] * in[0][3]}});
        CheckReport r = GradCheck.of(picky).at(new double[] {0.5, 0.1, 0.2, 1.0}, new double[] {2.0}).names("x", "y")
                .threads(4).check();
        CheckResult x = r.check("x");
        assertEquals(Status.ERROR, x.status(), r::toText);
        assertEquals("forward threw ArithmeticException: x[3] out of range (during numeric differentiation)", x.error());
        assertEquals(Status.PASS, r.check("y").status(), r::toText);
    }

    @Test
    void wrongGradientLength() {
        Fn shortGrad = Fn.of(in -> in[0].clone(), (in, go) -> new double[][] {Arrays.copyOf(go, 5)});
        CheckReport r = GradCheck.of(shortGrad).at(new double[6]).shapes(new int[] {2, 3}).names("x").check();
        CheckResult c = r.check("x");
        assertEquals(Status.ERROR, c.status());
        assertEquals("backward returned a gradient of 5 values for input 'x' of shape [2, 3] (6 values)", c.error());
        assertEquals(null, c.diagnosis());
        assertEquals(List.of(), c.findings());
    }

    @Test
    void tooFewGradientsNameTheInputsInOrder() {
        Fn oneGrad = Fn.of(in -> new double[] {in[0][0] * in[1][0]}, (in, go) -> new double[][] {{go[0] * in[1][0]}});
        CheckReport r = GradCheck.of(oneGrad).at(new double[] {2}, new double[] {3}).names("w", "x").check();
        assertEquals(Status.ERROR, r.check("w").status(), r::toText);
        assertEquals("backward returned 1 gradient for 2 inputs (w, x): one array per input, in order",
                r.check("x").error());
    }

    @Test
    void biasGradientNotSummedOverTheBatchIsNamed() {
        // x [4, 3] + b [3]: b's gradient must be summed over the 4 rows; this backward hands back gradOutput as is
        Fn unsummed = Fn.of(in -> {
            double[] y = new double[12];
            for (int k = 0; k < 12; k++) {
                y[k] = in[0][k] + in[1][k % 3];
            }
            return y;
        }, (in, go) -> new double[][] {go.clone(), go.clone()});
        CheckReport r = GradCheck.of(unsummed).at(new double[12], new double[3]).shapes(new int[] {4, 3}, new int[] {3})
                .names("x", "b").check();
        CheckResult b = r.check("b");
        assertEquals(Status.ERROR, b.status(), r::toText);
        assertEquals("backward returned a gradient of 12 values for input 'b' of shape [3] (3 values)", b.error());
        assertEquals("the output's size: the gradient of an input broadcast along dimensions of 4 entries in all was"
                + " not summed back over them (sum it to shape [3])", b.diagnosis());
        assertEquals(List.of("unreduced_broadcast"), b.findings());
        assertEquals(Status.PASS, r.check("x").status(), r::toText);
    }

    @Test
    void gradientUnsummedOverABatchDimensionIsNamed() {
        // y [2, 5]: y[b, j] = (b + 1) * x[j % 3]; the backward hands back x's gradient per batch entry, [2, 3]
        Fn perBatch = Fn.of(in -> {
            double[] y = new double[10];
            for (int k = 0; k < 10; k++) {
                y[k] = (k / 5 + 1) * in[0][k % 5 % 3];
            }
            return y;
        }, (in, go) -> {
            double[] g = new double[6];
            for (int k = 0; k < 10; k++) {
                g[k / 5 * 3 + k % 5 % 3] += (k / 5 + 1) * go[k];
            }
            return new double[][] {g};
        });
        CheckResult x = GradCheck.of(perBatch).at(new double[3]).names("x").check().check("x");
        assertEquals(Status.ERROR, x.status());
        assertEquals("backward returned a gradient of 6 values for input 'x' of shape [3] (3 values)", x.error());
        assertEquals("2 times the input's size, and the output's 10 values are a multiple of 2: the gradient of an input"
                + " broadcast along dimensions of 2 entries in all was not summed back over them (sum it to shape [3])",
                x.diagnosis());
        assertEquals(List.of("unreduced_broadcast"), x.findings());
    }
}

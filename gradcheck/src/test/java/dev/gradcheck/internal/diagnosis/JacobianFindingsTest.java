package dev.gradcheck.internal.diagnosis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcheck.CustomOp;
import dev.gradcheck.EntryResult;
import dev.gradcheck.Status;
import dev.gradcheck.internal.Indexing;
import dev.gradcheck.testing.Conv2dLayer;
import dev.gradcheck.testing.LinearLayer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The findings that test what a wrong backward computed through the forward's Jacobian: a flipped
 * kernel of a multi-channel 2-D convolution (the input's trailing dims and the output's blocks
 * reversed) and its weight gradient written reversed, and a non-square matrix reshaped where it
 * should be transposed (linear layers of either weight layout, the dx and the dW sides). Each bug is
 * named over random shapes (batch, channels, padding, non-square) at fixed seeds (printed on
 * failure); correct gradients and other bugs never get these kinds.
 */
class JacobianFindingsTest {
    private static final double ATOL = 1e-10;
    private static final double RTOL = 1e-7;
    private static final int SEEDS = 40;

    /**
     * The evidence of input {@code input} at a random point and gradOutput: analytic from the op's
     * backward, numeric the true gradient (the right op's backward, exact for these ops), every entry
     * judged within atol + rtol·|numeric|; the forward known, as the checker gives it.
     */
    static Evidence evidence(CustomOp bug, CustomOp right, int input, SplittableRandom rng) {
        int[][] shapes = right.inputShapes();
        double[][] point = new double[shapes.length][];
        String[] names = new String[shapes.length];
        for (int i = 0; i < shapes.length; i++) {
            point[i] = gaussian(rng, (int) Indexing.size(shapes[i]));
            names[i] = "input" + i;
        }
        double[] y = right.forward(point);
        double[] g = gaussian(rng, y.length);
        double[] analytic = bug.backward(point, g)[input];
        double[] numeric = right.backward(point, g)[input];
        List<EntryResult> entries = new ArrayList<>();
        for (int k = 0; k < numeric.length; k++) {
            double allowed = ATOL + RTOL * Math.abs(numeric[k]);
            boolean ok = Math.abs(analytic[k] - numeric[k]) <= allowed;
            entries.add(new EntryResult(Indexing.unravel(k, shapes[input]), analytic[k], numeric[k], allowed,
                    Double.NaN, ok ? Status.PASS : Status.FAIL));
        }
        return Evidence.of(shapes[input], entries, Evidence.Scope.FULL).point(input, names, shapes, point)
                .output(g, y).forward(values -> {
                    double[][] moved = point.clone();
                    moved[input] = values.clone();
                    return right.forward(moved);
                }).build();
    }

    private static double[] gaussian(SplittableRandom rng, int n) {
        double[] v = new double[n];
        for (int k = 0; k < n; k++) {
            v[k] = Math.sqrt(-2 * Math.log(1 - rng.nextDouble())) * Math.cos(2 * Math.PI * rng.nextDouble());
        }
        return v;
    }

    /** A random conv: batch 1–3, channels 1–3 in and out, H, W 3–6, kernel 2–3 each way, padding 0 or 1, ≤ 256 inputs. */
    private static Conv2dLayer conv(SplittableRandom rng, String bug) {
        while (true) {
            int n = 1 + rng.nextInt(3);
            int c = 1 + rng.nextInt(3);
            int o = 1 + rng.nextInt(3);
            int h = 3 + rng.nextInt(4);
            int w = 3 + rng.nextInt(4);
            int k = 2 + rng.nextInt(2);
            int kw = bug.equals("transposedKernel") ? k : 2 + rng.nextInt(2);
            if (n * c * h * w <= JacobianProbe.MAX_ENTRIES) {
                return new Conv2dLayer(n, c, o, h, w, k, kw, rng.nextInt(2), bug);
            }
        }
    }

    private static Supplier<String> at(long seed, CustomOp op, Diagnosis d) {
        return () -> "seed " + seed + " " + op.name() + " " + Arrays.deepToString(op.inputShapes()) + ": "
                + (d == null ? "no diagnosis" : d.kinds() + " " + d.text());
    }

    @Test
    void aFlippedKernelOfAMultiChannelConvolutionIsNamed() {
        int general = 0;
        for (long seed = 0; seed < SEEDS; seed++) {
            SplittableRandom rng = new SplittableRandom(seed);
            Conv2dLayer bug = conv(rng, "flip");
            Diagnosis d = Findings.diagnose(evidence(bug, bug.withBug("ok"), 0, rng));
            assertNotNull(d, at(seed, bug, d));
            assertEquals(List.of("reversed"), d.kinds(), at(seed, bug, d));
            assertTrue(d.text().contains("a flipped kernel"), at(seed, bug, d));
            int[] s = bug.inputShapes()[0];
            int[] y = bug.outputShape();
            if (y[2] * y[3] == 1) {
                // a kernel the image's size: dx is numeric itself reversed, which is said first
                assertTrue(d.text().startsWith("analytic equals numeric reversed along dims 2 and 3 at once"),
                        at(seed, bug, d));
            } else if (s[0] * s[1] > 1) {
                general++;
                assertTrue(d.text().startsWith("analytic equals the true gradient with the input reversed along dims 2"
                        + " and 3 at once (each " + s[2] + " x " + s[3] + " slice on its own) and the output"), at(seed,
                        bug, d));
                assertTrue(d.text().contains(y[0] * y[1] == 1 ? "the output's entries reversed"
                        : "the output reversed within each of its " + y[0] * y[1] + " consecutive blocks of "
                                + y[2] * y[3] + " entries"), at(seed, bug, d));
                assertTrue(d.text().contains("w[..., kh-1-i, kw-1-j] for w[..., i, j]"), at(seed, bug, d));
            }
        }
        assertTrue(general >= SEEDS / 2, "too few multi-channel or batched convolutions drawn: " + general);
    }

    @Test
    void aKernelFlippedAlongOneAxisNamesThatAxis() {
        for (long seed = 0; seed < SEEDS / 2; seed++) {
            SplittableRandom rng = new SplittableRandom(seed);
            Conv2dLayer bug = conv(rng, "flipWidth");
            Diagnosis d = Findings.diagnose(evidence(bug, bug.withBug("ok"), 0, rng));
            assertNotNull(d, at(seed, bug, d));
            assertEquals(List.of("reversed"), d.kinds(), at(seed, bug, d));
            int[] y = bug.outputShape();
            assertTrue(d.text().contains("the input reversed along dim 3 (each line of " + bug.inputShapes()[0][3]
                    + " along it on its own) and the output reversed within each of its " + y[0] * y[1] * y[2]
                    + " consecutive blocks of " + y[3] + " entries"), at(seed, bug, d));
            assertTrue(d.text().contains("w[..., K-1-k] for w[..., k]"), at(seed, bug, d));
        }
    }

    @Test
    void aWeightGradientWrittenFlippedIsNamedAlongBothKernelDims() {
        for (long seed = 0; seed < SEEDS; seed++) {
            SplittableRandom rng = new SplittableRandom(seed);
            Conv2dLayer bug = conv(rng, "dwFlip");
            Diagnosis d = Findings.diagnose(evidence(bug, bug.withBug("ok"), 1, rng));
            assertNotNull(d, at(seed, bug, d));
            assertEquals(List.of("reversed"), d.kinds(), at(seed, bug, d));
            int[] s = bug.inputShapes()[1];
            String[] ij = {s[2] - 1 + " - i", s[3] - 1 + " - j"};
            String head = "[..., ";
            assertTrue(d.text().startsWith("analytic equals numeric reversed along dims 2 and 3 at once (analytic"
                    + head + "i, j] = numeric" + head + ij[0] + ", " + ij[1] + "]) on every entry: the gradient is"
                    + " written in reverse order"), at(seed, bug, d));
        }
    }

    /** Other bugs of the same conv: none gets a flipped kernel or a reshape, on any input. */
    @Test
    void otherConvolutionBugsAndTheRightOneGetNeitherFinding() {
        String[] others = {"ok", "offByOne", "dwFactor", "channels", "dwBatch0", "transposedKernel"};
        int failed = 0;
        for (long seed = 0; seed < SEEDS; seed++) {
            for (String other : others) {
                SplittableRandom rng = new SplittableRandom(seed);
                Conv2dLayer bug = conv(rng, other);
                for (int input = 0; input < 3; input++) {
                    Evidence e = evidence(bug, bug.withBug("ok"), input, rng);
                    failed += e.wrongCount() > 0 ? 1 : 0;
                    assertNoClaim(seed, bug, e);
                }
            }
        }
        assertTrue(failed > SEEDS * 4, "the other bugs rarely failed: " + failed);
    }

    private static void assertNoClaim(long seed, CustomOp op, Evidence e) {
        assertNull(new FlippedKernelFinding().test(e), at(seed, op, null));
        assertNull(new ReshapedFinding().test(e), at(seed, op, null));
        Diagnosis d = Findings.diagnose(e);
        if (d != null) {
            assertFalse(d.kinds().contains("reversed") || d.kinds().contains("reshaped"), at(seed, op, d));
        }
    }

    /** A random linear layer: rows 2–5 (in one or two leading dims), in ≠ out, 2–6 each. */
    private static int[] linearShape(SplittableRandom rng) {
        int in;
        int out;
        do {
            in = 2 + rng.nextInt(5);
            out = 2 + rng.nextInt(5);
        } while (in == out);
        int[] lead = rng.nextInt(3) == 0 ? new int[] {2, 1 + rng.nextInt(3)} : new int[] {2 + rng.nextInt(4)};
        int[] s = Arrays.copyOf(lead, lead.length + 2);
        s[lead.length] = in;
        s[lead.length + 1] = out;
        return s;
    }

    private static LinearLayer linear(int[] s, boolean torch, String bug) {
        return new LinearLayer(Arrays.copyOf(s, s.length - 2), s[s.length - 2], s[s.length - 1], torch, bug);
    }

    private static int rows(int[] s) {
        int r = 1;
        for (int d = 0; d < s.length - 2; d++) {
            r *= s[d];
        }
        return r;
    }

    @Test
    void aWeightReshapedWhereItShouldBeTransposedIsNamedForDx() {
        for (long seed = 0; seed < SEEDS; seed++) {
            SplittableRandom rng = new SplittableRandom(seed);
            int[] s = linearShape(rng);
            int in = s[s.length - 2];
            int out = s[s.length - 1];
            for (boolean torch : new boolean[] {false, true}) {
                LinearLayer bug = linear(s, torch, "reshaped");
                Diagnosis d = Findings.diagnose(evidence(bug, bug.withBug("ok"), 0, rng));
                assertNotNull(d, at(seed, bug, d));
                assertEquals(List.of("reshaped"), d.kinds(), at(seed, bug, d));
                assertTrue(d.text().startsWith("analytic equals J'ᵀ·gradOutput on every entry, where the gradient is"
                        + " Jᵀ·gradOutput (J the forward's Jacobian by central differences, J' the same with each of its " + out
                        + " x " + in + " blocks (from a row of " + in + " input entries, the input's last dim, to a"
                        + " row of " + out + " outputs) read in the wrong memory order"), at(seed, bug, d));
                assertTrue(d.text().endsWith(torch ? "(e.g. dx = g·W.reshape(" + in + ", " + out + ")ᵀ for y = x·Wᵀ"
                        + " with W of shape [" + out + ", " + in + "], where g·W is right)"
                        : "(e.g. dx = g·W.reshape(" + out + ", " + in + ") for y = x·W with W of shape [" + in + ", "
                                + out + "], where g·Wᵀ is right)"), at(seed, bug, d));
            }
        }
    }

    @Test
    void anInputReshapedWhereItShouldBeTransposedIsNamedForDw() {
        for (long seed = 0; seed < SEEDS; seed++) {
            SplittableRandom rng = new SplittableRandom(seed);
            int[] s = linearShape(rng);
            int in = s[s.length - 2];
            int rows = rows(s);
            for (String variant : new String[] {"dwReshaped", "dwReshapedBack"}) {
                LinearLayer bug = linear(s, false, variant);
                Diagnosis d = Findings.diagnose(evidence(bug, bug.withBug("ok"), 1, rng));
                assertNotNull(d, at(seed, bug, d));
                if (rows == in) {
                    // x square: the reshape is a transpose, the untransposed finding's
                    assertEquals(List.of("not_transposed"), d.kinds(), at(seed, bug, d));
                    continue;
                }
                assertEquals(List.of("reshaped"), d.kinds(), at(seed, bug, d));
                assertTrue(d.text().contains("), the entries of a " + rows + " x " + in + " matrix, read in the wrong"
                        + " memory order: the blocks taken "), at(seed, bug, d));
                assertTrue(d.text().endsWith(variant.equals("dwReshaped")
                        ? "(e.g. dW = x.reshape(" + in + ", " + rows + ")·g for y = x·W with x of shape [" + rows + ", "
                                + in + "], where xᵀ·g is right)"
                        : "(e.g. dW = xᵀ.reshape(" + rows + ", " + in + ")ᵀ·g for y = x·W with x of shape [" + rows
                                + ", " + in + "], where xᵀ·g is right)"), at(seed, bug, d));
            }
        }
    }

    @Test
    void aSquareWeightLeftUntransposedKeepsItsOwnFinding() {
        for (long seed = 0; seed < SEEDS / 2; seed++) {
            SplittableRandom rng = new SplittableRandom(seed);
            int d = 2 + rng.nextInt(5);
            LinearLayer bug = new LinearLayer(new int[] {4}, d, d, false, "untransposed");
            Diagnosis got = Findings.diagnose(evidence(bug, bug.withBug("ok"), 0, rng));
            assertNotNull(got, at(seed, bug, got));
            assertEquals(List.of("not_transposed"), got.kinds(), at(seed, bug, got));
        }
    }

    @Test
    void otherLinearBugsAndTheRightOneGetNeitherFinding() {
        String[] others = {"ok", "dwTransposed", "dxFactor", "biasFirstRow"};
        int failed = 0;
        for (long seed = 0; seed < SEEDS; seed++) {
            for (String other : others) {
                for (boolean torch : new boolean[] {false, true}) {
                    SplittableRandom rng = new SplittableRandom(seed);
                    int[] s = linearShape(rng);
                    LinearLayer bug = linear(s, torch, other);
                    for (int input = 0; input < 3; input++) {
                        Evidence e = evidence(bug, bug.withBug("ok"), input, rng);
                        failed += e.wrongCount() > 0 ? 1 : 0;
                        assertNoClaim(seed, bug, e);
                    }
                }
            }
        }
        assertTrue(failed >= SEEDS * 6, "the other bugs rarely failed: " + failed);
    }

    @Test
    void theLinearReshapesAreNotTakenForAFlippedKernelNorTheConvolutionsForAReshape() {
        for (long seed = 0; seed < SEEDS / 2; seed++) {
            SplittableRandom rng = new SplittableRandom(seed);
            int[] s = linearShape(rng);
            LinearLayer reshaped = linear(s, false, "reshaped");
            assertNull(new FlippedKernelFinding().test(evidence(reshaped, reshaped.withBug("ok"), 0, rng)),
                    at(seed, reshaped, null));
            Conv2dLayer flip = conv(rng, "flip");
            assertNull(new ReshapedFinding().test(evidence(flip, flip.withBug("ok"), 0, rng)), at(seed, flip, null));
        }
    }
}

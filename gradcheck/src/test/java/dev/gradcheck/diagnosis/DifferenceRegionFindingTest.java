package dev.gradcheck.diagnosis;

import static dev.gradcheck.diagnosis.FindingsTest.assertClean;
import static dev.gradcheck.diagnosis.FindingsTest.assertDiagnosed;
import static dev.gradcheck.diagnosis.FindingsTest.assertNotNamed;

import dev.gradcheck.CustomOp;
import dev.gradcheck.testing.LambdaOp;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A function of the difference of two inputs, piecewise in |x − y| (smooth L1 / Huber), one branch's
 * derivative wrong: the wrong entries are those on one side of a threshold of |input0 − input1|,
 * named with what the analytic value is there; across shapes, thresholds and reductions, at
 * FindingsTest's seeds. The correct ops, and other bugs of the same ops, do not get it.
 */
class DifferenceRegionFindingTest {
    /** Which branch of the derivative is planted wrong, and how. */
    enum Bug {
        NONE, INNER_DOUBLED, OUTER_DIFFERENCE, TARGET_SIGN, INNER_BY_X
    }

    /**
     * Smooth L1 with threshold beta over two inputs of {@code shape}: a mean (one output) or per
     * entry (reduction none), its backward with {@code bug} planted.
     */
    static CustomOp smoothL1(int[] shape, double beta, boolean mean, Bug bug) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        int size = n;
        double scale = mean ? 1.0 / n : 1;
        return LambdaOp.named("smooth_l1").shapes(shape, shape).forward(in -> {
            double[] out = new double[mean ? 1 : size];
            for (int i = 0; i < size; i++) {
                double d = in[0][i] - in[1][i];
                double a = Math.abs(d);
                out[mean ? 0 : i] += (a < beta ? 0.5 * d * d / beta : a - 0.5 * beta) * scale;
            }
            return out;
        }).backward((in, g) -> {
            double[] dx = new double[size];
            double[] dy = new double[size];
            for (int i = 0; i < size; i++) {
                double d = in[0][i] - in[1][i];
                double k;
                if (Math.abs(d) < beta) {
                    k = bug == Bug.INNER_DOUBLED ? 2 * d / beta : bug == Bug.INNER_BY_X ? d / beta * in[0][i] : d / beta;
                } else {
                    k = bug == Bug.OUTER_DIFFERENCE ? d : Math.signum(d);
                }
                dx[i] = g[mean ? 0 : i] * k * scale;
                dy[i] = bug == Bug.TARGET_SIGN ? dx[i] : -dx[i];
            }
            return new double[][] {dx, dy};
        }).build();
    }

    private static final int[][] SHAPES = {{12}, {3, 5}, {4, 8}};

    @Test
    void aDoubledInnerBranchIsWrongOnlyWhereTheDifferenceIsBelowTheThreshold() {
        for (int[] shape : SHAPES) {
            for (boolean mean : new boolean[] {true, false}) {
                assertDiagnosed(smoothL1(shape, 1, mean, Bug.INNER_DOUBLED), List.of("region", "factor"),
                        "wrong only where |input0 − input1| < 1", "analytic = 2.0 x numeric on every entry there");
            }
        }
        assertDiagnosed(smoothL1(new int[] {4, 8}, 2, true, Bug.INNER_DOUBLED), List.of("region", "factor"),
                "wrong only where |input0 − input1| < 2");
    }

    @Test
    void theOuterBranchReturningTheDifferenceForItsSignIsNamed() {
        for (int[] shape : SHAPES) {
            for (boolean mean : new boolean[] {true, false}) {
                assertDiagnosed(smoothL1(shape, 1, mean, Bug.OUTER_DIFFERENCE), List.of("times_difference"),
                        "analytic = numeric x |input0 − input1|");
            }
        }
    }

    @Test
    void correctSmoothL1GetsNoFinding() {
        for (int[] shape : SHAPES) {
            for (boolean mean : new boolean[] {true, false}) {
                assertClean(smoothL1(shape, 1, mean, Bug.NONE));
                assertClean(smoothL1(shape, 0.5, mean, Bug.NONE));
            }
        }
    }

    @Test
    void otherBugsOfTheSameOpAreNotADifferenceRegion() {
        for (int[] shape : SHAPES) {
            // the target's gradient with the prediction's sign: a sign, everywhere
            assertDiagnosed(smoothL1(shape, 1, true, Bug.TARGET_SIGN), List.of("sign"));
            assertNotNamed(smoothL1(shape, 1, true, Bug.TARGET_SIGN), "region", "times_difference");
        }
        // multiplied by one input inside a branch: not the inputs' difference
        assertNotNamed(smoothL1(new int[] {4, 8}, 1, false, Bug.INNER_BY_X), "times_difference");
    }

    @Test
    void aRegionOfOneInputIsStillNamedByThatInput() {
        // x·sin(y), the gradient for x flipped where x < 0: the input's own threshold, not a difference
        CustomOp bug = FindingsTest.binary((x, y) -> x < 0 ? -1 : 1, (x, y) -> 1);
        assertDiagnosed(bug, List.of("region", "sign"), "wrong only where input0 < 0");
        assertNotNamed(bug, "times_difference");
    }

    @Test
    void noisyBinaryGradientsGetNoDifferenceFinding() {
        assertNotNamed(FindingsTest.binaryNoisy(true, false), "region", "times_difference");
        assertNotNamed(FindingsTest.binaryNoisy(false, true), "region", "times_difference");
    }
}

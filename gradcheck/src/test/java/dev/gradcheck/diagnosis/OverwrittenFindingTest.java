package dev.gradcheck.diagnosis;

import static dev.gradcheck.diagnosis.FindingsTest.assertClean;
import static dev.gradcheck.diagnosis.FindingsTest.assertDiagnosed;
import static dev.gradcheck.diagnosis.FindingsTest.assertNotNamed;

import dev.gradcheck.CustomOp;
import dev.gradcheck.testing.LambdaOp;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A gradient assigned (=) where contributions must be added (+=): each wrong entry's analytic value
 * is one output's contribution alone. Named only when every wrong entry tested is one output's term
 * and two or more outputs contribute; never for a factor, a missing term of the same entry or a
 * correct gradient.
 */
class OverwrittenFindingTest {
    /** Rows picked by a lookup with repeats: rows 0 and 2 are used twice, row 1 once, row 3 never... */
    private static final int[] ROWS = {0, 2, 1, 0, 2, 3, 2};

    /**
     * y[r] = w[ROWS[r]]·x[r] (an embedding-like lookup scaled by the data); w's gradient written with
     * {@code assign} (the bug) or added; {@code order} = -1 walks r backwards.
     */
    static CustomOp lookup(boolean assign, int order) {
        int n = ROWS.length;
        return LambdaOp.named("scaled_lookup").shapes(new int[] {4}, new int[] {n}).forward(in -> {
            double[] y = new double[n];
            for (int r = 0; r < n; r++) {
                y[r] = in[0][ROWS[r]] * in[1][r];
            }
            return y;
        }).backward((in, g) -> {
            double[] dw = new double[4];
            double[] dx = new double[n];
            for (int i = 0; i < n; i++) {
                int r = order < 0 ? n - 1 - i : i;
                dw[ROWS[r]] = assign ? g[r] * in[1][r] : dw[ROWS[r]] + g[r] * in[1][r];
                dx[r] = g[r] * in[0][ROWS[r]];
            }
            return new double[][] {dw, dx};
        }).build();
    }

    /**
     * A valid 1-D convolution y[p] = Σ_k w[k]·x[p + k] over 6 positions; the weight's gradient
     * assigned per position ({@code bug} 1), taken from the first position only (2), or doubled (3).
     */
    static CustomOp conv(int bug) {
        return LambdaOp.named("conv1d_valid").shapes(new int[] {3}, new int[] {8}).forward(in -> {
            double[] y = new double[6];
            for (int p = 0; p < 6; p++) {
                for (int k = 0; k < 3; k++) {
                    y[p] += in[0][k] * in[1][p + k];
                }
            }
            return y;
        }).backward((in, g) -> {
            double[] dw = new double[3];
            double[] dx = new double[8];
            for (int p = 0; p < 6; p++) {
                for (int k = 0; k < 3; k++) {
                    double term = g[p] * in[1][p + k];
                    dw[k] = bug == 1 ? term : bug == 2 && p > 0 ? dw[k] : dw[k] + (bug == 3 ? 2 * term : term);
                    dx[p + k] += g[p] * in[0][k];
                }
            }
            return new double[][] {dw, dx};
        }).build();
    }

    @Test
    void aLookupGradientAssignedInsteadOfAddedNamesTheLastWrite() {
        assertDiagnosed(lookup(true, 1), List.of("overwritten"), "input 'input0'",
                "analytic is the last output's contribution alone where several outputs contribute, on each of the 2"
                        + " wrong entries", "assigned (=) where they must be added (+=), so the last one written wins");
        assertClean(lookup(false, 1));
        assertClean(lookup(false, -1));
    }

    @Test
    void writtenBackwardsTheFirstOutputWins() {
        assertDiagnosed(lookup(true, -1), List.of("overwritten"), "the first output's contribution alone",
                "the other outputs' contributions are lost");
    }

    @Test
    void aConvWeightGradientFromOnePositionIsNamed() {
        assertDiagnosed(conv(1), List.of("overwritten"), "the last output's contribution alone", "on each of the 3");
        assertDiagnosed(conv(2), List.of("overwritten"), "the first output's contribution alone");
        assertClean(conv(0));
    }

    @Test
    void aFactorIsNotAnOverwrite() {
        assertDiagnosed(conv(3), List.of("factor"), "analytic = 2.0 x numeric");
        assertNotNamed(conv(3), "overwritten");
    }
}

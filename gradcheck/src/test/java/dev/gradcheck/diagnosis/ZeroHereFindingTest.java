package dev.gradcheck.diagnosis;

import static dev.gradcheck.diagnosis.FindingsTest.assertDiagnosed;
import static dev.gradcheck.diagnosis.FindingsTest.assertNotNamed;

import dev.gradcheck.CustomOp;
import dev.gradcheck.testing.LambdaOp;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An analytic gradient zero on every entry at one draw but not at another is not "not connected":
 * a term that does not vanish where the rest saturates is missing. A gradient zero at every draw
 * still is not connected.
 */
class ZeroHereFindingTest {
    /**
     * y = c·tanh(50x) + sin(x) over two inputs of {@code shape} (the gate saturates at |x| &gt; 0.4, so
     * at the draw at |x|~100 on every entry); x's gradient without the sin term, or zero.
     */
    static CustomOp gatedPlusDirect(int[] shape, boolean zeroEverywhere) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        int size = n;
        return LambdaOp.named("gated_plus_direct").shapes(shape, shape).forward(in -> {
            double[] y = new double[size];
            for (int i = 0; i < size; i++) {
                y[i] = in[1][i] * Math.tanh(50 * in[0][i]) + Math.sin(in[0][i]);
            }
            return y;
        }).backward((in, g) -> {
            double[] dx = new double[size];
            double[] dc = new double[size];
            for (int i = 0; i < size; i++) {
                double t = Math.tanh(50 * in[0][i]);
                dx[i] = zeroEverywhere ? 0 : g[i] * in[1][i] * 50 * (1 - t * t); // the direct cos(x) term missing
                dc[i] = g[i] * t;
            }
            return new double[][] {dx, dc};
        }).build();
    }

    @Test
    void zeroOnlyWhereTheGatedTermSaturatesIsAMissingTerm() {
        for (int[] shape : new int[][] {{12}, {3, 4}, {2, 8}}) {
            assertDiagnosed(gatedPlusDirect(shape, false), List.of("zero", "zero_here"), "at this point only",
                    "so the input is connected in backward");
        }
    }

    @Test
    void zeroAtEveryDrawIsStillNotConnected() {
        for (int[] shape : new int[][] {{12}, {3, 4}}) {
            assertDiagnosed(gatedPlusDirect(shape, true), List.of("zero"), "not connected to the output in backward");
            assertNotNamed(gatedPlusDirect(shape, true), "zero_here");
        }
    }
}

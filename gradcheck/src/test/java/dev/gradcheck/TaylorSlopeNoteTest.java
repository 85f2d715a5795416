package dev.gradcheck;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A passing check with Taylor slope 1 (which the README reads as wrong) says it is a kink the steps reach. */
class TaylorSlopeNoteTest {
    private static final String NOTE = "(a kink within the steps' reach: every entry agrees)";

    private static CheckReport sumAbs(double[] x, double gradAtZero, double factor) {
        DifferentiableFunction f = new DifferentiableFunction() {
            @Override
            public double[] forward(double[][] in) {
                double s = 0;
                for (double v : in[0]) {
                    s += Math.abs(v);
                }
                return new double[] {s};
            }

            @Override
            public double[][] backward(double[][] in, double[] g) {
                double[] d = new double[in[0].length];
                for (int i = 0; i < d.length; i++) {
                    d[i] = factor * g[0] * (in[0][i] == 0 ? gradAtZero : Math.signum(in[0][i]));
                }
                return new double[][] {d};
            }
        };
        return GradCheck.of(f).at(x).names("w").seed(0).check();
    }

    @Test
    void aPassAtAKinkSaysSo() {
        CheckReport r = sumAbs(new double[] {0, 1.5, -2, 0.5}, 0, 1);
        assertTrue(r.passed(), r::toText);
        assertTrue(r.toText().contains("taylor slope 1.00 " + NOTE), r::toText);
    }

    @Test
    void aSmoothPassOrAWrongGradientHasNoSuchNote() {
        CheckReport smooth = sumAbs(new double[] {1, 1.5, -2, 0.5}, 0, 1);
        assertTrue(smooth.passed(), smooth::toText);
        assertFalse(smooth.toText().contains(NOTE), smooth::toText);
        CheckReport wrong = sumAbs(new double[] {1, 1.5, -2, 0.5}, 0, 2);
        assertFalse(wrong.passed(), wrong::toText);
        assertFalse(wrong.toText().contains(NOTE), wrong::toText);
    }
}

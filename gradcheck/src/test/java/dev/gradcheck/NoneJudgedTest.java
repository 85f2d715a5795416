package dev.gradcheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcheck.testing.LambdaOp;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An input none of whose entries could be judged was {@code skipped}, which passes: a matmul
 * computed in float, whose backward forgets a transpose, passed a double check. Such an input is now
 * an {@code error} saying that none of its entries could be judged and why, with the advice to check
 * a float forward as a single-precision op; the same op so checked is caught.
 */
class NoneJudgedTest {
    /** C = A·B (3 x 3) accumulated in float; dA = G·B (the transpose of B forgotten) unless {@code right}. */
    private static CustomOp floatMatmul(boolean right) {
        return LambdaOp.named(right ? "float_matmul" : "float_matmul_no_transpose").shapes(new int[] {3, 3},
                new int[] {3, 3}).forward(in -> product(in[0], false, in[1], false)).backward((in, g) -> new double[][] {
                    product(g, false, in[1], right), product(in[0], true, g, false)}).build();
    }

    /** a·b (or with a or b transposed) of 3 x 3 matrices, summed in float as a float32 kernel does. */
    private static double[] product(double[] a, boolean ta, double[] b, boolean tb) {
        double[] c = new double[9];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                float s = 0;
                for (int t = 0; t < 3; t++) {
                    s += (float) (ta ? a[t * 3 + i] : a[i * 3 + t]) * (float) (tb ? b[j * 3 + t] : b[t * 3 + j]);
                }
                c[i * 3 + j] = s;
            }
        }
        return c;
    }

    @Test
    void aFloatForwardWithAWrongBackwardIsNotPassedAndFloat32IsSuggested() {
        CheckReport r = CustomOpCheck.run(List.of(floatMatmul(false)), CheckOptions.defaults().withDraws(1));
        CheckResult op = r.checks().get(0);
        assertFalse(r.passed(), r::toText);
        assertEquals(Status.ERROR, op.status(), r::toText);
        CheckResult a = op.inputs().get(0);
        assertEquals(Status.ERROR, a.status(), r::toText);
        assertEquals(0, a.entriesChecked(), r::toText);
        assertTrue(a.error().startsWith("none of the 9 entries could be judged"), a::error);
        assertTrue(a.error().contains("did not converge"), a::error);
        assertTrue(a.error().contains("CheckOptions.withPrecision(Precision.FLOAT32)"), a::error);
    }

    @Test
    void checkedAsASinglePrecisionOpTheWrongBackwardFailsAndTheRightOnePasses() {
        CheckOptions f32 = CheckOptions.defaults().withPrecision(Precision.FLOAT32);
        CheckResult wrong = CustomOpCheck.check(floatMatmul(false), f32);
        assertEquals(Status.FAIL, wrong.status(), wrong::toString);
        CheckResult right = CustomOpCheck.check(floatMatmul(true), f32);
        assertTrue(right.passed(), right::toString);
    }

    @Test
    void aFailureAtAnotherDrawIsTheOpsVerdict() {
        // y = x² + 1e12: at |x|~1 the offset's rounding hides every entry's derivative, at |x|~10
        // and 100 the backward's extra factor 3 shows
        CustomOp offset = LambdaOp.named("large_offset").shape(2, 3).forward(in -> {
            double[] y = new double[6];
            for (int i = 0; i < 6; i++) {
                y[i] = in[0][i] * in[0][i] + 1e12;
            }
            return y;
        }).backward((in, g) -> {
            double[] d = new double[6];
            for (int i = 0; i < 6; i++) {
                d[i] = 3 * 2 * in[0][i] * g[i];
            }
            return new double[][] {d};
        }).build();
        CheckResult r = CustomOpCheck.check(offset, CheckOptions.defaults());
        assertEquals(Status.ERROR, r.inputs().get(0).status(), r::toString);
        assertTrue(r.inputs().get(0).error().startsWith("none of the 6 entries could be judged"), r::toString);
        assertEquals(Status.FAIL, r.status(), r::toString);
        assertTrue(r.findings().contains("factor"), r::toString);
    }

    @Test
    void anInputWithSomeEntriesJudgedStaysSkipped() {
        // y0 = 1e8·x0 sets the gradient's scale; y1 = 1e12 + x1 drowns x1's derivative in rounding
        CustomOp op = LambdaOp.named("one_unresolved").shape(2)
                .forward(in -> new double[] {1e8 * in[0][0], 1e12 + in[0][1]})
                .backward((in, g) -> new double[][] {{1e8 * g[0], g[1]}}).build();
        CheckResult r = CustomOpCheck.check(op, CheckOptions.defaults().withDraws(1));
        assertEquals(Status.SKIPPED, r.status(), r::toString);
        assertTrue(r.inputs().get(0).error().startsWith("1 of 2 entries skipped"), r::toString);
    }
}

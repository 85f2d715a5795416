package dev.gradcheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcheck.testing.LambdaOp;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A forward that is not a function of its inputs (an unseeded dropout mask, noise) has no numeric
 * derivative: every entry's estimate fails to settle, so a wrong backward went through as
 * {@code skipped}, which passes. The forward now runs twice at each point, and two runs that differ
 * fail every input, naming the first output entry that differs and both values.
 */
class ForwardDeterminismTest {
    private static final Pattern DIFFERS = Pattern.compile("output entry (\\d+) is (\\S+), then (\\S+)\\)");

    /** y = 2x on a random half of the entries, a fresh mask at every call; backward 2·g (no mask). */
    private static CustomOp dropoutWithoutASeed() {
        Random r = new Random(7);
        return LambdaOp.named("dropout_no_seed").shape(4, 4).forward(in -> {
            double[] y = new double[16];
            for (int i = 0; i < 16; i++) {
                y[i] = r.nextDouble() < 0.5 ? 0 : 2 * in[0][i];
            }
            return y;
        }).backward((in, g) -> {
            double[] d = new double[16];
            for (int i = 0; i < 16; i++) {
                d[i] = 2 * g[i];
            }
            return new double[][] {d};
        }).build();
    }

    /** y = x², each output times (1 + noise·N(0, 1)); the backward's factor is {@code factor}·2x. */
    private static CustomOp noisySquare(double noise, double factor) {
        Random r = new Random(11);
        return LambdaOp.named("noisy_square").shape(2, 3).forward(in -> {
            double[] y = new double[6];
            for (int i = 0; i < 6; i++) {
                y[i] = in[0][i] * in[0][i] * (1 + noise * r.nextGaussian());
            }
            return y;
        }).backward((in, g) -> {
            double[] d = new double[6];
            for (int i = 0; i < 6; i++) {
                d[i] = factor * 2 * in[0][i] * g[i];
            }
            return new double[][] {d};
        }).build();
    }

    @Test
    void anUnseededDropoutMaskFailsNamingTheFirstOutputThatDiffers() {
        CheckReport r = CustomOpCheck.run(List.of(dropoutWithoutASeed()), CheckOptions.defaults());
        CheckResult op = r.checks().get(0);
        assertFalse(r.passed(), r::toText);
        assertEquals(Status.FAIL, op.status(), r::toText);
        assertTrue(op.findings().contains("nondeterministic_forward"), r::toText);
        for (CheckResult in : op.inputs()) {
            assertEquals(Status.FAIL, in.status(), r::toText);
            Matcher m = DIFFERS.matcher(in.diagnosis());
            assertTrue(in.diagnosis().startsWith("nondeterministic forward: two forward runs at the same point differ"),
                    in::diagnosis);
            assertTrue(m.find(), in::diagnosis);
            assertNotEquals(Double.parseDouble(m.group(2)), Double.parseDouble(m.group(3)), in::diagnosis);
        }
    }

    @Test
    void noiseInTheForwardHidesNoWrongFactor() {
        // the outside tester's case: a factor 3 in the backward of x², the forward noisy by 1e-3 or 1e-6
        for (double noise : new double[] {1e-3, 1e-6}) {
            for (double factor : new double[] {3, 1}) {
                CheckResult op = CustomOpCheck.check(noisySquare(noise, factor), CheckOptions.defaults());
                assertEquals(Status.FAIL, op.status(), () -> "noise " + noise + ", factor " + factor + ":\n" + op);
                assertTrue(op.findings().contains("nondeterministic_forward"), op::toString);
            }
        }
    }

    @Test
    void aFunctionOnArraysIsCheckedTheSameWay() {
        CustomOp noisy = noisySquare(1e-6, 3);
        double[] x = new SplittableRandom(1).doubles(6).toArray();
        CheckReport r = GradCheck.of((DifferentiableFunction) noisy).at(x).check();
        assertEquals(Status.FAIL, r.checks().get(0).status(), r::toText);
        assertTrue(r.checks().get(0).diagnosis().contains("nondeterministic forward"), r::toText);
    }

    @Test
    void aDeterministicForwardIsNotFlagged() {
        CheckResult op = CustomOpCheck.check(noisySquare(0, 1), CheckOptions.defaults());
        assertEquals(Status.PASS, op.status(), op::toString);
    }
}

package dev.gradcheck.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcheck.CheckOptions;
import dev.gradcheck.CheckResult;
import dev.gradcheck.CustomOpCheck;
import dev.gradcheck.Status;
import org.junit.jupiter.api.Test;

/**
 * A wrong forward rule of an elementwise op is diagnosed with the backward's evidence (the point's
 * values at each entry, the tangent as the gradOutput, the output) and pooled over the draws as
 * the backward is: regions, a derivative in output form, named as the forward rule's.
 */
class ForwardEvidenceTest {
    private static final long[] SEEDS = {0, 1, 2};

    private static CheckResult check(FwdOp op, long seed) {
        return CustomOpCheck.check(op, CheckOptions.defaults().withSeed(seed).withThreads(1));
    }

    /** exp(x) on the given shape, its forward rule twice too large where x &gt; 0. */
    private static FwdOp expWrongWherePositive(int... shape) {
        return new FwdOp("exp-jvp-wrong-where-positive", new int[][] {shape}, x -> ForwardOps.map(x[0], Math::exp),
                (x, g) -> new double[][] {ForwardOps.times(ForwardOps.map(x[0], Math::exp), g)},
                (x, t) -> {
                    double[] d = new double[t[0].length];
                    for (int k = 0; k < d.length; k++) {
                        d[k] = t[0][k] * Math.exp(x[0][k]) * (x[0][k] > 0 ? 2 : 1);
                    }
                    return d;
                });
    }

    private static CheckResult tangent(CheckResult r, int draw) {
        return r.jvp().inputs().stream().filter(c -> c.name().equals("jvp/input0") && c.draw() == draw).findFirst()
                .orElseThrow();
    }

    /** The per-input, per-draw results of the backward, then of the forward rule. */
    private static java.util.List<CheckResult> backwardAndForwardRuleInputs(CheckResult r) {
        java.util.List<CheckResult> all = new java.util.ArrayList<>(r.inputs());
        all.addAll(r.jvp().inputs());
        return all;
    }

    @Test
    void aRegionOfAFewEntriesIsNamedOverEveryDraw() {
        // 4 entries per draw: at |x|~10 and 100, exp(x) where x < 0 is lost to rounding, so the draws
        // leave enough right entries to split on only at some seeds (these four of 0..11; the backward has the
        // same limit); one draw alone names no more than a run of entries
        for (long seed : new long[] {0, 2, 9, 10}) {
            CheckResult r = check(expWrongWherePositive(4), seed);
            String why = "seed " + seed + ": " + r.diagnosis();
            assertEquals(Status.FAIL, r.status(), why);
            assertTrue(r.inputs().stream().allMatch(CheckResult::passed), "the backward is right: " + why);
            assertTrue(r.diagnosis().startsWith("jvp/input0, over all 3 draws: the forward rule (jvp) is wrong only"
                    + " where input0 > 0 ("), why);
            assertTrue(r.jvp().diagnosis().equals(r.diagnosis()), why);
            assertTrue(r.findings().contains("forward_rule") && r.findings().contains("region"), why);
        }
    }

    @Test
    void aRegionIsNamedAtOneDrawWithEnoughEntries() {
        // at |x|~1 (draw 0): at |x|~10 and 100 the entries where x < 0 have a derivative lost to
        // rounding, so "2 x numeric on every entry" is as true
        for (long seed : SEEDS) {
            CheckResult r = check(expWrongWherePositive(6, 8), seed);
            for (int draw = 0; draw < 1; draw++) {
                CheckResult t = tangent(r, draw);
                String why = "seed " + seed + ", draw " + draw + ": " + t.diagnosis();
                assertEquals(Status.FAIL, t.status(), why);
                assertTrue(t.diagnosis().startsWith("the forward rule (jvp) is wrong only where input0 > 0 ("), why);
                assertTrue(t.findings().contains("region"), why);
            }
        }
    }

    @Test
    void aDerivativeInOutputFormIsNamedForTheForwardRule() {
        // tanh's forward rule t·(1 - x²): the derivative 1 - y² with the input where its output belongs
        FwdOp op = new FwdOp("tanh-jvp-input-for-output", new int[][] {{6, 8}}, x -> ForwardOps.map(x[0], Math::tanh),
                (x, g) -> new double[][] {ForwardOps.times(ForwardOps.map(x[0], v -> 1 - Math.tanh(v) * Math.tanh(v)), g)},
                (x, t) -> ForwardOps.times(ForwardOps.map(x[0], v -> 1 - v * v), t[0]));
        for (long seed : SEEDS) {
            CheckResult t = tangent(check(op, seed), 0);
            String why = "seed " + seed + ": " + t.diagnosis();
            assertEquals(Status.FAIL, t.status(), why);
            assertTrue(t.diagnosis().contains("the forward rule gives the input where its formula wants the output"),
                    why);
        }
    }

    @Test
    void aSaturatedForwardIsNotCalledPiecewiseConstant() {
        // tanh whose backward and forward rule both use 1 - x² (the output form at the input): at |x|~100
        // tanh is ±1 exactly, so the numeric derivative is 0 on every entry where |x| > 19, but tanh is
        // not piecewise constant; 4 entries, so at most seeds every entry of that draw is saturated
        FwdOp op = new FwdOp("tanh-derivative-of-input", new int[][] {{4}}, x -> ForwardOps.map(x[0], Math::tanh),
                (x, g) -> new double[][] {ForwardOps.times(ForwardOps.map(x[0], v -> 1 - v * v), g)},
                (x, t) -> ForwardOps.times(ForwardOps.map(x[0], v -> 1 - v * v), t[0]));
        int saturated = 0;
        for (long seed = 0; seed < 6; seed++) {
            for (CheckResult c : backwardAndForwardRuleInputs(check(op, seed))) {
                String why = "seed " + seed + ", " + c.name() + " draw " + c.draw() + ": " + c.diagnosis();
                assertTrue(!c.findings().contains("piecewise_constant"), why);
                if (c.findings().contains("saturated")) {
                    assertEquals(2, c.draw(), why);
                    assertTrue(c.diagnosis().contains("zero on every entry") && c.diagnosis().contains(
                            "the forward is flat here (saturated at |x|~100, while it varies at |x|~1)"), why);
                    saturated++;
                }
            }
        }
        // the backward's and the forward rule's results at |x|~100, at several seeds
        assertTrue(saturated >= 6, "saturation named " + saturated + " times");
    }

    @Test
    void aSaturatedReductionIsNamedFromItsDrawAtSmallerInputs() {
        // the sum of tanh, derivative 1 - x² per entry: not elementwise (one output), so only the
        // draw at |x|~1, where the numeric derivative varies, shows that tanh is not piecewise constant
        FwdOp op = new FwdOp("tanh-sum-derivative-of-input", new int[][] {{4}},
                x -> new double[] {java.util.Arrays.stream(x[0]).map(Math::tanh).sum()},
                (x, g) -> new double[][] {ForwardOps.map(x[0], v -> g[0] * (1 - v * v))},
                (x, t) -> new double[] {java.util.stream.IntStream.range(0, 4)
                        .mapToDouble(k -> t[0][k] * (1 - x[0][k] * x[0][k])).sum()});
        int saturated = 0;
        for (long seed = 0; seed < 6; seed++) {
            for (CheckResult c : backwardAndForwardRuleInputs(check(op, seed))) {
                String why = "seed " + seed + ", " + c.name() + " draw " + c.draw() + ": " + c.diagnosis();
                assertTrue(!c.findings().contains("piecewise_constant"), why);
                if (c.findings().contains("saturated")) {
                    assertTrue(c.draw() > 0 && c.diagnosis().contains("the forward is flat here (saturated at |x|~"
                            + (c.draw() == 1 ? "10" : "100") + ", while it varies at |x|~1)"), why);
                    saturated++;
                }
            }
        }
        assertTrue(saturated >= 6, "saturation named " + saturated + " times");
    }

    @Test
    void aStepIsStillPiecewiseConstantAtLargeInputs() {
        // sign(x) with a smooth surrogate backward and forward rule: flat at every magnitude
        FwdOp op = new FwdOp("sign-surrogate", new int[][] {{6, 8}}, x -> ForwardOps.map(x[0], Math::signum),
                (x, g) -> new double[][] {ForwardOps.times(ForwardOps.map(x[0], v -> 1 / Math.cosh(v / 100)), g)},
                (x, t) -> ForwardOps.times(ForwardOps.map(x[0], v -> 1 / Math.cosh(v / 100)), t[0]));
        for (long seed : SEEDS) {
            CheckResult r = check(op, seed);
            for (CheckResult c : java.util.List.of(r.inputs().stream().filter(i -> i.draw() == 2).findFirst()
                    .orElseThrow(), tangent(r, 2))) {
                String why = "seed " + seed + ", " + c.name() + ": " + c.diagnosis();
                assertEquals(Status.FAIL, c.status(), why);
                assertTrue(c.findings().contains("piecewise_constant"), why);
            }
        }
    }
}

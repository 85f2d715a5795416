package dev.gradcheck.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcheck.CheckOptions;
import dev.gradcheck.CheckResult;
import dev.gradcheck.CustomOpCheck;
import dev.gradcheck.Status;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The forward-mode check of custom ops: correct forward rules pass at magnitudes 1, 10 and 100
 * (three seeds), planted forward-rule bugs fail with a diagnosis naming the forward rule, and the
 * adjoint identity catches rules that disagree with each other where each passes its own check.
 */
class ForwardRuleTest {
    private static final long[] SEEDS = {0, 1, 2};

    private static CheckResult check(FwdOp op, long seed) {
        return CustomOpCheck.check(op, CheckOptions.defaults().withSeed(seed).withThreads(1));
    }

    @Test
    void correctForwardRulesPassAtEveryMagnitude() {
        for (FwdOp op : List.of(ForwardOps.sin(), ForwardOps.mul(), ForwardOps.hypot(), ForwardOps.logsumexp(),
                ForwardOps.matmul())) {
            for (long seed : SEEDS) {
                CheckResult r = check(op, seed);
                String why = op.name() + " seed " + seed + ":\n" + r + "\n" + r.jvp();
                assertEquals(Status.PASS, r.status(), why);
                CheckResult jvp = r.jvp();
                assertNotNull(jvp, why);
                assertEquals(Status.PASS, jvp.status(), why);
                // every draw (|x|~1, 10, 100) checked every tangent and the adjoint identity
                int inputs = op.inputShapes().length;
                int perDraw = inputs + (inputs > 1 ? 1 : 0) + 1;
                assertEquals(3 * perDraw, jvp.inputs().size(), why);
                for (CheckResult t : jvp.inputs()) {
                    assertEquals(Status.PASS, t.status(), why);
                    assertTrue(t.entriesChecked() > 0, why);
                }
                assertEquals(List.of(1.0, 10.0, 100.0), jvp.inputs().stream().map(CheckResult::magnitude).distinct()
                        .collect(Collectors.toList()), why);
            }
        }
    }

    @Test
    void aForwardRuleWithTheWrongSignIsNamed() {
        for (long seed : SEEDS) {
            CheckResult r = check(ForwardOps.sinWrongSign(), seed);
            String why = "seed " + seed + ": " + r + "\n" + r.jvp();
            assertEquals(Status.FAIL, r.status(), why);
            assertTrue(r.inputs().stream().allMatch(CheckResult::passed), "the backward is right: " + why);
            assertTrue(r.diagnosis().startsWith("jvp/input0: the forward rule (jvp) has the wrong sign"), why);
            assertTrue(r.findings().contains("forward_rule") && r.findings().contains("sign"), why);
            // the adjoint identity fails too, and the numbers side with backward
            CheckResult adjoint = r.jvp().inputs().stream().filter(c -> c.name().equals("adjoint")).findFirst()
                    .orElseThrow();
            assertEquals(Status.FAIL, adjoint.status(), why);
            assertTrue(adjoint.diagnosis().contains("agrees with backward: the forward rule (jvp) is wrong"),
                    adjoint.diagnosis());
        }
    }

    @Test
    void aMissingProductRuleTermIsNamed() {
        for (long seed : SEEDS) {
            CheckResult r = check(ForwardOps.mulMissingTerm(), seed);
            String why = "seed " + seed + ": " + r.diagnosis();
            assertEquals(Status.FAIL, r.status(), why);
            assertTrue(r.diagnosis().startsWith("the forward rule ignores input0's tangent (input1's is right: a"
                    + " product-rule term is missing?)"), why);
        }
    }

    @Test
    void aForwardRuleThatIgnoresOneTangentIsNamed() {
        for (long seed : SEEDS) {
            CheckResult r = check(ForwardOps.hypotIgnoresTangent(), seed);
            String why = "seed " + seed + ": " + r.diagnosis();
            assertEquals(Status.FAIL, r.status(), why);
            assertTrue(r.diagnosis().startsWith("the forward rule ignores input1's tangent (input0's is right"), why);
            CheckResult jvp = r.jvp();
            assertTrue(jvp.inputs().stream().filter(c -> c.name().equals("jvp/input0")).allMatch(CheckResult::passed),
                    "input0's tangent is handled right: " + jvp);
        }
    }

    @Test
    void aWrongBackwardBesideARightForwardRuleIsTheBackwardsFault() {
        FwdOp op = ForwardOps.sin().withBackward("sin-backward-doubled",
                (x, g) -> new double[][] {ForwardOps.times(ForwardOps.map(x[0], c -> 2 * Math.cos(c)), g)});
        CheckResult r = check(op, 0);
        assertEquals(Status.FAIL, r.status(), r.toString());
        assertTrue(r.jvp().inputs().stream().filter(c -> c.name().startsWith("jvp/")).allMatch(CheckResult::passed),
                r.jvp().toString());
        CheckResult adjoint = r.jvp().inputs().stream().filter(c -> c.name().equals("adjoint")).findFirst().orElseThrow();
        assertTrue(adjoint.diagnosis().contains("agrees with the forward rule: backward is wrong"), adjoint.diagnosis());
        // the op's first line does not blame the forward rule, whose tangents all pass
        String head = CustomOpCheck.run(List.of(op), CheckOptions.defaults().withSeed(0).withThreads(1)).toText()
                .lines().findFirst().orElseThrow();
        assertTrue(head.endsWith("; adjoint identity (jvp vs backward): FAIL"), head);
    }

    @Test
    void theAdjointIdentityCatchesRulesThatEachPassTheirNumericCheck() {
        // y = π·x; the forward rule writes π with 9 digits (relative error 1.1e-9), backward uses Math.PI:
        // each is within the numeric check's tolerance, but they are not the same linear map
        FwdOp scale = new FwdOp("scale-by-pi", new int[][] {{5}}, x -> ForwardOps.map(x[0], v -> Math.PI * v),
                (x, g) -> new double[][] {ForwardOps.map(g, v -> Math.PI * v)},
                (x, t) -> ForwardOps.map(t[0], v -> 3.14159265 * v));
        for (long seed : SEEDS) {
            CheckResult r = check(scale, seed);
            String why = "seed " + seed + ": " + r + "\n" + r.jvp();
            // without the adjoint identity this op would pass: its backward and every tangent do
            assertTrue(r.inputs().stream().allMatch(c -> c.status() == Status.PASS), why);
            assertTrue(r.jvp().inputs().stream().filter(c -> c.name().startsWith("jvp/"))
                    .allMatch(c -> c.status() == Status.PASS), why);
            assertEquals(Status.FAIL, r.status(), why);
            assertTrue(r.diagnosis().contains("the adjoint identity fails"), why);
            assertTrue(r.findings().contains("adjoint"), why);
        }
        // the same op with one π: passes
        FwdOp right = scale.withJvp("scale-by-pi-right", (x, t) -> ForwardOps.map(t[0], v -> Math.PI * v));
        for (long seed : SEEDS) {
            assertEquals(Status.PASS, check(right, seed).status(), "seed " + seed);
        }
    }
}

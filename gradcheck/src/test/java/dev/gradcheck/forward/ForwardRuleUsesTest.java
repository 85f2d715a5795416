package dev.gradcheck.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gradcheck.CheckOptions;
import dev.gradcheck.CheckReport;
import dev.gradcheck.CheckResult;
import dev.gradcheck.CustomOpCheck;
import dev.gradcheck.GradCheck;
import dev.gradcheck.GuardedOp;
import dev.gradcheck.Status;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.junit.GradAssertions;
import dev.gradcheck.report.JsonReportReader;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/**
 * The forward rule where users meet it: a hostile jvp (throws, NaN, wrong length, endless under a
 * time limit), the JUnit assertions, the JSON report and its reader, GradCheck's forward mode on
 * arrays and on engine functions (at a kink, too), and forward-over-reverse in gradGradCheck.
 */
class ForwardRuleUsesTest {
    private static CheckResult check(FwdOp op) {
        return CustomOpCheck.check(op, CheckOptions.defaults().withThreads(1));
    }

    @Test
    void aJvpThatThrowsIsAnErrorNamingJvp() {
        CheckResult r = check(ForwardOps.mul().withJvp("mul-jvp-throws", (x, t) -> {
            throw new IllegalStateException("no forward rule today");
        }));
        assertEquals(Status.ERROR, r.status(), r.toString());
        assertTrue(r.error().contains("jvp threw IllegalStateException: no forward rule today"), r.error());
        assertTrue(r.inputs().stream().allMatch(CheckResult::passed), "the backward is fine: " + r);
    }

    @Test
    void aJvpOfTheWrongLengthIsAnErrorStatingBothSizes() {
        CheckResult r = check(ForwardOps.mul().withJvp("mul-jvp-short", (x, t) -> new double[2]));
        assertEquals(Status.ERROR, r.status(), r.toString());
        assertTrue(r.error().contains("jvp returned 2 values for an output of shape [4] (4 values)"), r.error());
        CheckResult nul = check(ForwardOps.mul().withJvp("mul-jvp-null", (x, t) -> null));
        assertEquals(Status.ERROR, nul.status());
        assertTrue(nul.error().contains("jvp returned null"), nul.error());
    }

    @Test
    void aJvpThatReturnsNanFails() {
        CheckResult r = check(ForwardOps.sin().withJvp("sin-jvp-nan", (x, t) -> {
            double[] d = ForwardOps.times(ForwardOps.map(x[0], Math::cos), t[0]);
            d[1] = Double.NaN;
            return d;
        }));
        assertEquals(Status.FAIL, r.status(), r.toString());
        assertTrue(r.diagnosis().contains("forward rule") && r.diagnosis().contains("NaN"), r.diagnosis());
    }

    @Test
    void anEndlessJvpTimesOutUnderTheGuardNeverHangs() {
        FwdOp endless = ForwardOps.sin().withJvp("sin-jvp-endless", (x, t) -> {
            while (true) {
                Thread.onSpinWait();
            }
        });
        CheckResult r = assertTimeoutPreemptively(Duration.ofSeconds(30),
                () -> CustomOpCheck.check(GuardedOp.of(endless, 300), CheckOptions.defaults().withThreads(1)));
        assertEquals(Status.ERROR, r.status(), r.toString());
        assertTrue(r.error().contains("jvp of op 'sin-jvp-endless' timed out"), r.error());
    }

    @Test
    void aGuardedOpKeepsItsForwardRule() {
        CheckResult r = CustomOpCheck.check(GuardedOp.of(ForwardOps.sinWrongSign(), 5_000),
                CheckOptions.defaults().withThreads(1));
        assertEquals(Status.FAIL, r.status());
        assertNotNull(r.jvp());
        assertTrue(r.diagnosis().contains("the forward rule (jvp) has the wrong sign"), r.diagnosis());
    }

    @Test
    void theJunitAssertionsCheckTheForwardRule() {
        GradAssertions.assertGradientsCorrect(ForwardOps.matmul());
        AssertionFailedError e = assertThrows(AssertionFailedError.class,
                () -> GradAssertions.assertGradientsCorrect(ForwardOps.sinWrongSign()));
        assertTrue(e.getMessage().contains("the forward rule (jvp) has the wrong sign"), e.getMessage());
    }

    @Test
    void theJunitCheckerTimesOutAnEndlessJvpNamingIt() {
        FwdOp endless = ForwardOps.sin().withJvp("sin-jvp-endless", (x, t) -> {
            while (true) {
                Thread.onSpinWait();
            }
        });
        CheckReport r = assertTimeoutPreemptively(Duration.ofSeconds(30),
                () -> dev.gradcheck.junit.GradChecker.defaults().timeout(Duration.ofSeconds(1)).check(endless));
        CheckResult c = r.checks().get(0);
        assertEquals(Status.ERROR, c.status(), r.toText());
        assertTrue(c.error().contains("timed out after 1 s in jvp (call 1)"), c.error());
    }

    @Test
    void theJsonReportCarriesTheJvpVerdictBesideTheBackwards() throws Exception {
        CheckReport report = CustomOpCheck.run(List.of(ForwardOps.mulMissingTerm(), ForwardOps.mul()),
                CheckOptions.defaults().withThreads(1).withCommand("ops"));
        JsonNode json = new ObjectMapper().readTree(report.toJson());
        JsonNode wrong = json.get("checks").get(0);
        assertEquals("fail", wrong.get("status").asText());
        assertEquals("fail", wrong.get("jvp").get("status").asText());
        assertTrue(wrong.get("inputs").findValues("status").stream().allMatch(s -> s.asText().equals("pass")));
        List<String> tangents = java.util.stream.StreamSupport.stream(wrong.get("jvp").get("inputs").spliterator(), false)
                .map(n -> n.get("name").asText()).distinct().collect(Collectors.toList());
        assertEquals(List.of("jvp/input0", "jvp/input1", "jvp/all", "adjoint"), tangents);
        assertEquals("pass", json.get("checks").get(1).get("jvp").get("status").asText());
        // read back: the verdict and its nested results survive
        CheckResult back = JsonReportReader.check(wrong);
        assertEquals(Status.FAIL, back.jvp().status());
        assertEquals(report.checks().get(0).jvp().inputs().size(), back.jvp().inputs().size());
        assertEquals(report.checks().get(0).jvp().diagnosis(), back.jvp().diagnosis());
        assertTrue(report.toText().contains("jvp: FAIL"), report.toText());
        // the op's first line: the backward's figures, then that the forward rule failed
        String head = report.toText().lines().filter(l -> l.startsWith("FAIL")).findFirst().orElseThrow();
        assertTrue(head.matches("FAIL  \\S+  \\d+ entries, max abs \\S+, max rel \\S+; forward rule \\(jvp\\): FAIL,"
                + " max rel \\S+"), head);
    }

    @Test
    void gradCheckChecksAForwardRuleOnArraysAndAnAdjointMismatchAtAKink() {
        // |x| at x = 0: the forward rule takes the right-hand slope, backward the left-hand one;
        // each is a valid one-sided derivative (the numeric checks call the entry a kink), but they
        // are not the same linear map, which the adjoint identity sees
        FwdOp abs = new FwdOp("abs", new int[][] {{4}}, x -> ForwardOps.map(x[0], Math::abs),
                (x, g) -> new double[][] {ForwardOps.times(ForwardOps.map(x[0], v -> v > 0 ? 1 : -1), g)},
                (x, t) -> ForwardOps.times(ForwardOps.map(x[0], v -> v >= 0 ? 1 : -1), t[0]));
        double[] point = {0.0, 0.7, -1.3, 2.1};
        CheckReport r = GradCheck.of(abs).at(point).forwardMode().check();
        List<String> names = r.checks().stream().map(CheckResult::name).collect(Collectors.toList());
        assertEquals(List.of("input0", "jvp/input0", "adjoint"), names);
        assertTrue(r.checks().get(0).passed(), r.toText());
        assertTrue(r.checks().get(1).passed(), r.toText());
        CheckResult adjoint = r.checks().get(2);
        assertEquals(Status.FAIL, adjoint.status(), r.toText());
        assertTrue(adjoint.diagnosis().contains("kink"), adjoint.diagnosis());
        // away from the kink the two rules agree
        assertTrue(GradCheck.of(abs).at(new double[] {0.4, 0.7, -1.3, 2.1}).forwardMode().check().passed());
    }

    @Test
    void gradCheckChecksTheEnginesForwardMode() {
        SplittableRandom rng = new SplittableRandom(3);
        Tensor a = Tensor.randn(rng, 3, 4);
        Tensor b = Tensor.randn(rng, 4, 2);
        CheckReport r = GradCheck.of(xs -> xs[0].matmul(xs[1]).tanh()).at(a, b).forwardMode().check();
        assertTrue(r.passed(), r.toText());
        assertEquals(List.of("input0", "input1", "jvp/input0", "jvp/input1", "jvp/all", "adjoint"),
                r.checks().stream().map(CheckResult::name).collect(Collectors.toList()));
        assertEquals(6, r.checks().get(2).entriesChecked(), "one entry per output entry: " + r.toText());
        assertEquals(List.of(3, 2), java.util.Arrays.stream(r.checks().get(2).shape()).boxed().collect(Collectors.toList()));
        dev.gradcheck.DifferentiableFunction noRule = new dev.gradcheck.DifferentiableFunction() {
            @Override
            public double[] forward(double[][] x) {
                return x[0].clone();
            }

            @Override
            public double[][] backward(double[][] x, double[] g) {
                return new double[][] {g.clone()};
            }
        };
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> GradCheck.of(noRule).at(new double[3]).forwardMode().check());
        assertTrue(e.getMessage().contains("ForwardDifferentiable"), e.getMessage());
    }

    @Test
    void gradGradCheckAddsForwardOverReverse() {
        SplittableRandom rng = new SplittableRandom(5);
        CheckReport r = GradCheck.of(xs -> xs[0].mul(xs[1]).sin().sum()).at(Tensor.randn(rng, 2, 3),
                Tensor.randn(rng, 2, 3)).gradGradCheck();
        assertTrue(r.passed(), r.toText());
        List<String> names = r.checks().stream().map(CheckResult::name).collect(Collectors.toList());
        assertTrue(names.containsAll(List.of("d2/input0", "d2/input1", "d2/gradOutput", "hvp/input0", "hvp/input1",
                "hvp/all", "hvp/symmetry")), names.toString());
        CheckResult hvp = r.checks().stream().filter(c -> c.name().equals("hvp/input0")).findFirst().orElseThrow();
        assertEquals(12, hvp.entriesChecked(), "every entry of both gradients");
    }
}

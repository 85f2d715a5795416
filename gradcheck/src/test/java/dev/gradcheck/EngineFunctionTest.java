package dev.gradcheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcheck.engine.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Engine functions go through the same machinery; gradgradcheck checks the backward itself. */
class EngineFunctionTest {
    @Test
    void engineFunctionsPass() {
        SplittableRandom rng = new SplittableRandom(3);
        Tensor x = Tensor.randn(rng, 3, 4);
        Tensor w = Tensor.randn(rng, 4);
        CheckReport scalar = GradCheck.of(xs -> xs[0].mul(xs[1]).pow(3.0).sum()).at(x, w).names("x", "w").check();
        assertTrue(scalar.passed(), scalar::toText);
        assertEquals(2, scalar.checks().size());
        assertEquals(12, scalar.check("x").entriesChecked());
        // a non-scalar output: a random gradOutput is projected
        CheckReport tensor = GradCheck.of(xs -> xs[0].div(xs[1].mul(xs[1]).add(1.0))).at(x, w).mode(Mode.FAST).check();
        assertTrue(tensor.passed(), tensor::toText);
    }

    @Test
    void engineFunctionWithWrongHandWrittenGradientIsCaught() {
        // the "engine function" here mixes an engine op with a constant that is really a function of x
        SplittableRandom rng = new SplittableRandom(4);
        Tensor x = Tensor.randn(rng, 5);
        CheckReport r = GradCheck.of(xs -> xs[0].mul(Tensor.of(xs[0].data(), 5)).sum()).at(x).check();
        CheckResult c = r.checks().get(0);
        assertEquals(Status.FAIL, c.status(), r::toText);
        assertTrue(c.diagnosis().contains("analytic = 0.5 x numeric"), r::toText);
    }

    @Test
    void gradGradCheckPasses() {
        SplittableRandom rng = new SplittableRandom(5);
        Tensor x = Tensor.randn(rng, 2, 3);
        Tensor w = Tensor.randn(rng, 3);
        CheckReport r = GradCheck.of(xs -> xs[0].pow(3.0).mul(xs[1]).div(xs[1].mul(xs[1]).add(2.0))).at(x, w)
                .names("x", "w").gradGradCheck();
        assertTrue(r.passed(), r::toText);
        assertEquals(java.util.List.of("d2/x", "d2/w", "d2/gradOutput"),
                r.checks().stream().map(CheckResult::name).toList());
        assertEquals(6, r.check("d2/gradOutput").entriesChecked());
    }
}

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

    /** The side checks' backward passes on one forward give what separate backward calls give, bit for bit, on any number of threads. */
    @Test
    void backwardEachEqualsSeparateBackwardCalls() {
        SplittableRandom rng = new SplittableRandom(9);
        EngineFunction f = new EngineFunction(xs -> xs[0].matmul(xs[1]).tanh(), new int[][] {{3, 4}, {4, 2}});
        double[][] x = {Fn.randn(rng, 12), Fn.randn(rng, 8)};
        double[][] u = {Fn.randn(rng, 6), Fn.randn(rng, 6), new double[6]};
        for (int threads : new int[] {1, 2, 3}) {
            double[][][] each = f.backwardEach(threads, x, u);
            assertEquals(3, each.length);
            for (int k = 0; k < u.length; k++) {
                double[][] one = f.backward(x, u[k]);
                for (int i = 0; i < one.length; i++) {
                    org.junit.jupiter.api.Assertions.assertArrayEquals(one[i], each[k][i],
                            threads + " thread(s), gradOutput " + k + ", input " + i);
                }
            }
        }
    }

    /**
     * backward hands out arrays of the caller's own (backwardEach, for the checker only, hands out
     * the gradients' storage): here both gradients of x + y are the gradOutput's tensor itself.
     */
    @Test
    void backwardGivesArraysOfItsOwn() {
        EngineFunction f = new EngineFunction(xs -> xs[0].add(xs[1]), new int[][] {{3}, {3}});
        double[][] x = {{1, 2, 3}, {4, 5, 6}};
        double[] u = {0.5, -1, 2};
        double[][] g = f.backward(x, u);
        org.junit.jupiter.api.Assertions.assertNotSame(g[0], g[1]);
        g[0][0] = 99;
        org.junit.jupiter.api.Assertions.assertArrayEquals(u, g[1], "writing to one gradient changed the other");
        org.junit.jupiter.api.Assertions.assertArrayEquals(u, f.backward(x, u)[0]);
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
    void constantInputsAreNotDifferentiated() {
        SplittableRandom rng = new SplittableRandom(6);
        Tensor pred = Tensor.randn(rng, 4, 2);
        Tensor target = Tensor.randn(rng, 4, 2);
        CheckReport r = GradCheck.of(xs -> xs[0].sub(xs[1]).pow(2.0).mean()).at(pred, target).names("pred", "target")
                .constants(1).check();
        assertTrue(r.passed(), r::toText);
        assertEquals(java.util.List.of("pred"), r.checks().stream().map(CheckResult::name).toList());
        CheckReport gg = GradCheck.of(xs -> xs[0].sub(xs[1]).pow(3.0).mean()).at(pred, target).names("pred", "target")
                .constants(1).gradGradCheck();
        assertTrue(gg.passed(), gg::toText);
        // reverse-over-reverse, then forward-over-reverse (one input: no hvp/all)
        assertEquals(java.util.List.of("d2/pred", "d2/gradOutput", "hvp/pred", "hvp/symmetry"),
                gg.checks().stream().map(CheckResult::name).toList());
    }

    /** cube with a backward that detaches x: right first derivative, zero second derivative. */
    private static synchronized void registerDetachedCube() {
        if (dev.gradcheck.engine.op.OpRegistry.contains("test_cube_detached")) {
            return;
        }
        dev.gradcheck.engine.op.OpRegistry.register(dev.gradcheck.engine.op.OpDef.builder("test_cube_detached")
                .inputs(dev.gradcheck.engine.op.InputSpec.real("input"))
                .shape((op, in, a) -> in[0])
                .forward(a -> {
                    double[] x = a.in(0);
                    double[] y = new double[x.length];
                    for (int i = 0; i < y.length; i++) {
                        y[i] = x[i] * x[i] * x[i];
                    }
                    return y;
                })
                .backward(c -> new Tensor[] {c.grad().mul(c.input(0).detach().pow(2.0)).mul(3.0)})
                .build());
    }

    @Test
    void gradGradCheckCatchesABackwardThatIsNotDifferentiable() {
        registerDetachedCube();
        Tensor x = Tensor.randn(new SplittableRandom(8), 5);
        java.util.function.Function<Tensor[], Tensor> f =
                xs -> dev.gradcheck.engine.Ops.apply("test_cube_detached", dev.gradcheck.engine.Attrs.EMPTY, xs[0]).sum();
        assertTrue(GradCheck.of(f).at(x).check().passed(), "first order is right");
        CheckReport r = GradCheck.of(f).at(x).names("x").gradGradCheck();
        CheckResult c = r.check("d2/x");
        assertEquals(Status.FAIL, c.status(), r::toText);
        assertTrue(c.diagnosis().contains("zero on every entry"), r::toText);
        // forward-over-reverse, reported separately, does not pass either: the engine refuses forward
        // mode through an op whose backward is not declared differentiable and has no forward rule
        CheckResult hvp = r.check("hvp/x");
        assertEquals(Status.ERROR, hvp.status(), r::toText);
        assertTrue(hvp.error().contains("forward mode is unsupported for op 'test_cube_detached'"), r::toText);
    }

    @Test
    void gradGradCheckPasses() {
        SplittableRandom rng = new SplittableRandom(5);
        Tensor x = Tensor.randn(rng, 2, 3);
        Tensor w = Tensor.randn(rng, 3);
        CheckReport r = GradCheck.of(xs -> xs[0].pow(3.0).mul(xs[1]).div(xs[1].mul(xs[1]).add(2.0))).at(x, w)
                .names("x", "w").gradGradCheck();
        assertTrue(r.passed(), r::toText);
        assertEquals(java.util.List.of("d2/x", "d2/w", "d2/gradOutput", "hvp/x", "hvp/w", "hvp/all", "hvp/symmetry"),
                r.checks().stream().map(CheckResult::name).toList());
        assertEquals(6, r.check("d2/gradOutput").entriesChecked());
    }
}

package dev.gradcheck.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcheck.engine.op.FastPath;
import dev.gradcheck.engine.op.FastPaths;
import dev.gradcheck.engine.op.OpDef;
import dev.gradcheck.engine.op.OpRegistry;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/**
 * {@link Autograd#jvp} and {@link Autograd#hvp} on a small MLP (against central differences and
 * reverse over reverse), the tangent's own reverse-mode gradient, fast paths left out, and the
 * errors for bad arguments.
 */
class ForwardModeTest {
    private static final long SEED = 20;

    /** An MLP's loss: cross_entropy(tanh(x W1 + b1) W2 + b2, y); inputs x, W1, b1, W2, b2, y. */
    private static Tensor mlpLoss(Tensor[] p) {
        Tensor h = p[0].matmul(p[1]).add(p[2]).tanh();
        Tensor logits = Ops.apply("linear", h, p[3], p[4]);
        return Ops.apply("cross_entropy", logits, p[5]);
    }

    private static Tensor mlpLogits(Tensor[] p) {
        Tensor h = Ops.apply("layer_norm", Attrs.of("normalized_shape", new int[] {6}), p[0].matmul(p[1]).add(p[2]));
        return Ops.apply("linear", Ops.apply("gelu", h), p[3], p[4]).softmax(-1);
    }

    private static Tensor[] mlpParams(SplittableRandom rng) {
        return new Tensor[] {Tensor.randn(rng, 5, 4), Tensor.randn(rng, 4, 6).mul(0.5), Tensor.randn(rng, 6).mul(0.1),
            Tensor.randn(rng, 3, 6).mul(0.5), Tensor.randn(rng, 3).mul(0.1), Tensor.ofLongs(new long[] {0, 2, 1, 1, 0}, 5)};
    }

    /** Random directions for the float tensors, null for int64 ones. */
    private static Tensor[] directions(SplittableRandom rng, Tensor[] p) {
        Tensor[] v = new Tensor[p.length];
        for (int i = 0; i < p.length; i++) {
            v[i] = p[i].dtype() == DType.FLOAT64 ? Tensor.randn(rng, p[i].shape().dims()) : null;
        }
        return v;
    }

    /** p + h v for the float tensors. */
    private static Tensor[] shifted(Tensor[] p, Tensor[] v, double h) {
        Tensor[] out = new Tensor[p.length];
        for (int i = 0; i < p.length; i++) {
            out[i] = v[i] == null ? p[i] : p[i].detach().add(v[i].mul(h));
        }
        return out;
    }

    @Test
    void jvpOfAnMlpMatchesCentralDifferences() {
        SplittableRandom rng = new SplittableRandom(SEED);
        Tensor[] p = mlpParams(rng);
        Tensor[] v = directions(rng, p);
        Jvp r = Autograd.jvp(ForwardModeTest::mlpLogits, p, v);
        assertClose("output", mlpLogits(p).data(), r.output().data(), 0);
        double h = 1e-5;
        double[] up = mlpLogits(shifted(p, v, h)).data();
        double[] down = mlpLogits(shifted(p, v, -h)).data();
        double[] numeric = new double[up.length];
        for (int k = 0; k < up.length; k++) {
            numeric[k] = (up[k] - down[k]) / (2 * h);
        }
        assertClose("jvp vs central differences", numeric, r.tangent().data(), 1e-7);
    }

    @Test
    void hvpOfAnMlpMatchesReverseOverReverseAndCentralDifferencesOfTheGradient() {
        SplittableRandom rng = new SplittableRandom(SEED + 1);
        Tensor[] p = mlpParams(rng);
        for (int i = 0; i < 5; i++) {
            p[i].requiresGrad();
        }
        Tensor[] v = directions(rng, p);
        Tensor[] hvp = Autograd.hvp(ForwardModeTest::mlpLoss, p, v);
        assertNull(hvp[5], "an int64 input has no Hessian-vector product");

        Tensor[] floats = java.util.Arrays.copyOf(p, 5);
        Tensor[] g = Autograd.grad(mlpLoss(p), null, true, floats);
        Tensor s = Tensor.scalar(0);
        for (int i = 0; i < 5; i++) {
            s = s.add(g[i].mul(v[i]).sum());
        }
        Tensor[] rr = Autograd.grad(s, null, false, floats);

        double h = 1e-5;
        for (int i = 0; i < 5; i++) {
            assertClose("hvp of input " + i + " vs reverse over reverse", rr[i].data(), hvp[i].data(), 1e-12);
            Tensor[] up = shifted(p, v, h);
            Tensor[] down = shifted(p, v, -h);
            up[i].requiresGrad();
            down[i].requiresGrad();
            double[] gu = Autograd.grad(mlpLoss(up), up[i])[0].data();
            double[] gd = Autograd.grad(mlpLoss(down), down[i])[0].data();
            double[] numeric = new double[gu.length];
            for (int k = 0; k < gu.length; k++) {
                numeric[k] = (gu[k] - gd[k]) / (2 * h);
            }
            assertClose("hvp of input " + i + " vs central differences of the gradient", numeric, hvp[i].data(), 1e-6);
        }
    }

    /**
     * With grad mode on, the tangent is recorded: the gradient of {@code <r, J(p) v>} with respect
     * to v is the VJP {@code J^T r}, and with respect to p its central difference.
     */
    @Test
    void theTangentIsDifferentiableInReverse() {
        SplittableRandom rng = new SplittableRandom(SEED + 2);
        Tensor[] p = mlpParams(rng);
        Tensor[] v = directions(rng, p);
        for (int i = 0; i < 5; i++) {
            p[i].requiresGrad();
            v[i].requiresGrad();
        }
        Tensor rOut = Tensor.randn(rng, 5, 3);
        Function<Tensor[], Double> s = q -> Autograd.jvp(ForwardModeTest::mlpLogits, q, v).tangent().mul(rOut).sum().item();
        Jvp r = Autograd.jvp(ForwardModeTest::mlpLogits, p, v);
        assertTrue(r.tangent().isGradRequired());
        Tensor[] wrt = {p[0], p[1], p[2], p[3], p[4], v[0], v[1], v[2], v[3], v[4]};
        Tensor[] g = Autograd.grad(r.tangent().mul(rOut).sum(), null, false, wrt);

        Tensor[] vjp = Autograd.grad(mlpLogits(p), rOut, false, java.util.Arrays.copyOf(p, 5));
        double h = 1e-5;
        for (int i = 0; i < 5; i++) {
            assertClose("d<r, Jv>/dv of input " + i + " vs J^T r", vjp[i].data(), g[5 + i].data(), 1e-12);
            Tensor[] u = new Tensor[p.length];
            u[i] = Tensor.randn(rng, p[i].shape().dims());
            double numeric = (s.apply(shifted(p, u, h)) - s.apply(shifted(p, u, -h))) / (2 * h);
            double analytic = 0;
            double[] gi = g[i].data();
            double[] ui = u[i].data();
            for (int k = 0; k < gi.length; k++) {
                analytic += gi[k] * ui[k];
            }
            assertClose("d<r, Jv>/dp of input " + i + " along a random direction vs central difference",
                    new double[] {numeric}, new double[] {analytic}, 1e-6);
        }
    }

    @Test
    void withoutGradModeTheTangentIsNotRecorded() {
        Tensor x = Tensor.of(new double[] {0.5, -1}, 2).requiresGrad();
        Jvp r;
        try (GradMode.Scope s = GradMode.disabled()) {
            r = Autograd.jvp(in -> in[0].tanh().mul(in[0]), new Tensor[] {x}, new Tensor[] {Tensor.ones(2).requiresGrad()});
        }
        assertFalse(r.tangent().isGradRequired());
        // d/dt (x tanh x) = tanh x + x (1 - tanh^2 x)
        double[] expected = new double[2];
        for (int k = 0; k < 2; k++) {
            double xk = x.data()[k];
            expected[k] = Math.tanh(xk) + xk * (1 - Math.tanh(xk) * Math.tanh(xk));
        }
        assertClose("jvp", expected, r.tangent().data(), 1e-15);
    }

    @Test
    void noTangentsGiveAZeroTangentAndAnInputReturnedAsIsItsOwnTangent() {
        Tensor x = Tensor.of(new double[] {1, 2, 3}, 3);
        Tensor v = Tensor.of(new double[] {4, 5, 6}, 3);
        assertClose("no tangent", new double[3], Autograd.jvp(in -> in[0].exp(), new Tensor[] {x}, new Tensor[1])
                .tangent().data(), 0);
        assertSame(v, Autograd.jvp(in -> in[0], new Tensor[] {x}, new Tensor[] {v}).tangent());
        Tensor idx = Tensor.ofLongs(new long[] {2, 0}, 2);
        Jvp g = Autograd.jvp(in -> Ops.apply("index_select", Attrs.of("dim", 0), in[0], in[1]),
                new Tensor[] {x, idx}, new Tensor[] {v, null});
        assertClose("index_select's tangent", new double[] {6, 4}, g.tangent().data(), 0);
    }

    /** A fast path that computes wrong values would show in forward mode if forward mode used it. */
    @Test
    void forwardModeRunsTheReferenceDefinitionsNotTheFastPaths() {
        OpDef tanh = OpRegistry.get("tanh");
        FastPaths.install(tanh, new FastPath(a -> new double[a.in(0).length],
                c -> new Tensor[] {c.grad().mul(0.0)}, null, 0));
        try {
            Tensor x = Tensor.of(new double[] {0.3, -0.7}, 2);
            assertClose("fast path installed (wrong on purpose)", new double[2], x.tanh().data(), 0);
            Jvp r = Autograd.jvp(in -> in[0].tanh(), new Tensor[] {x}, new Tensor[] {Tensor.ones(2)});
            assertClose("jvp output", new double[] {Math.tanh(0.3), Math.tanh(-0.7)}, r.output().data(), 0);
            Tensor[] h = Autograd.hvp(in -> in[0].tanh().sum(), new Tensor[] {x}, new Tensor[] {Tensor.ones(2)});
            double[] expected = new double[2];
            for (int k = 0; k < 2; k++) {
                double t = Math.tanh(x.data()[k]);
                expected[k] = -2 * t * (1 - t * t);
            }
            assertClose("hvp through the reference backward", expected, h[0].data(), 1e-15);
            assertTrue(FastPaths.enabled(), "fast paths are back on once forward mode ends");
        } finally {
            FastPaths.uninstall(tanh);
        }
    }

    /** An op without a rule whose backward is not declared differentiable gets no silent (wrong) default. */
    @Test
    void anOpWithoutARuleAndWithoutADifferentiableBackwardIsRefused() {
        OpDef square = OpDef.builder("square_first_order_only")
                .inputs(dev.gradcheck.engine.op.InputSpec.real("input"))
                .shape(dev.gradcheck.engine.ops.ShapeRules.SAME)
                .forward(a -> java.util.Arrays.stream(a.in(0)).map(v -> v * v).toArray())
                .backward(c -> new Tensor[] {c.grad().mul(Tensor.of(c.input(0).data(), c.input(0).shape()).mul(2.0))})
                .build();
        Tensor x = Tensor.of(new double[] {1, 2}, 2);
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> Autograd.jvp(in -> Ops.apply(square, Attrs.EMPTY, in), new Tensor[] {x}, new Tensor[] {Tensor.ones(2)}));
        assertTrue(e.getMessage().startsWith("forward mode is unsupported for op 'square_first_order_only'"), e.getMessage());
    }

    @Test
    void badArgumentsAreReportedWithBothShapes() {
        Tensor x = Tensor.zeros(2, 3);
        Function<Tensor[], Tensor> f = in -> in[0].sum();
        ShapeException shape = assertThrows(ShapeException.class,
                () -> Autograd.jvp(f, new Tensor[] {x}, new Tensor[] {Tensor.zeros(3, 2)}));
        assertEquals("jvp: the tangent of input 0 has shape [3, 2] but the input has shape [2, 3]", shape.getMessage());
        ShapeException hvpShape = assertThrows(ShapeException.class,
                () -> Autograd.hvp(f, new Tensor[] {x}, new Tensor[] {Tensor.zeros(6)}));
        assertEquals("hvp: the vector of input 0 has shape [6] but the input has shape [2, 3]", hvpShape.getMessage());
        IllegalArgumentException count = assertThrows(IllegalArgumentException.class,
                () -> Autograd.jvp(f, new Tensor[] {x}, new Tensor[2]));
        assertEquals("jvp: 1 inputs but 2 tangents (one per input, null for none)", count.getMessage());
        IllegalArgumentException notScalar = assertThrows(IllegalArgumentException.class,
                () -> Autograd.hvp(in -> in[0].exp(), new Tensor[] {x}, new Tensor[] {Tensor.ones(2, 3)}));
        assertEquals("hvp: f must return a one-element tensor (a scalar loss), got shape [2, 3]", notScalar.getMessage());
        Tensor idx = Tensor.ofLongs(new long[] {1}, 1);
        IllegalArgumentException int64 = assertThrows(IllegalArgumentException.class,
                () -> Autograd.jvp(f, new Tensor[] {idx}, new Tensor[] {Tensor.ones(1)}));
        assertTrue(int64.getMessage().contains("input 0 of shape [1] is int64"), int64.getMessage());
        IllegalArgumentException same = assertThrows(IllegalArgumentException.class,
                () -> Autograd.jvp(in -> in[0].mul(in[1]), new Tensor[] {x, x}, new Tensor[] {Tensor.ones(2, 3),
                    Tensor.zeros(2, 3)}));
        assertTrue(same.getMessage().contains("inputs 0 and 1 are the same tensor"), same.getMessage());
    }

    /** Entry k passes when {@code |actual - expected| <= rtol * max(1, max|expected|)}. */
    private static void assertClose(String what, double[] expected, double[] actual, double rtol) {
        assertEquals(expected.length, actual.length, what + ": length");
        double scale = 1;
        for (double e : expected) {
            scale = Math.max(scale, Math.abs(e));
        }
        for (int k = 0; k < expected.length; k++) {
            if (!(Math.abs(actual[k] - expected[k]) <= rtol * scale)) {
                throw new AssertionFailedError(what + ": entry " + k + " expected " + expected[k] + " but was " + actual[k]
                        + " (seed " + SEED + ")", expected[k], actual[k]);
            }
        }
    }
}

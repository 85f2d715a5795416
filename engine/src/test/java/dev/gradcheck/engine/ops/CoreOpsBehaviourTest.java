package dev.gradcheck.engine.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcheck.engine.Attrs;
import dev.gradcheck.engine.Autograd;
import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.op.Domain;
import dev.gradcheck.engine.op.InputSpec;
import dev.gradcheck.engine.op.OpDef;
import dev.gradcheck.engine.op.OpRegistry;
import dev.gradcheck.engine.op.Sample;
import dev.gradcheck.engine.op.Samplers;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Metadata, samplers, kernels and a few properties of the core ops beyond single values. */
class CoreOpsBehaviourTest {

    @Test
    void erfMatchesTorchToOneUlpIncludingTinyArguments() {
        // torch.erf(torch.tensor(xs, dtype=torch.float64)) printed by torch 1.13
        double[] xs = {1e-300, 1e-20, 1e-09, 0.0001, 0.000999, 0.001001, 0.01, 0.3, 0.9, 1.7, 2.2, 3.3, 4.0, 5.5,
            -0.05, -2.7};
        double[] torch = {1.1283791670955126e-300, 1.1283791670955125e-20, 1.1283791670955127e-09,
            0.00011283791633342487, 0.0011272504129293916, 0.0011295071690068245, 0.011283415555849618,
            0.3286267594591274, 0.7969082124228322, 0.9837904585907745, 0.9981371537020182, 0.9999969422902035,
            0.9999999845827421, 0.9999999999999927, -0.05637197779701663, -0.9998656672600594};
        double[] ours = Tensor.of(xs, xs.length).erf().data();
        for (int i = 0; i < xs.length; i++) {
            assertTrue(Math.abs(ours[i] - torch[i]) <= Math.ulp(torch[i]),
                    "erf(" + xs[i] + "): expected " + torch[i] + " but got " + ours[i]);
        }
    }

    @Test
    void blockedMatmulEqualsTheNaiveTripleLoopAcrossBlockBoundaries() {
        Random rng = new Random(7);
        int n = 70;
        int k = 130;
        int m = 530;
        Tensor a = Tensor.randn(rng, 2, n, k);
        Tensor b = Tensor.randn(rng, k, m);
        double[] c = a.matmul(b).data();
        double[] ad = a.data();
        double[] bd = b.data();
        for (int t = 0; t < 2; t++) {
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < m; j++) {
                    double s = 0;
                    for (int p = 0; p < k; p++) {
                        s += ad[t * n * k + i * k + p] * bd[p * m + j];
                    }
                    double got = c[t * n * m + i * m + j];
                    if (Math.abs(got - s) > 1e-12 * Math.max(1, Math.abs(s))) {
                        throw new AssertionError("entry [" + t + ", " + i + ", " + j + "]: expected " + s + " but got " + got);
                    }
                }
            }
        }
    }

    @Test
    void aMatmulChainHasPyTorchsSecondOrderGradients() {
        // torch 1.13: y = tanh(x @ w1) @ w2; l = (y * y).sum(); g = grad(l, [x, w1, w2], create_graph=True);
        // gg = grad(sum((g_i * g_i).sum()), [x, w1, w2])
        Tensor x = Tensor.of(new double[] {0.5, -1.0, 2.0, 1.5, 0.25, -0.75}, 2, 3).requiresGrad();
        Tensor w1 = Tensor.of(new double[] {1.0, 2.0, -0.5, 0.3, 0.7, -1.2}, 3, 2).requiresGrad();
        Tensor w2 = Tensor.of(new double[] {0.4, -1.1}, 2, 1).requiresGrad();
        Tensor y = x.matmul(w1).tanh().matmul(w2);
        Tensor l = y.mul(y).sum();
        assertEquals(2.7002727233238293, l.item(), 1e-13);
        Tensor[] g = Autograd.grad(l, null, true, x, w1, w2);
        TorchValues.assertClose("dl/dx", new double[] {-0.7455420726388271, -0.13578424027639543, 0.495231102344439,
            -0.33877492013278065, 0.1727046560623297, -0.2437768360848252}, g[0].data());
        TorchValues.assertClose("dl/dw1", new double[] {-0.4973921175893608, -0.19177064946461186, -0.12282023523251243,
            0.3918342889190722, 0.33161004511204284, -0.7843065001450559}, g[1].data());
        TorchValues.assertClose("dl/dw2", new double[] {1.661178166108111, -4.305521982004012}, g[2].data());
        Tensor s = g[0].mul(g[0]).sum().add(g[1].mul(g[1]).sum()).add(g[2].mul(g[2]).sum());
        Tensor[] gg = Autograd.grad(s, null, false, x, w1, w2);
        TorchValues.assertClose("second order x", new double[] {-0.03191443396688018, -0.7270502551357159,
            1.504524469384913, -6.8943439718005655, 3.757464676187181, -5.403423748896666}, gg[0].data());
        TorchValues.assertClose("second order w1", new double[] {-10.498337874806243, 0.45685887801043973,
            -2.5575763490331096, 0.48972975207159364, 6.891089319462575, -1.1641769929351329}, gg[1].data());
        TorchValues.assertClose("second order w2", new double[] {17.718626283742456, -40.283985441464026}, gg[2].data());
    }

    @Test
    void theNumericCheckCatchesAPlantedWrongBackward() {
        OpDef doubled = OpDef.builder("planted_sin")
                .inputs(InputSpec.real("input"))
                .shape(ShapeRules.SAME)
                .forward(a -> Kernels.map(a.in(0), Math::sin))
                .backward(c -> new Tensor[] {c.grad().mul(c.input(0).cos()).mul(2.0)})
                .build();
        Tensor x = Tensor.of(new double[] {0.3, -1.2, 2.0}, 3);
        NumericGradients.Mismatch m = NumericGradients.firstOrder(doubled, new Tensor[] {x}, Attrs.EMPTY, 1);
        assertNotNull(m, "a backward off by a factor 2 must be caught");
        assertEquals(2.0, m.analytic() / m.numeric(), 1e-6);
        OpDef right = OpRegistry.get("sin");
        assertNull(NumericGradients.firstOrder(right, new Tensor[] {x}, Attrs.EMPTY, 1));
        // a backward whose own derivative is wrong: d/dx of cos is taken as a constant
        OpDef frozen = OpDef.builder("planted_sin2")
                .inputs(InputSpec.real("input"))
                .shape(ShapeRules.SAME)
                .forward(a -> Kernels.map(a.in(0), Math::sin))
                .backward(c -> new Tensor[] {c.grad().mul(c.input(0).cos().detach())})
                .build();
        assertNull(NumericGradients.firstOrder(frozen, new Tensor[] {x}, Attrs.EMPTY, 1));
        assertNotNull(NumericGradients.secondOrder(frozen, new Tensor[] {x}, Attrs.EMPTY, 1));
    }

    @Test
    void metadataNamesDomainsKinksAndSecondOrder() {
        for (OpDef d : OpRegistry.publicOps()) {
            assertNotNull(d.samples(), d + " has samples");
            assertFalse(d.summary().isEmpty(), d + " has a summary");
        }
        for (String op : new String[] {"tanh", "matmul", "cross_entropy", "conv2d", "gelu"}) {
            assertTrue(OpRegistry.get(op).twiceDifferentiable(), op + " is twice differentiable");
        }
        assertEquals(Domain.POSITIVE, OpRegistry.get("log").input(0).domain());
        assertEquals(Domain.POSITIVE, OpRegistry.get("sqrt").input(0).domain());
        for (String op : new String[] {"relu", "abs", "leaky_relu"}) {
            assertArrayEquals(new double[] {0}, OpRegistry.get(op).input(0).domain().kinks(), op);
            assertNotNull(OpRegistry.get(op).kinks(), op);
        }
        assertNotNull(OpRegistry.get("clamp").kinks());
        assertNotNull(OpRegistry.get("amax").kinks());
        assertTrue(OpRegistry.get("cat").variadic());
        assertEquals("2 or 3", OpRegistry.get("linear").arityText());
    }

    /**
     * Every sampled op's real inputs lie in their domains; one-input pointwise ops are sampled at
     * ranks 1 to 3 (at least) and away from their kinks.
     */
    @Test
    void samplesAreValidAndKeepAwayFromKinks() {
        for (String op : CoreOpsNumericGradientTest.ops()) {
            OpDef d = OpRegistry.get(op);
            Set<Integer> ranks = new HashSet<>();
            for (double mag : new double[] {1, 10, 100}) {
                for (int seed = 0; seed < 100; seed++) {
                    Sample s = d.samples().draw(new SplittableRandom(seed), mag);
                    Tensor out = dev.gradcheck.engine.Ops.apply(d, s.attrs(), s.inputs());
                    ranks.add(s.inputs()[0].rank());
                    for (int i = 0; i < s.inputs().length; i++) {
                        if (d.input(i).kind() != InputSpec.Kind.REAL) {
                            continue;
                        }
                        for (double v : s.inputs()[i].data()) {
                            assertTrue(d.input(i).domain().contains(v), op + ": " + v + " outside the domain of input "
                                    + i + ", seed " + seed);
                        }
                    }
                    if (d.pointwise() && d.inputs().size() == 1) {
                        assertAwayFromKinks(op, s, mag, seed);
                    }
                    assertTrue(out.size() >= 0);
                }
            }
            if (d.pointwise() && d.inputs().size() == 1) {
                // rank 0 too for most; hardswish's samples are sized in multiples of 8 on purpose
                for (int r = 1; r <= 3; r++) {
                    assertTrue(ranks.contains(r), op + " samples rank " + r + "; ranks seen " + ranks);
                }
            }
        }
    }

    private static void assertAwayFromKinks(String op, Sample s, double mag, int seed) {
        double margin = Samplers.KINK_MARGIN * Math.max(1, mag) * 0.999;
        double[] x = s.inputs()[0].data();
        Attrs a = s.attrs();
        for (double v : x) {
            switch (op) {
                case "relu":
                case "abs":
                case "leaky_relu":
                    assertTrue(Math.abs(v) >= margin, op + ": " + v + " is near the kink at 0, seed " + seed);
                    break;
                case "clamp":
                    for (String bound : new String[] {"min", "max"}) {
                        Double b = a.getOptionalDouble(bound);
                        if (b != null) {
                            assertTrue(Math.abs(v - b) >= margin, "clamp: " + v + " is near " + bound + " " + b
                                    + ", seed " + seed);
                        }
                    }
                    break;
                case "softplus": {
                    double beta = a.has("beta") ? a.getDouble("beta") : 1;
                    double threshold = a.has("threshold") ? a.getDouble("threshold") : 20;
                    assertTrue(Math.abs(v - threshold / beta) >= margin, "softplus: " + v + " is near the switch at "
                            + threshold / beta + ", seed " + seed);
                    break;
                }
                default:
                    break;
            }
        }
    }

    @Test
    void shapeOpSamplesUseNegativeDimensions() {
        for (String op : new String[] {"transpose", "permute", "squeeze", "unsqueeze", "cat", "narrow", "logsumexp"}) {
            boolean negative = false;
            for (int seed = 0; seed < 60 && !negative; seed++) {
                Attrs a = OpRegistry.get(op).samples().draw(new SplittableRandom(seed), 1).attrs();
                for (String name : a.names()) {
                    Object v = a.get(name);
                    if (v instanceof Integer && (Integer) v < 0 && !name.equals("length")) {
                        negative = true;
                    }
                    if (v instanceof int[] && java.util.Arrays.stream((int[]) v).anyMatch(i -> i < 0)) {
                        negative = true;
                    }
                }
            }
            assertTrue(negative, op + " samples some negative dimension");
        }
    }

    @Test
    void matmulSamplesCoverEveryCase() {
        Set<String> cases = new HashSet<>();
        for (int seed = 0; seed < 200; seed++) {
            Sample s = OpRegistry.get("matmul").samples().draw(new SplittableRandom(seed), 1);
            int ra = s.inputs()[0].rank();
            int rb = s.inputs()[1].rank();
            cases.add((ra > 2 ? "N" : String.valueOf(ra)) + "x" + (rb > 2 ? "N" : String.valueOf(rb)));
        }
        for (String c : new String[] {"1x1", "2x2", "1x2", "2x1", "Nx1", "1xN", "NxN"}) {
            assertTrue(cases.contains(c), "matmul samples " + c + "; seen " + cases);
        }
    }

    @Test
    void typedTensorMethodsReachTheOps() {
        Tensor x = Tensor.of(new double[] {-1, 0.5, 2}, 3);
        assertArrayEquals(new double[] {0, 0.5, 2}, x.relu().data());
        assertArrayEquals(new double[] {-0.5, 0.5, 1}, x.clamp(-0.5, 1.0).data());
        assertArrayEquals(new double[] {-0.5, 0.5, 2}, x.clamp(-0.5, null).data());
        assertEquals(Shape.of(3, 1), x.unsqueeze(1).shape());
        assertEquals(Shape.of(1, 3), x.unsqueeze(0).transpose(0, 1).transpose(-1, -2).shape());
        assertEquals(Shape.of(3), x.unsqueeze(0).squeeze().shape());
        assertArrayEquals(new double[] {0.5, 2}, x.narrow(0, -2, 2).data());
        assertEquals(2.0, x.amax(0, false).item());
        assertEquals(Math.log(Math.exp(-1) + Math.exp(0.5) + Math.exp(2)), x.logsumexp(0, false).item(), 1e-15);
        assertEquals(1 + 0.25 + 4, x.matmul(x).item(), 1e-15);
    }

    @Test
    void gradientsReduceBroadcastBatchDimensions() {
        Tensor a = Tensor.randn(new Random(1), 4, 2, 3).requiresGrad();
        Tensor b = Tensor.randn(new Random(2), 3, 5).requiresGrad();
        a.matmul(b).sum().backward();
        assertEquals(Shape.of(3, 5), b.grad().shape());
        // every batch contributes: d/db sum(a_t @ b) = sum_t a_t^T @ ones
        double[] ad = a.data();
        for (int p = 0; p < 3; p++) {
            double colSum = 0;
            for (int t = 0; t < 4; t++) {
                for (int i = 0; i < 2; i++) {
                    colSum += ad[t * 6 + i * 3 + p];
                }
            }
            for (int j = 0; j < 5; j++) {
                assertEquals(colSum, b.grad().get(p, j), 1e-12);
            }
        }
    }

    @Test
    void nonFiniteValuesPropagateAsInPyTorch() {
        // torch 1.13: amax([1, nan, 3]) = nan, amax([nan, 1, 3]) = nan, logsumexp([-inf, -inf]) = -inf,
        // logsumexp([inf, 1]) = inf, clamp(nan, 0, 1) = nan, relu(nan) = nan
        double nan = Double.NaN;
        double inf = Double.POSITIVE_INFINITY;
        assertTrue(Double.isNaN(Tensor.of(new double[] {1, nan, 3}, 3).amax(0, false).item()));
        assertTrue(Double.isNaN(Tensor.of(new double[] {nan, 1, 3}, 3).amax(0, false).item()));
        assertEquals(-inf, Tensor.of(new double[] {-inf, -inf}, 2).logsumexp(0, false).item());
        assertEquals(inf, Tensor.of(new double[] {inf, 1}, 2).logsumexp(0, false).item());
        assertTrue(Double.isNaN(Tensor.of(new double[] {nan}, 1).clamp(0.0, 1.0).item()));
        assertTrue(Double.isNaN(Tensor.of(new double[] {nan}, 1).relu().item()));
    }
}

package dev.gradcheck.engine.nnops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.gradcheck.engine.Autograd;
import dev.gradcheck.engine.Ops;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.op.OpDef;
import dev.gradcheck.engine.op.OpRegistry;
import dev.gradcheck.engine.op.Sample;
import dev.gradcheck.engine.ops.NumericGradients;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every NN op on its own samples, at fixed seeds: the analytic gradient (and, for twice
 * differentiable ops, the gradient of the gradient) against central differences.
 */
class NnOpsNumericTest {
    static final String[] OPS = {"softmax", "log_softmax", "embedding", "embedding_dense_backward", "cross_entropy",
        "nll_loss", "mse_loss", "binary_cross_entropy_with_logits", "conv2d", "unfold", "fold", "max_pool2d",
        "avg_pool2d", "layer_norm", "batch_norm", "dropout"};

    private static final int SEEDS = 25;
    private static final double[] MAGNITUDES = {1, 4, 10, 100};

    static Stream<String> ops() {
        return Arrays.stream(OPS);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ops")
    void gradientMatchesCentralDifferences(String name) {
        OpDef op = OpRegistry.get(name);
        for (double m : MAGNITUDES) {
            for (int seed = 0; seed < SEEDS; seed++) {
                SplittableRandom rng = new SplittableRandom(seed);
                Sample s = op.samples().draw(rng, m);
                String where = name + " seed " + seed + " magnitude " + m + " sample " + s;
                Function<Tensor[], Tensor> f = xs -> Ops.apply(op, s.attrs(), xs);
                Tensor[] xs = NumericGradients.leaves(s.inputs());
                Tensor out = f.apply(xs);
                assertEquals(op.inferShape(shapes(xs), op.resolve(s.attrs())), out.shape(), where + ": shape rule");
                Tensor u = Tensor.randn(rng, out.shape().dims());
                int[] fl = NumericGradients.differentiable(op, xs);
                Tensor[] req = Arrays.stream(fl).mapToObj(i -> xs[i]).toArray(Tensor[]::new);
                Tensor[] g = Autograd.grad(out, u, false, req);
                for (int j = 0; j < fl.length; j++) {
                    double[] num = NumericGradients.gradient(NumericGradients.dot(f, u), s.inputs(), fl[j], 1e-6);
                    compare(where + ", input " + fl[j] + " " + xs[fl[j]].shape(), g[j].data(), num, 1e-6);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ops")
    void samplesGiveFiniteDeterministicOutputsAndLeaveInputsAlone(String name) {
        OpDef op = OpRegistry.get(name);
        for (double m : new double[] {1, 10, 100}) {
            for (int seed = 0; seed < 200; seed++) {
                Sample s = op.samples().draw(new SplittableRandom(seed), m);
                double[][] before = Arrays.stream(s.inputs()).map(Tensor::data).toArray(double[][]::new);
                double[] out = Ops.apply(op, s.attrs(), s.inputs()).data();
                for (double v : out) {
                    assertTrue(Double.isFinite(v), name + " seed " + seed + " magnitude " + m + " sample " + s
                            + ": non-finite output " + v);
                }
                String where = name + " seed " + seed + " sample " + s;
                assertArrayEquals(out, Ops.apply(op, s.attrs(), s.inputs()).data(), where + ": not deterministic");
                for (int i = 0; i < before.length; i++) {
                    assertArrayEquals(before[i], s.inputs()[i].data(), where + ": input " + i + " was modified");
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ops")
    void secondOrderGradientMatchesCentralDifferences(String name) {
        OpDef op = OpRegistry.get(name);
        assertTrue(op.twiceDifferentiable(), name + " should be marked twice differentiable");
        for (int k = 0; k < 2 * SEEDS; k++) {
            int seed = 1000 + k;
            double m = k < SEEDS ? 1 : 10;
            SplittableRandom rng = new SplittableRandom(seed);
            Sample s = op.samples().draw(rng, m);
            String where = name + " seed " + seed + " magnitude " + m + " sample " + s + " (second order)";
            Function<Tensor[], Tensor> f = xs -> Ops.apply(op, s.attrs(), xs);
            Tensor out = f.apply(s.inputs());
            Tensor u = Tensor.randn(rng, out.shape().dims());
            int[] fl = NumericGradients.differentiable(op, s.inputs());
            Tensor[] v = Arrays.stream(fl).mapToObj(i -> Tensor.randn(rng, s.inputs()[i].shape().dims()))
                    .toArray(Tensor[]::new);
            // analytic: differentiate <VJP(u), v> once more
            Tensor[] xs = NumericGradients.leaves(s.inputs());
            Tensor[] req = Arrays.stream(fl).mapToObj(i -> xs[i]).toArray(Tensor[]::new);
            Tensor out2 = f.apply(xs);
            Tensor[] g = Autograd.grad(out2, u, true, req);
            Tensor tot = Tensor.scalar(0);
            for (int i = 0; i < g.length; i++) {
                tot = tot.add(g[i].mul(v[i]).sum());
            }
            Tensor[] gg = Autograd.grad(tot, null, false, req);
            Function<Tensor[], Tensor> vjpDot = ys -> NumericGradients.vjpDot(f, ys, fl, u, v, false);
            for (int j = 0; j < fl.length; j++) {
                double[] num = NumericGradients.gradient(vjpDot, s.inputs(), fl[j], 1e-5);
                compare(where + ", input " + fl[j] + " " + xs[fl[j]].shape(), gg[j].data(), num, 1e-5);
            }
        }
    }

    private static dev.gradcheck.engine.Shape[] shapes(Tensor[] xs) {
        return Arrays.stream(xs).map(Tensor::shape).toArray(dev.gradcheck.engine.Shape[]::new);
    }

    static void compare(String where, double[] analytic, double[] numeric, double tol) {
        assertEquals(numeric.length, analytic.length, where + ": gradient size");
        for (int i = 0; i < numeric.length; i++) {
            if (!(Math.abs(analytic[i] - numeric[i]) <= tol * Math.max(1, Math.abs(numeric[i])))) {
                fail(where + ": entry " + i + ": analytic " + analytic[i] + " vs numeric " + numeric[i]
                        + "\nanalytic " + Arrays.toString(analytic) + "\nnumeric  " + Arrays.toString(numeric));
            }
        }
    }
}

package dev.gradcheck.kernels;

import dev.gradcheck.engine.Autograd;
import dev.gradcheck.engine.Tensor;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * First-order backward rules that run as one loop over the arrays (no graph recorded) give the
 * same bits as their differentiable form (what runs under {@code createGraph}).
 */
class FusedBackwardTest {
    private static final long SEED = 20261124L;

    /** The gradient of {@code f} at {@code x} for {@code g}, without and with a recorded graph: equal bits. */
    private static void sameBothWays(String what, UnaryOperator<Tensor> f, Tensor x, Tensor g) {
        Tensor fused = Autograd.grad(f.apply(x), g, false, x)[0];
        Tensor graph = Autograd.grad(f.apply(x), g, true, x)[0];
        double[] a = fused.data();
        double[] b = graph.data();
        if (!fused.shape().equals(graph.shape())) {
            throw new AssertionError(what + ": shapes " + fused.shape() + " and " + graph.shape());
        }
        for (int i = 0; i < a.length; i++) {
            if (Double.doubleToLongBits(a[i]) != Double.doubleToLongBits(b[i])) {
                throw new AssertionError(what + " at " + x.shape() + " (seed " + SEED + "), entry " + i + ": x = "
                        + x.data()[i] + ", g = " + g.data()[i] + ": fused " + a[i] + ", differentiable " + b[i]);
            }
        }
    }

    private static Tensor values(SplittableRandom r, int... shape) {
        Tensor t = Tensor.randn(r, shape);
        double[] d = t.data();
        double[] special = {0.0, -0.0, 1e-300, -30, 30, Double.NaN, Double.POSITIVE_INFINITY,
            Double.NEGATIVE_INFINITY, 1e308};
        for (int i = 0; i < d.length; i++) {
            d[i] = i < special.length ? special[i] : d[i] * (1 + 5 * r.nextDouble());
        }
        return Tensor.of(d, shape).requiresGrad();
    }

    @Test
    void tanhBackward() {
        SplittableRandom r = new SplittableRandom(SEED);
        for (int[] shape : new int[][] {{}, {1}, {13}, {32, 128}, {3, 5, 7}}) {
            Tensor x = values(r, shape);
            sameBothWays("tanh", Tensor::tanh, x, values(r, shape));
        }
    }
}

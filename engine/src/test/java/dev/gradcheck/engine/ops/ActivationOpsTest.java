package dev.gradcheck.engine.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gradcheck.engine.Attrs;
import dev.gradcheck.engine.Autograd;
import dev.gradcheck.engine.Ops;
import dev.gradcheck.engine.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The activations' choices at their kinks and at extreme inputs, against values printed by PyTorch
 * 1.13 ({@code torch.autograd.grad} of the 0-d op, then of that gradient, in float64).
 */
class ActivationOpsTest {

    /** {value, first derivative, second derivative} of {@code op} at the 0-d point x. */
    private static double[] derivatives(String op, Attrs attrs, double x) {
        Tensor in = Tensor.scalar(x).requiresGrad();
        Tensor y = Ops.apply(op, attrs, in);
        Tensor g = Autograd.grad(y, Tensor.scalar(1), true, in)[0];
        Tensor gg = Autograd.grad(g, Tensor.scalar(1), false, in)[0];
        return new double[] {y.item(), g.item(), gg.item()};
    }

    private static void assertDerivatives(String op, Attrs attrs, double x, double... expected) {
        assertArrayEquals(expected, derivatives(op, attrs, x), 1e-15, op + " " + attrs + " at " + x);
    }

    @Test
    void eluTakesTheExponentialBranchAtZeroButNotItsSecondDerivative() {
        // F.elu(x, alpha=2.0): slope alpha at 0 (x <= 0 branch), second derivative 0 there (x < 0 mask)
        assertDerivatives("elu", Attrs.of("alpha", 2.0), 0, 0, 2, 0);
        assertDerivatives("elu", Attrs.of("alpha", 2.0), -1, -1.2642411176571153, 0.7357588823428847,
                0.7357588823428847);
        assertDerivatives("elu", Attrs.EMPTY, 3, 3, 1, 0);
    }

    @Test
    void seluScalesEluWithPyTorchsConstants() {
        assertDerivatives("selu", Attrs.EMPTY, 0, 0, 1.7580993408473766, 0);
        assertDerivatives("selu", Attrs.EMPTY, -3, -1.6705687287671118, 0.08753061208026487, 0.08753061208026487);
        assertDerivatives("selu", Attrs.EMPTY, 1, 1.0507009873554805, 1.0507009873554805, 0);
    }

    @Test
    void siluAndItsDerivatives() {
        assertDerivatives("silu", Attrs.EMPTY, 0, 0, 0.5, 0.5);
        assertDerivatives("silu", Attrs.EMPTY, -1, -0.2689414213699951, 0.07232948812851325, 0.3023661188100153);
        assertDerivatives("silu", Attrs.EMPTY, 3, 2.8577223804672998, 1.0881041060151693, -0.03232140452100613);
    }

    @Test
    void hardtanhPassesNoGradientAtItsBounds() {
        assertDerivatives("hardtanh", Attrs.EMPTY, -1, -1, 0, 0);
        assertDerivatives("hardtanh", Attrs.EMPTY, 1, 1, 0, 0);
        assertDerivatives("hardtanh", Attrs.EMPTY, 0, 0, 1, 0);
        // min_val > max_val is accepted by PyTorch: every value becomes max_val, no gradient passes
        Tensor x = Tensor.of(new double[] {-2, 0, 0.5, 2}, 4).requiresGrad();
        Tensor y = Ops.apply("hardtanh", Attrs.of("min_val", 1.0, "max_val", -1.0), x);
        assertArrayEquals(new double[] {-1, -1, -1, -1}, y.data());
        assertArrayEquals(new double[4], Autograd.grad(y.sum(), x)[0].data());
    }

    @Test
    void hardswishSlopesAtItsKinksAreThoseOfPyTorch() {
        assertDerivatives("hardswish", Attrs.EMPTY, -3, 0, -0.5, 0);
        // at 3, PyTorch 1.13's vectorised kernel (which computes all but the last few entries of a tensor of
        // 8 or more) gives slope 1; its scalar kernel (tensors under 8 entries, as a 0-d one) gives 1.5
        assertDerivatives("hardswish", Attrs.EMPTY, 3, 3, 1, 0);
        assertDerivatives("hardswish", Attrs.EMPTY, 0, 0, 0.5, 1.0 / 3);
        assertDerivatives("hardswish", Attrs.EMPTY, -1, -1.0 / 3, 0.16666666666666669, 1.0 / 3);
    }

    @Test
    void extremeInputsGiveFiniteValuesAndGradients() {
        Tensor x = Tensor.of(new double[] {Double.NEGATIVE_INFINITY, -1000, 1000, Double.POSITIVE_INFINITY}, 4)
                .requiresGrad();
        // PyTorch: elu -> [-1, -1, 1000, inf] with gradients [0, 0, 1, 1]; silu -> [nan, -0, 1000, inf], [nan, -0, 1, nan]
        Tensor elu = Ops.apply("elu", Attrs.EMPTY, x);
        assertArrayEquals(new double[] {-1, -1, 1000, Double.POSITIVE_INFINITY}, elu.data());
        assertArrayEquals(new double[] {0, 0, 1, 1}, Autograd.grad(elu.sum(), x)[0].data());
        Tensor finite = Tensor.of(new double[] {-1000, 1000}, 2).requiresGrad();
        Tensor silu = Ops.apply("silu", Attrs.EMPTY, finite);
        assertArrayEquals(new double[] {-0.0, 1000}, silu.data());
        assertArrayEquals(new double[] {-0.0, 1}, Autograd.grad(silu.sum(), finite)[0].data());
        assertEquals(Double.POSITIVE_INFINITY, Ops.apply("hardswish", Attrs.EMPTY, Tensor.scalar(Double.POSITIVE_INFINITY)).item());
    }
}

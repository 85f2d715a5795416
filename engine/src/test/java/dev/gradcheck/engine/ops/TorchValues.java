package dev.gradcheck.engine.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.gradcheck.engine.Attrs;
import dev.gradcheck.engine.Autograd;
import dev.gradcheck.engine.Ops;
import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.Tensor;
import java.util.Arrays;

/** Assertions of an op's values and gradients against numbers printed by PyTorch. */
final class TorchValues {
    /** |actual - expected| <= RTOL * |expected| + ATOL. */
    static final double RTOL = 1e-12;
    static final double ATOL = 1e-14;

    private TorchValues() {
    }

    /** The op's output and its gradients, for gradOutput {@code g}, equal PyTorch's. */
    static void assertForwardAndBackward(String op, Attrs attrs, Tensor[] inputs, double[] g, double[] expected,
            int[] expectedShape, double[][] expectedGrads) {
        Tensor[] leaves = leaves(inputs);
        Tensor out = Ops.apply(op, attrs, leaves);
        assertEquals(Shape.of(expectedShape), out.shape(), op + ": output shape");
        assertClose(op + " output", expected, out.data());
        Tensor[] grads = Autograd.grad(out, Tensor.of(g, expectedShape), false, leaves);
        for (int i = 0; i < grads.length; i++) {
            assertEquals(inputs[i].shape(), grads[i].shape(), op + ": gradient shape of input " + i);
            assertClose(op + " gradient of input " + i, expectedGrads[i], grads[i].data());
        }
    }

    /** The gradient of sum_i(v_i * grad_i) equals PyTorch's double backward. */
    static void assertSecondOrder(String op, Attrs attrs, Tensor[] inputs, double[] g, double[][] v,
            double[][] expected) {
        Tensor[] leaves = leaves(inputs);
        Tensor out = Ops.apply(op, attrs, leaves);
        Tensor[] grads = Autograd.grad(out, Tensor.of(g, out.shape()), true, leaves);
        Tensor s = Tensor.scalar(0);
        for (int i = 0; i < grads.length; i++) {
            s = s.add(grads[i].mul(Tensor.of(v[i], inputs[i].shape())).sum());
        }
        Tensor[] gg = Autograd.grad(s, null, false, leaves);
        for (int i = 0; i < gg.length; i++) {
            assertClose(op + " second-order gradient of input " + i, expected[i], gg[i].data());
        }
    }

    static void assertClose(String what, double[] expected, double[] actual) {
        if (expected.length != actual.length) {
            fail(what + ": expected " + expected.length + " values " + Arrays.toString(expected) + " but got "
                    + actual.length + " " + Arrays.toString(actual));
        }
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i];
            double a = actual[i];
            boolean same = Double.isNaN(e) ? Double.isNaN(a)
                    : e == a || Math.abs(a - e) <= RTOL * Math.abs(e) + ATOL;
            if (!same) {
                fail(what + ": entry " + i + ": expected " + e + " but got " + a + "\n  expected "
                        + Arrays.toString(expected) + "\n  actual   " + Arrays.toString(actual));
            }
        }
    }

    private static Tensor[] leaves(Tensor[] inputs) {
        return Arrays.stream(inputs).map(t -> Tensor.of(t.data(), t.shape()).requiresGrad()).toArray(Tensor[]::new);
    }
}

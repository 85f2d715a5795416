package dev.gradcheck.properties;

import dev.gradcheck.engine.Autograd;
import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.Tensor;
import java.util.SplittableRandom;

/**
 * Gradients have their inputs' shapes (from {@link Autograd#grad} and as accumulated by
 * {@code backward}), and when an input broadcasts to the output shape and feeding it already
 * expanded gives the same output (an elementwise broadcasting op), its gradient is the expanded
 * input's gradient summed back to its shape.
 */
final class BroadcastShapesProperty extends DifferentiableProperty {
    /** Expanded and broadcast computations do the same arithmetic; only summation order differs. */
    private static final double RTOL = 1e-10;

    BroadcastShapesProperty() {
        super("broadcasting: gradient shapes", 30);
    }

    @Override
    boolean check(OpEval e, Tensor[] in, Tensor y, SplittableRandom aux) {
        Tensor g = Tensor.randn(aux, y.shape().dims());
        Tensor[] xs = e.realOf(in);
        Tensor[] grads = Autograd.grad(y, g, false, xs);
        y.backward(g);
        for (int k = 0; k < xs.length; k++) {
            String input = e.realName(k);
            assertShape("gradient (Autograd.grad) of " + input, xs[k].shape(), grads[k].shape());
            if (xs[k].grad() == null) {
                throw new AssertionError("backward(): no gradient accumulated into " + input + " of shape "
                        + xs[k].shape());
            }
            assertShape("accumulated grad() of " + input, xs[k].shape(), xs[k].grad().shape());
        }
        checkAgainstExpanded(e, y, g, xs, grads);
        return true;
    }

    private static void assertShape(String what, Shape expected, Shape actual) {
        if (!expected.equals(actual)) {
            throw new AssertionError(what + ": expected shape " + expected + ", actual " + actual);
        }
    }

    /** Compares with the same op on inputs pre-expanded to the output shape, when that is the same computation. */
    private static void checkAgainstExpanded(OpEval e, Tensor y, Tensor g, Tensor[] xs, Tensor[] grads) {
        Shape out = y.shape();
        Tensor[] in = e.fresh();
        Tensor[] ex = new Tensor[xs.length];
        boolean any = false;
        for (int k = 0; k < xs.length; k++) {
            Shape s = xs[k].shape();
            if (!s.equals(out) && s.broadcastsTo(out)) {
                ex[k] = Tensor.of(xs[k].detach().expand(out.dims()).data(), out).requiresGrad();
                any = true;
            } else {
                ex[k] = OpEval.copy(xs[k]).requiresGrad();
            }
            in[e.real[k]] = ex[k];
        }
        if (!any) {
            return;
        }
        Tensor y2;
        try {
            y2 = e.apply(in);
        } catch (RuntimeException notElementwise) {
            return; // the op does not take pre-expanded inputs: it is not an elementwise broadcasting op
        }
        if (!y2.shape().equals(out) || !close(y.data(), y2.data())) {
            return; // a different computation (e.g. a batch dimension), not a broadcast
        }
        Tensor[] grads2 = Autograd.grad(y2, g, false, ex);
        Entries entries = new Entries();
        for (int k = 0; k < xs.length; k++) {
            double[] expected = grads2[k].sumToSize(xs[k].shape()).data();
            double[] actual = grads[k].data();
            for (int j = 0; j < expected.length; j++) {
                entries.compare(e.realName(k) + " " + xs[k].shape() + " index "
                        + Entries.index(xs[k].shape(), j), actual[j], expected[j],
                        RTOL * (1 + Math.abs(expected[j]) + Math.abs(actual[j])));
            }
        }
        entries.assertAllClose("gradient of broadcast inputs vs gradient of pre-expanded inputs summed back");
    }

    private static boolean close(double[] a, double[] b) {
        for (int i = 0; i < a.length; i++) {
            if (!(Math.abs(a[i] - b[i]) <= 1e-12 * (1 + Math.abs(a[i])))) {
                return false;
            }
        }
        return true;
    }
}

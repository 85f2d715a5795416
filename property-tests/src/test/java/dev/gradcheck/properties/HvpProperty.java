package dev.gradcheck.properties;

import dev.gradcheck.engine.Autograd;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.op.OpDef;
import java.util.SplittableRandom;

/**
 * For twice-differentiable ops, forward over reverse equals reverse over reverse: the Hessian-vector
 * products of {@code <w, f(x)>} along random u from {@link Autograd#hvp} (tangents pushed through
 * the backward rules' ops, internal helpers included) equal the gradients of {@code <∇, u>} taken
 * through the backward rules' own graph. Both are analytic, so they agree to rounding.
 */
final class HvpProperty extends DifferentiableProperty {
    HvpProperty() {
        super("hvp (forward over reverse) = reverse over reverse", 12);
    }

    @Override
    boolean appliesTo(OpDef op) {
        return super.appliesTo(op) && op.twiceDifferentiable();
    }

    @Override
    boolean check(OpEval e, Tensor[] in, Tensor y, SplittableRandom aux) {
        Tensor w = Tensor.randn(aux, y.shape().dims());
        Tensor[] u = JvpProperty.tangents(e, in, aux);
        Tensor[] hvp = Autograd.hvp(x -> e.apply(x).mul(w).sum(), in, u);

        Tensor[] xs = e.realOf(in);
        Tensor[] ur = e.realOf(u);
        Tensor[] grads = Autograd.grad(y.mul(w).sum(), null, true, xs);
        Tensor s = Tensor.scalar(0);
        for (int k = 0; k < xs.length; k++) {
            s = s.add(grads[k].mul(ur[k]).sum());
        }
        Tensor[] rr = Autograd.grad(s, null, false, xs);
        Tensor[] fr = e.realOf(hvp);
        for (int k = 0; k < xs.length; k++) {
            double[] a = fr[k].data();
            double[] b = rr[k].data();
            double scale = 0;
            for (double v : b) {
                scale = Math.max(scale, Math.abs(v));
            }
            if (!Double.isFinite(scale)) {
                return false;
            }
            for (int j = 0; j < a.length; j++) {
                double tol = 1e-9 * scale + 1e-12;
                if (!(Math.abs(a[j] - b[j]) <= tol)) {
                    throw new AssertionError("Hessian-vector product of " + e.realName(k) + " entry "
                            + Entries.index(xs[k].shape(), j) + ": forward over reverse " + a[j]
                            + ", reverse over reverse " + b[j] + ", |difference| " + Math.abs(a[j] - b[j])
                            + " > tolerance " + tol);
                }
            }
        }
        return true;
    }
}

package dev.gradcheck.properties;

import dev.gradcheck.engine.Autograd;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.op.FastPaths;
import java.util.SplittableRandom;

/**
 * The forward and backward rules agree: {@code <w, J u> = <J^T w, u>} with J u from
 * {@link Autograd#jvp} and J^T w from {@link Autograd#grad}, for random u (every differentiable
 * input at once) and w. Both sides are analytic and computed with the reference definitions (the
 * forward rule of an elementwise op is its backward rule, so a fast backward would only add its own
 * rounding), so they must agree to rounding: a forward rule and a backward rule that are each
 * plausible but disagree fail here. Rounding is allowed relative to the result and, for the
 * cancellation inside J u (softmax near one-hot), to the size of the output's terms {@code |w f|}
 * per unit of input.
 */
final class JvpAdjointProperty extends DifferentiableProperty {
    /** Allowed relative difference between the two sides. */
    static final double RTOL = 1e-9;
    /** Rounding allowance relative to the size of the terms summed, per unit of input. */
    static final double ROUNDING = 1e3 * Math.ulp(1.0);

    JvpAdjointProperty() {
        super("<w, J u> (jvp) = <J^T w, u> (vjp)", 50);
    }

    @Override
    boolean check(OpEval e, Tensor[] in, Tensor y, SplittableRandom aux) {
        try (FastPaths.Scope s = FastPaths.referenceOnly()) {
            Tensor[] leaves = e.leaves();
            return checkReference(e, leaves, e.apply(leaves), aux);
        }
    }

    private boolean checkReference(OpEval e, Tensor[] in, Tensor y, SplittableRandom aux) {
        double[] w = Tensor.randn(aux, y.shape().dims()).data();
        Tensor[] u = JvpProperty.tangents(e, in, aux);
        double[] ju = Autograd.jvp(e::apply, in, u).tangent().data();
        Tensor[] vjp = Autograd.grad(y, Tensor.of(w, y.shape()), false, e.realOf(in));
        Tensor[] ur = e.realOf(u);
        double lhs = OpEval.dot(w, ju);
        double scale = OpEval.absDot(w, ju) + OpEval.absDot(w, y.data());
        double rhs = 0;
        for (int k = 0; k < vjp.length; k++) {
            rhs += OpEval.dot(vjp[k].data(), ur[k].data());
            scale += OpEval.absDot(vjp[k].data(), ur[k].data());
        }
        if (!Double.isFinite(scale)) {
            return false;
        }
        double xmax = 1;
        for (double[] x : e.realData()) {
            for (double v : x) {
                xmax = Math.max(xmax, Math.abs(v));
            }
        }
        double tol = RTOL * Math.max(Math.abs(lhs), Math.abs(rhs)) + ROUNDING * scale / xmax;
        if (!(Math.abs(lhs - rhs) <= tol)) {
            throw new AssertionError("<w, J u> (forward rule, route " + e.op.forwardRoute() + ") = " + lhs
                    + " but <J^T w, u> (backward rule) = " + rhs + ", |difference| " + Math.abs(lhs - rhs)
                    + " > tolerance " + tol);
        }
        return true;
    }
}

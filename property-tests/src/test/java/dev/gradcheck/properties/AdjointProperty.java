package dev.gradcheck.properties;

import dev.gradcheck.engine.Autograd;
import dev.gradcheck.engine.Tensor;
import java.util.SplittableRandom;

/**
 * {@code <J u, v> = <u, J^T v>}: a numeric JVP (central difference along a random direction u)
 * against the VJP of a random v, for all differentiable inputs at once.
 */
final class AdjointProperty extends DifferentiableProperty {
    AdjointProperty() {
        super("<Ju, v> = <u, J^T v>", 50);
    }

    @Override
    boolean check(OpEval e, Tensor[] in, Tensor y, SplittableRandom aux) {
        double[] f = y.data();
        double[] v = Tensor.randn(aux, y.shape().dims()).data();
        Tensor[] xs = e.realOf(in);
        double[][] x = e.realData();
        double[][] u = new double[x.length][];
        for (int k = 0; k < x.length; k++) {
            u[k] = Tensor.randn(aux, xs[k].shape().dims()).data();
        }
        Tensor[] vjp = Autograd.grad(y, Tensor.of(v, y.shape()), false, xs);
        double rhs = 0;
        for (int k = 0; k < vjp.length; k++) {
            rhs += OpEval.dot(u[k], vjp[k].data());
        }
        Numeric.Diff lhs = Numeric.directional(p -> e.phi(p, v), x, u, OpEval.kinked(e.op));
        if (lhs.straddlesKink()) {
            return false;
        }
        double tol = Numeric.tolerance(rhs, lhs.value(), OpEval.absDot(f, v), Numeric.directionalStep(x, u));
        if (!(Math.abs(rhs - lhs.value()) <= tol)) {
            throw new AssertionError("<J u, v> (numeric JVP) != <u, J^T v> (VJP): expected " + lhs.value()
                    + ", actual " + rhs + ", |difference| " + Math.abs(rhs - lhs.value()) + " > tolerance " + tol);
        }
        return true;
    }
}

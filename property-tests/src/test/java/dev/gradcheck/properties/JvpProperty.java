package dev.gradcheck.properties;

import dev.gradcheck.engine.Autograd;
import dev.gradcheck.engine.Jvp;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.op.FastPaths;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The forward rule: {@link Autograd#jvp} along random tangents u (every differentiable input at
 * once) gives the op's reference output, bit for bit (forward mode runs the reference definitions,
 * not the fast paths), and a tangent whose projection {@code <w, J u>} on
 * a random w equals the central difference of {@code <w, f(x)>} along u (as {@link GradientProperty}
 * holds the backward rule to the central differences of {@code <g, f(x)>}).
 */
final class JvpProperty extends DifferentiableProperty {
    JvpProperty() {
        super("jvp vs numeric", 30);
    }

    @Override
    boolean check(OpEval e, Tensor[] in, Tensor y, SplittableRandom aux) {
        double[] w = Tensor.randn(aux, y.shape().dims()).data();
        Tensor[] u = tangents(e, in, aux);
        Jvp jvp = Autograd.jvp(e::apply, in, u);
        double[] reference;
        try (FastPaths.Scope s = FastPaths.referenceOnly()) {
            reference = e.apply(e.fresh()).data();
        }
        if (!Arrays.equals(reference, jvp.output().data())) {
            throw new AssertionError("Autograd.jvp's output differs from the op's reference forward at the same inputs");
        }
        if (!jvp.tangent().shape().equals(y.shape())) {
            throw new AssertionError("the tangent has shape " + jvp.tangent().shape() + " but the output " + y.shape());
        }
        double analytic = OpEval.dot(w, jvp.tangent().data());
        double[][] x = e.realData();
        double[][] ud = e.realOf(u).length == 0 ? new double[0][] : Arrays.stream(e.realOf(u)).map(Tensor::data)
                .toArray(double[][]::new);
        Numeric.Diff numeric = Numeric.directional(p -> e.phi(p, w), x, ud, OpEval.kinked(e.op));
        if (numeric.straddlesKink()) {
            return false;
        }
        double tol = Numeric.tolerance(analytic, numeric.value(), OpEval.absDot(y.data(), w), Numeric.directionalStep(x, ud));
        if (!(Math.abs(analytic - numeric.value()) <= tol)) {
            throw new AssertionError("<w, J u> (forward rule, route " + e.op.forwardRoute() + ") != central difference of "
                    + "<w, f> along u: expected " + numeric.value() + ", actual " + analytic + ", |difference| "
                    + Math.abs(analytic - numeric.value()) + " > tolerance " + tol);
        }
        return true;
    }

    /** A random tangent for each differentiable input, null for the others. */
    static Tensor[] tangents(OpEval e, Tensor[] in, SplittableRandom aux) {
        Tensor[] u = new Tensor[in.length];
        for (int i : e.real) {
            u[i] = Tensor.randn(aux, in[i].shape().dims());
        }
        return u;
    }
}

package dev.gradcheck.properties;

import dev.gradcheck.engine.Autograd;
import dev.gradcheck.engine.Tensor;
import java.util.SplittableRandom;

/**
 * The VJP from {@link Autograd#grad} with a random gradient output equals, entry by entry, the
 * central difference of {@code <g, f(x)>}.
 */
final class GradientProperty extends DifferentiableProperty {
    GradientProperty() {
        super("gradient vs numeric", 30);
    }

    @Override
    boolean check(OpEval e, Tensor[] in, Tensor y, SplittableRandom aux) {
        Tensor g = Tensor.randn(aux, y.shape().dims());
        double[] gd = g.data();
        Tensor[] xs = e.realOf(in);
        Tensor[] grads = Autograd.grad(y, g, false, xs);
        double scale = OpEval.absDot(y.data(), gd);
        Entries entries = new Entries();
        if (!entries.comparePartials(p -> e.phi(p, gd), e.realData(), xs, e.realNames(), grads, scale,
                OpEval.kinked(e.op))) {
            return false;
        }
        entries.assertAllClose("VJP vs central differences");
        return true;
    }
}

package dev.gradcheck.properties;

import dev.gradcheck.engine.Autograd;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.op.OpDef;
import java.util.SplittableRandom;

/**
 * The VJP from {@link Autograd#grad} with a random gradient output equals, entry by entry, the
 * central difference of {@code <g, f(x)>}.
 */
final class GradientProperty implements OpProperty {
    @Override
    public String name() {
        return "gradient vs numeric";
    }

    @Override
    public boolean appliesTo(OpDef op) {
        return OpEval.differentiable(op);
    }

    @Override
    public int defaultExamples() {
        return 30;
    }

    @Override
    public boolean check(OpDraw draw) {
        OpEval e = new OpEval(draw);
        Tensor[] in = e.leaves();
        Tensor y = e.apply(in);
        double[] f = y.data();
        if (!OpEval.finite(f)) {
            return false;
        }
        SplittableRandom aux = draw.aux();
        Tensor g = Tensor.randn(aux, y.shape().dims());
        double[] gd = g.data();
        Tensor[] grads = Autograd.grad(y, g, false, e.realOf(in));
        double[][] x = e.realData();
        double scale = OpEval.absDot(f, gd);
        boolean kinked = OpEval.kinked(e.op);
        Entries entries = new Entries();
        for (int k = 0; k < x.length; k++) {
            double[] analytic = grads[k].data();
            String input = e.op.input(e.real[k]).name();
            for (int j = 0; j < x[k].length; j++) {
                Numeric.Diff d = Numeric.partial(p -> e.phi(p, gd), x, k, j, kinked);
                if (d.straddlesKink()) {
                    return false;
                }
                entries.compare("input '" + input + "' " + in[e.real[k]].shape() + " index "
                        + Entries.index(in[e.real[k]].shape(), j), analytic[j], d.value(),
                        Numeric.tolerance(analytic[j], d.value(), scale, Numeric.step(x[k][j])));
            }
        }
        entries.assertAllClose("VJP vs central differences");
        return true;
    }
}

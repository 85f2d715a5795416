package dev.gradcheck.properties;

import dev.gradcheck.engine.Autograd;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.op.OpDef;
import java.util.SplittableRandom;

/**
 * For twice-differentiable ops: the gradient of {@code <VJP(x, g), w>} (computed through the
 * backward rule's own graph) equals its central difference, with respect to the inputs and to
 * the gradient output {@code g} (as PyTorch's gradgradcheck).
 */
final class SecondOrderProperty implements OpProperty {
    @Override
    public String name() {
        return "second order vs numeric";
    }

    @Override
    public boolean appliesTo(OpDef op) {
        return OpEval.differentiable(op) && op.twiceDifferentiable();
    }

    @Override
    public int defaultExamples() {
        return 12;
    }

    @Override
    public boolean check(OpDraw draw) {
        OpEval e = new OpEval(draw);
        Tensor[] in = e.leaves();
        Tensor y = e.apply(in);
        if (!OpEval.finite(y.data())) {
            return false;
        }
        SplittableRandom aux = draw.aux();
        double[] gd = Tensor.randn(aux, y.shape().dims()).data();
        Tensor g = Tensor.of(gd, y.shape()).requiresGrad();
        Tensor[] xs = e.realOf(in);
        Tensor[] vjp = Autograd.grad(y, g, true, xs);
        double[][] w = new double[vjp.length][];
        Tensor s = Tensor.scalar(0);
        double scale = 0;
        for (int k = 0; k < vjp.length; k++) {
            w[k] = Tensor.randn(aux, vjp[k].shape().dims()).data();
            s = s.add(vjp[k].mul(Tensor.of(w[k], vjp[k].shape())).sum());
            scale += OpEval.absDot(vjp[k].data(), w[k]);
        }
        Tensor[] wrt = new Tensor[xs.length + 1];
        System.arraycopy(xs, 0, wrt, 0, xs.length);
        wrt[xs.length] = g;
        Tensor[] second = Autograd.grad(s, null, false, wrt);

        // psi(x, g) = <VJP(x, g), w>, evaluated without a graph
        double[][] x = e.realData();
        double[][] xg = new double[x.length + 1][];
        System.arraycopy(x, 0, xg, 0, x.length);
        xg[x.length] = gd;
        boolean kinked = OpEval.kinked(e.op);
        Entries entries = new Entries();
        for (int k = 0; k < xg.length; k++) {
            double[] analytic = second[k].data();
            String input = k < x.length ? "input '" + e.op.input(e.real[k]).name() + "' " + xs[k].shape()
                    : "gradOutput " + y.shape();
            for (int j = 0; j < xg[k].length; j++) {
                Numeric.Diff d = Numeric.partial(p -> psi(e, p, w), xg, k, j, kinked);
                if (d.straddlesKink()) {
                    return false;
                }
                entries.compare(input + " index " + Entries.index(wrt[k].shape(), j), analytic[j], d.value(),
                        Numeric.tolerance(analytic[j], d.value(), scale, Numeric.step(xg[k][j])));
            }
        }
        entries.assertAllClose("gradient of <VJP, w> vs central differences of the VJP");
        return true;
    }

    /** {@code <VJP(x, g), w>} where the last array of {@code xg} is g. */
    private static double psi(OpEval e, double[][] xg, double[][] w) {
        Tensor[] in = e.fresh();
        Tensor[] xs = new Tensor[e.real.length];
        for (int k = 0; k < e.real.length; k++) {
            xs[k] = Tensor.of(xg[k], in[e.real[k]].shape()).requiresGrad();
            in[e.real[k]] = xs[k];
        }
        Tensor y = e.apply(in);
        Tensor[] vjp = Autograd.grad(y, Tensor.of(xg[xg.length - 1], y.shape()), false, xs);
        double s = 0;
        for (int k = 0; k < vjp.length; k++) {
            s += OpEval.dot(vjp[k].data(), w[k]);
        }
        return s;
    }
}

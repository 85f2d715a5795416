package dev.gradcheck.properties;

import dev.gradcheck.engine.Autograd;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.op.OpDef;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * For twice-differentiable ops: the gradient of {@code <VJP(x, g), w>} (computed through the
 * backward rule's own graph) equals its central difference, with respect to the inputs and to
 * the gradient output {@code g} (as PyTorch's gradgradcheck).
 */
final class SecondOrderProperty extends DifferentiableProperty {
    SecondOrderProperty() {
        super("second order vs numeric", 12);
    }

    @Override
    boolean appliesTo(OpDef op) {
        return super.appliesTo(op) && op.twiceDifferentiable();
    }

    @Override
    boolean check(OpEval e, Tensor[] in, Tensor y, SplittableRandom aux) {
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
        String[] names = Arrays.copyOf(e.realNames(), x.length + 1);
        names[x.length] = "gradOutput";
        Entries entries = new Entries();
        if (!entries.comparePartials(p -> psi(e, p, w), xg, wrt, names, second, scale, OpEval.kinked(e.op))) {
            return false;
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

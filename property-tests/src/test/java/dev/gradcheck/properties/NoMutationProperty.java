package dev.gradcheck.properties;

import dev.gradcheck.engine.Autograd;
import dev.gradcheck.engine.Tensor;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Forward and backward (and double backward, when defined) leave every input's values, the
 * gradient output and the output itself unchanged: kernels see the raw arrays, so an in-place
 * write would corrupt the caller's tensors.
 */
final class NoMutationProperty extends OpProperty {
    NoMutationProperty() {
        super("no input mutation", 20);
    }

    @Override
    boolean check(OpDraw draw) {
        OpEval e = new OpEval(draw);
        boolean diff = OpEval.differentiable(e.op);
        Tensor[] in = diff ? e.leaves() : e.fresh();
        String[] names = new String[in.length + 2];
        for (int i = 0; i < in.length; i++) {
            names[i] = "input '" + e.op.input(i).name() + "'";
        }
        names[in.length] = "gradOutput";
        names[in.length + 1] = "output";
        double[][] before = snapshot(in);
        Tensor y = e.apply(in);
        assertUnchanged("forward", in, names, before);
        if (!diff) {
            return true;
        }
        SplittableRandom aux = draw.aux();
        Tensor g = Tensor.randn(aux, y.shape().dims()).requiresGrad();
        Tensor[] watched = Arrays.copyOf(in, in.length + 2);
        watched[in.length] = g;
        watched[in.length + 1] = y;
        double[][] all = snapshot(watched);
        Tensor[] xs = e.realOf(in);
        boolean twice = e.op.twiceDifferentiable();
        Tensor[] grads = Autograd.grad(y, g, twice, xs);
        assertUnchanged("backward", watched, names, all);
        if (twice) {
            Tensor s = Tensor.scalar(0);
            for (Tensor t : grads) {
                s = s.add(t.mul(Tensor.randn(aux, t.shape().dims())).sum());
            }
            Tensor[] more = Arrays.copyOf(watched, watched.length + grads.length);
            System.arraycopy(grads, 0, more, watched.length, grads.length);
            double[][] snap = snapshot(more);
            Autograd.grad(s, null, false, xs);
            assertUnchanged("double backward", more, names, snap);
        }
        return true;
    }

    private static double[][] snapshot(Tensor[] ts) {
        return Arrays.stream(ts).map(Tensor::data).toArray(double[][]::new);
    }

    private static void assertUnchanged(String phase, Tensor[] ts, String[] names, double[][] before) {
        for (int i = 0; i < ts.length; i++) {
            double[] now = ts[i].data();
            if (!Arrays.equals(before[i], now)) {
                String name = i < names.length ? names[i] : "first-order gradient #" + (i - names.length);
                throw new AssertionError(phase + " modified " + name + " of shape " + ts[i].shape()
                        + ": expected " + Arrays.toString(before[i]) + ", actual " + Arrays.toString(now));
            }
        }
    }
}

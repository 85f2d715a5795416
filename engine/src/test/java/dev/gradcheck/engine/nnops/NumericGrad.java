package dev.gradcheck.engine.nnops;

import dev.gradcheck.engine.Autograd;
import dev.gradcheck.engine.DType;
import dev.gradcheck.engine.GradMode;
import dev.gradcheck.engine.Tensor;
import java.util.function.Function;

/**
 * Central-difference derivatives for the tests: d f(xs) / d xs[k], entry by entry, where f maps
 * tensors to a one-element tensor.
 */
final class NumericGrad {
    private NumericGrad() {
    }

    /** The numeric gradient of scalar {@code f} with respect to float input {@code k}; step h * max(1, |x|). */
    static double[] gradient(Function<Tensor[], Tensor> f, Tensor[] xs, int k, double h) {
        double[] x = xs[k].data();
        double[] g = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double step = h * Math.max(1, Math.abs(x[i]));
            double keep = x[i];
            x[i] = keep + step;
            double up = eval(f, xs, k, x);
            x[i] = keep - step;
            double down = eval(f, xs, k, x);
            x[i] = keep;
            g[i] = (up - down) / (2 * step);
        }
        return g;
    }

    private static double eval(Function<Tensor[], Tensor> f, Tensor[] xs, int k, double[] x) {
        Tensor[] ys = xs.clone();
        ys[k] = Tensor.of(x, xs[k].shape());
        return f.apply(ys).item();
    }

    /** Fresh leaves with the same values; float ones require grad. */
    static Tensor[] leaves(Tensor[] xs) {
        Tensor[] r = new Tensor[xs.length];
        for (int i = 0; i < xs.length; i++) {
            r[i] = xs[i].dtype() == DType.FLOAT64 ? Tensor.of(xs[i].data(), xs[i].shape()).requiresGrad() : xs[i];
        }
        return r;
    }

    /** sum(out * u), with no graph recorded: the function whose gradient a VJP with u gives. */
    static Function<Tensor[], Tensor> dot(Function<Tensor[], Tensor> op, Tensor u) {
        return xs -> {
            try (GradMode.Scope s = GradMode.disabled()) {
                return op.apply(xs).mul(u).sum();
            }
        };
    }

    /**
     * sum_k sum(grad_k * v[k]) where grad_k is the VJP of {@code op} with {@code u} for input
     * idx[k]: the function whose gradient double backward gives.
     */
    static Tensor vjpDot(Function<Tensor[], Tensor> op, Tensor[] given, int[] idx, Tensor u, Tensor[] v,
            boolean createGraph) {
        Tensor[] xs = leaves(given);
        Tensor[] req = new Tensor[idx.length];
        for (int i = 0; i < idx.length; i++) {
            req[i] = xs[idx[i]];
        }
        Tensor out = op.apply(xs);
        Tensor[] g = Autograd.grad(out, u, createGraph, req);
        Tensor tot = Tensor.scalar(0);
        for (int i = 0; i < g.length; i++) {
            tot = tot.add(g[i].mul(v[i]).sum());
        }
        return tot;
    }

    /** Positions of the inputs {@code op} is differentiable in. */
    static int[] differentiable(dev.gradcheck.engine.op.OpDef op, Tensor[] xs) {
        return java.util.stream.IntStream.range(0, xs.length).filter(i -> op.input(i).differentiable()).toArray();
    }
}

package dev.gradcheck.engine.ops;

import dev.gradcheck.engine.Attrs;
import dev.gradcheck.engine.Autograd;
import dev.gradcheck.engine.DType;
import dev.gradcheck.engine.GradMode;
import dev.gradcheck.engine.Ops;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.op.OpDef;
import java.util.Arrays;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.IntStream;

/**
 * The engine tests' one numeric-gradient utility: central differences with a relative step
 * {@code h * max(1, |x|)}, either as whole checks of an op's backward (first order) and of the
 * backward's own derivative (second order) against the engine's autograd, or as the raw numeric
 * gradient of a scalar function of tensors.
 */
public final class NumericGradients {
    /** Relative step: h = STEP * max(1, |x|). */
    static final double STEP = 1e-6;
    /** Tolerance: |analytic - numeric| <= TOL * max(1, |numeric|). */
    static final double TOL = 1e-6;
    private static final double[] ONE = {1};

    private NumericGradients() {
    }

    /** A mismatch found by a check, or null when analytic and numeric agree. */
    public record Mismatch(String what, int input, int index, double analytic, double numeric) {
        @Override
        public String toString() {
            return what + ": input " + input + " entry " + index + ": analytic " + analytic + ", numeric " + numeric
                    + " (difference " + Math.abs(analytic - numeric) + ")";
        }
    }

    /** Indices of the op's inputs that are differentiable as given (by spec and dtype). */
    public static int[] differentiable(OpDef op, Tensor[] inputs) {
        return IntStream.range(0, inputs.length).filter(i -> op.input(i).differentiable(inputs[i].dtype())).toArray();
    }

    /** The first-order check: the op's backward against central differences of its forward. */
    public static Mismatch firstOrder(OpDef op, Tensor[] inputs, Attrs attrs, long seed) {
        Random rng = new Random(seed);
        int[] diff = differentiable(op, inputs);
        Tensor[] leaves = opLeaves(inputs, diff);
        Tensor out = Ops.apply(op, attrs, leaves);
        Tensor r = Tensor.randn(rng, out.shape().dims());
        Tensor[] wrt = pick(leaves, diff);
        Tensor[] analytic = Autograd.grad(out, r, false, wrt);
        Function<Tensor[], double[]> f = xs -> Ops.apply(op, attrs, xs).data();
        return compare("first order of " + op.name(), inputs, diff, analytic, f, r.data());
    }

    /**
     * The second-order check: with gradOutput r and a random direction v, the gradient of
     * sum(v * backward(x, r)) against central differences of that backward.
     */
    public static Mismatch secondOrder(OpDef op, Tensor[] inputs, Attrs attrs, long seed) {
        Random rng = new Random(seed);
        int[] diff = differentiable(op, inputs);
        Tensor[] leaves = opLeaves(inputs, diff);
        Tensor out = Ops.apply(op, attrs, leaves);
        Tensor r = Tensor.randn(rng, out.shape().dims());
        Tensor[] wrt = pick(leaves, diff);
        Tensor[] v = Arrays.stream(wrt).map(t -> Tensor.randn(rng, t.shape().dims())).toArray(Tensor[]::new);
        Tensor[] g = Autograd.grad(out, r, true, wrt);
        Tensor s = Tensor.scalar(0);
        for (int i = 0; i < g.length; i++) {
            s = s.add(g[i].mul(v[i]).sum());
        }
        Tensor[] analytic = Autograd.grad(s, null, false, wrt);
        double[] weights = Arrays.stream(v).flatMapToDouble(t -> Arrays.stream(t.data())).toArray();
        Function<Tensor[], double[]> f = xs -> {
            Tensor[] gg;
            try (GradMode.Scope on = GradMode.set(true)) {
                Tensor[] ls = opLeaves(xs, diff);
                Tensor o = Ops.apply(op, attrs, ls);
                gg = Autograd.grad(o, r, false, pick(ls, diff));
            }
            return Arrays.stream(gg).flatMapToDouble(t -> Arrays.stream(t.data())).toArray();
        };
        return compare("second order of " + op.name(), inputs, diff, analytic, f, weights);
    }

    /**
     * The numeric gradient of {@code f} (tensors to a one-element tensor) with respect to input
     * {@code k}, entry by entry, with relative step {@code h}. {@code f} runs in the caller's grad
     * mode (see {@link #dot}, which records nothing, and {@link #vjpDot}, which needs a graph).
     */
    public static double[] gradient(Function<Tensor[], Tensor> f, Tensor[] xs, int k, double h) {
        Function<Tensor[], double[]> scalar = ys -> new double[] {f.apply(ys).item()};
        double[] g = new double[xs[k].size()];
        for (int i = 0; i < g.length; i++) {
            g[i] = centralDifference(scalar, xs, k, i, h, ONE);
        }
        return g;
    }

    /** Fresh leaves with the same values; float ones (constants included) require grad. */
    public static Tensor[] leaves(Tensor[] xs) {
        Tensor[] r = new Tensor[xs.length];
        for (int i = 0; i < xs.length; i++) {
            r[i] = xs[i].dtype() == DType.FLOAT64 ? Tensor.of(xs[i].data(), xs[i].shape()).requiresGrad() : xs[i];
        }
        return r;
    }

    /** sum(out * u), with no graph recorded: the function whose gradient a VJP with u gives. */
    public static Function<Tensor[], Tensor> dot(Function<Tensor[], Tensor> op, Tensor u) {
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
    public static Tensor vjpDot(Function<Tensor[], Tensor> op, Tensor[] given, int[] idx, Tensor u, Tensor[] v,
            boolean createGraph) {
        Tensor[] xs = leaves(given);
        Tensor out = op.apply(xs);
        Tensor[] g = Autograd.grad(out, u, createGraph, pick(xs, idx));
        Tensor tot = Tensor.scalar(0);
        for (int i = 0; i < g.length; i++) {
            tot = tot.add(g[i].mul(v[i]).sum());
        }
        return tot;
    }

    /**
     * Compares the analytic gradient with the central difference of weights . f(x), taken per
     * output entry (so that large unrelated entries do not drown small differences in rounding).
     */
    private static Mismatch compare(String what, Tensor[] inputs, int[] diff, Tensor[] analytic,
            Function<Tensor[], double[]> f, double[] weights) {
        for (int j = 0; j < diff.length; j++) {
            int i = diff[j];
            double[] a = analytic[j].data();
            int n = inputs[i].size();
            if (a.length != n) {
                return new Mismatch(what + " (gradient size " + a.length + " for " + n + " entries)", i, -1,
                        Double.NaN, Double.NaN);
            }
            for (int k = 0; k < n; k++) {
                double numeric;
                try (GradMode.Scope scope = GradMode.disabled()) {
                    numeric = centralDifference(f, inputs, i, k, STEP, weights);
                }
                if (!(Math.abs(a[k] - numeric) <= TOL * Math.max(1, Math.abs(numeric)))) {
                    return new Mismatch(what, i, k, a[k], numeric);
                }
            }
        }
        return null;
    }

    /**
     * {@code sum_q weights[q] * (f(x + h e_k)[q] - f(x - h e_k)[q]) / (2h)} for entry k of input
     * i, with h = step * max(1, |x_k|) and 2h taken as the step actually representable.
     */
    private static double centralDifference(Function<Tensor[], double[]> f, Tensor[] inputs, int i, int k,
            double step, double[] weights) {
        double[] x = inputs[i].data();
        double h = step * Math.max(1, Math.abs(x[k]));
        double[] xp = x.clone();
        double[] xm = x.clone();
        xp[k] += h;
        xm[k] -= h;
        double[] fp = f.apply(replaced(inputs, i, xp));
        double[] fm = f.apply(replaced(inputs, i, xm));
        double numeric = 0;
        for (int q = 0; q < weights.length; q++) {
            numeric += weights[q] * (fp[q] - fm[q]);
        }
        return numeric / ((x[k] + h) - (x[k] - h));
    }

    private static Tensor[] replaced(Tensor[] inputs, int i, double[] values) {
        Tensor[] r = inputs.clone();
        r[i] = Tensor.of(values, inputs[i].shape());
        return r;
    }

    private static Tensor[] pick(Tensor[] ts, int[] idx) {
        return Arrays.stream(idx).mapToObj(i -> ts[i]).toArray(Tensor[]::new);
    }

    /** Fresh leaves: the op's differentiable inputs require grad, the others are detached. */
    private static Tensor[] opLeaves(Tensor[] inputs, int[] diff) {
        Tensor[] r = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            r[i] = inputs[i].detach();
        }
        for (int i : diff) {
            r[i] = Tensor.of(inputs[i].data(), inputs[i].shape()).requiresGrad();
        }
        return r;
    }
}

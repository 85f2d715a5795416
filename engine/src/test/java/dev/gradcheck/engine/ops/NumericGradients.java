package dev.gradcheck.engine.ops;

import dev.gradcheck.engine.Attrs;
import dev.gradcheck.engine.Autograd;
import dev.gradcheck.engine.GradMode;
import dev.gradcheck.engine.Ops;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.op.OpDef;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * A small test utility: central-difference gradients of an op's forward (first order) and of its
 * backward (second order), compared with what the engine's autograd computes.
 */
final class NumericGradients {
    /** Relative step: h = STEP * max(1, |x|). */
    static final double STEP = 1e-6;
    /** Tolerance: |analytic - numeric| <= TOL * max(1, |numeric|). */
    static final double TOL = 1e-6;

    private NumericGradients() {
    }

    /** A mismatch found by a check, or null when analytic and numeric agree. */
    record Mismatch(String what, int input, int index, double analytic, double numeric) {
        @Override
        public String toString() {
            return what + ": input " + input + " entry " + index + ": analytic " + analytic + ", numeric " + numeric
                    + " (difference " + Math.abs(analytic - numeric) + ")";
        }
    }

    /** Indices of the op's differentiable inputs among {@code n} given. */
    static int[] differentiable(OpDef op, int n) {
        List<Integer> idx = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (op.input(i).differentiable()) {
                idx.add(i);
            }
        }
        return idx.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The first-order check: the op's backward against central differences of its forward. */
    static Mismatch firstOrder(OpDef op, Tensor[] inputs, Attrs attrs, long seed) {
        Random rng = new Random(seed);
        int[] diff = differentiable(op, inputs.length);
        Tensor[] leaves = leaves(inputs, diff);
        Tensor out = Ops.apply(op, attrs, leaves);
        Tensor r = Tensor.randn(rng, out.shape().dims());
        Tensor[] wrt = Arrays.stream(diff).mapToObj(i -> leaves[i]).toArray(Tensor[]::new);
        Tensor[] analytic = Autograd.grad(out, r, false, wrt);
        Function<Tensor[], double[]> f = xs -> Ops.apply(op, attrs, xs).data();
        return compare("first order of " + op.name(), inputs, diff, analytic, f, r.data());
    }

    /**
     * The second-order check: with gradOutput r and a random direction v, the gradient of
     * sum(v * backward(x, r)) against central differences of that backward.
     */
    static Mismatch secondOrder(OpDef op, Tensor[] inputs, Attrs attrs, long seed) {
        Random rng = new Random(seed);
        int[] diff = differentiable(op, inputs.length);
        Tensor[] leaves = leaves(inputs, diff);
        Tensor out = Ops.apply(op, attrs, leaves);
        Tensor r = Tensor.randn(rng, out.shape().dims());
        Tensor[] wrt = Arrays.stream(diff).mapToObj(i -> leaves[i]).toArray(Tensor[]::new);
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
                Tensor[] ls = leaves(xs, diff);
                Tensor o = Ops.apply(op, attrs, ls);
                Tensor[] w = Arrays.stream(diff).mapToObj(i -> ls[i]).toArray(Tensor[]::new);
                gg = Autograd.grad(o, r, false, w);
            }
            return Arrays.stream(gg).flatMapToDouble(t -> Arrays.stream(t.data())).toArray();
        };
        return compare("second order of " + op.name(), inputs, diff, analytic, f, weights);
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
            double[] x = inputs[i].data();
            if (a.length != x.length) {
                return new Mismatch(what + " (gradient size " + a.length + " for " + x.length + " entries)", i, -1,
                        Double.NaN, Double.NaN);
            }
            for (int k = 0; k < x.length; k++) {
                double h = STEP * Math.max(1, Math.abs(x[k]));
                double[] xp = x.clone();
                double[] xm = x.clone();
                xp[k] += h;
                xm[k] -= h;
                double[] fp;
                double[] fm;
                try (GradMode.Scope scope = GradMode.disabled()) {
                    fp = f.apply(replaced(inputs, i, xp));
                    fm = f.apply(replaced(inputs, i, xm));
                }
                double numeric = 0;
                for (int q = 0; q < weights.length; q++) {
                    numeric += weights[q] * (fp[q] - fm[q]);
                }
                numeric /= (x[k] + h) - (x[k] - h);
                if (!(Math.abs(a[k] - numeric) <= TOL * Math.max(1, Math.abs(numeric)))) {
                    return new Mismatch(what, i, k, a[k], numeric);
                }
            }
        }
        return null;
    }

    private static Tensor[] replaced(Tensor[] inputs, int i, double[] values) {
        Tensor[] r = inputs.clone();
        r[i] = Tensor.of(values, inputs[i].shape());
        return r;
    }

    /** Fresh leaves: the differentiable inputs require grad. */
    private static Tensor[] leaves(Tensor[] inputs, int[] diff) {
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

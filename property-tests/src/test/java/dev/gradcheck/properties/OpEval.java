package dev.gradcheck.properties;

import dev.gradcheck.engine.Attrs;
import dev.gradcheck.engine.DType;
import dev.gradcheck.engine.GradMode;
import dev.gradcheck.engine.Ops;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.op.InputSpec;
import dev.gradcheck.engine.op.OpDef;
import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * Evaluates one drawn op call: fresh copies of its inputs (so no property sees another's tensors),
 * the forward with perturbed real inputs, and the scalar {@code <g, f(x)>} whose derivatives the
 * gradient properties compare.
 */
final class OpEval {
    final OpDef op;
    final Attrs attrs;
    private final Tensor[] base;
    /** Positions of the inputs the op is differentiable in. */
    final int[] real;

    OpEval(OpDraw draw) {
        this.op = draw.op();
        this.attrs = draw.sample().attrs();
        this.base = draw.sample().inputs();
        this.real = IntStream.range(0, base.length).filter(i -> op.input(i).differentiable(base[i].dtype())).toArray();
    }

    /** True when the op has a backward rule, a float output and at least one differentiable input. */
    static boolean differentiable(OpDef op) {
        return op.backward() != null && op.outputType() == DType.FLOAT64
                && op.inputs().stream().anyMatch(InputSpec::differentiable);
    }

    /** True when the op declares kinks (then a draw whose finite differences straddle one is skipped). */
    static boolean kinked(OpDef op) {
        return op.kinks() != null || op.inputs().stream().anyMatch(i -> i.domain().kinks().length > 0);
    }

    /** Fresh copies of the inputs, none requiring grad. */
    Tensor[] fresh() {
        Tensor[] out = new Tensor[base.length];
        for (int i = 0; i < base.length; i++) {
            out[i] = copy(base[i]);
        }
        return out;
    }

    /** Fresh copies of the inputs, the differentiable ones requiring grad. */
    Tensor[] leaves() {
        Tensor[] out = fresh();
        for (int i : real) {
            out[i].requiresGrad();
        }
        return out;
    }

    /** The differentiable inputs among {@code inputs}. */
    Tensor[] realOf(Tensor[] inputs) {
        return Arrays.stream(real).mapToObj(i -> inputs[i]).toArray(Tensor[]::new);
    }

    /** {@code input 'other'}: how messages name differentiable input {@code k} (input {@code real[k]}). */
    String realName(int k) {
        return "input '" + op.input(real[k]).name() + "'";
    }

    /** {@link #realName} of each differentiable input, in order. */
    String[] realNames() {
        return IntStream.range(0, real.length).mapToObj(this::realName).toArray(String[]::new);
    }

    /** The values of the differentiable inputs (copies). */
    double[][] realData() {
        return Arrays.stream(real).mapToObj(i -> base[i].data()).toArray(double[][]::new);
    }

    Tensor apply(Tensor[] inputs) {
        return Ops.apply(op, attrs, inputs);
    }

    /** The output values with the differentiable inputs replaced by {@code realData}, recording nothing. */
    double[] values(double[][] realData) {
        Tensor[] in = fresh();
        for (int k = 0; k < real.length; k++) {
            in[real[k]] = Tensor.of(realData[k], base[real[k]].shape());
        }
        try (GradMode.Scope s = GradMode.disabled()) {
            return apply(in).data();
        }
    }

    /** {@code sum_k g[k] * f(x)[k]}. */
    double phi(double[][] realData, double[] g) {
        return dot(values(realData), g);
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    /** {@code sum_k |a[k] * b[k]|}: the size of the terms of a dot product, for rounding error. */
    static double absDot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += Math.abs(a[i] * b[i]);
        }
        return s;
    }

    static boolean finite(double[] v) {
        for (double x : v) {
            if (!Double.isFinite(x)) {
                return false;
            }
        }
        return true;
    }

    static double[][] deepCopy(double[][] d) {
        return Arrays.stream(d).map(double[]::clone).toArray(double[][]::new);
    }

    static Tensor copy(Tensor t) {
        if (t.dtype() == DType.INT64) {
            return Tensor.ofLongs(Arrays.stream(t.data()).mapToLong(v -> (long) v).toArray(), t.shape().dims());
        }
        return Tensor.of(t.data(), t.shape());
    }
}

package dev.gradcheck.model.incremental;

import dev.gradcheck.engine.Attrs;
import dev.gradcheck.engine.Ops;
import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.internal.TensorAccess;
import dev.gradcheck.engine.op.OpDef;
import dev.gradcheck.engine.ops.TanhKernel;
import java.util.Set;

/**
 * A pointwise op of one input (tanh, relu, exp, …): the changed entries only. tanh runs through
 * the engine's own {@link TanhKernel} inline when that reproduces the cached outputs; every other op
 * (and tanh otherwise) runs the engine kernel itself on the changed values gathered into one array,
 * which gives the same bits because the kernel maps each value on its own.
 */
final class ElementwiseRule extends Rule {
    /** Ops whose forward maps each entry on its own (given their attributes). */
    static final Set<String> POINTWISE = Set.of("exp", "log", "sqrt", "abs", "sin", "cos", "tanh", "sigmoid", "erf",
            "relu", "leaky_relu", "gelu", "softplus", "clamp", "neg", "pow");

    private final OpDef op;
    private final Attrs attrs;
    private final boolean fastTanh;

    private ElementwiseRule(int out, int in, OpDef op, Attrs attrs, boolean fastTanh) {
        super(out, new int[] {in});
        this.op = op;
        this.attrs = attrs;
        this.fastTanh = fastTanh;
    }

    /** The rule for a one-input pointwise node, or null when this node is not one. */
    static ElementwiseRule of(int out, int[] in, OpDef op, Attrs attrs, Shape inShape, Shape outShape,
            double[] cachedIn, double[] cachedOut) {
        if (in.length != 1 || !POINTWISE.contains(op.name()) || !inShape.equals(outShape)) {
            return null;
        }
        boolean fast = op.name().equals("tanh") && tanhMatches(cachedIn, cachedOut);
        return new ElementwiseRule(out, in[0], op, attrs, fast);
    }

    /** Whether {@link TanhKernel} gives the engine's cached tanh outputs, bit for bit (the engine's op uses it). */
    private static boolean tanhMatches(double[] in, double[] out) {
        for (int k = 0; k < in.length; k++) {
            if (Double.doubleToRawLongBits(TanhKernel.tanh(in[k])) != Double.doubleToRawLongBits(out[k])) {
                return false;
            }
        }
        return true;
    }

    @Override
    String kind() {
        return fastTanh ? "tanh" : "pointwise";
    }

    @Override
    void propagate(State s, double[][] cache, int step) {
        int t = in[0];
        int m = s.n[t];
        int[] idx = s.changed[t];
        double[] x = s.cur[t];
        if (fastTanh) {
            for (int q = 0; q < m; q++) {
                int k = idx[q];
                s.setOnce(cache, out, k, TanhKernel.tanh(x[k]));
            }
            return;
        }
        double[] gathered = new double[m];
        for (int q = 0; q < m; q++) {
            gathered[q] = x[idx[q]];
        }
        double[] y = TensorAccess.data(Ops.apply(op, attrs, TensorAccess.wrap(gathered, Shape.of(m))));
        for (int q = 0; q < m; q++) {
            s.setOnce(cache, out, idx[q], y[q]);
        }
    }
}

package dev.gradcheck.kernels.incremental;

import dev.gradcheck.engine.Attrs;
import dev.gradcheck.engine.Ops;
import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.internal.TensorAccess;
import dev.gradcheck.engine.op.FastPaths;
import dev.gradcheck.engine.op.OpDef;
import java.util.function.DoubleUnaryOperator;

/**
 * A {@link OpDef#pointwise() pointwise} op of one input (tanh, relu, exp, …): the changed entries
 * only. An op whose running forward has a {@link FastPaths#scalar scalar function} (its fast
 * path's, or the reference's {@link OpDef#scalar()}) runs it inline on each
 * changed entry when that reproduces the cached outputs; every other op (and those otherwise) runs
 * the engine kernel itself on the changed values gathered into one array, which gives the same bits
 * because a pointwise kernel maps each value on its own.
 */
final class ElementwiseRule extends Rule {
    private final OpDef op;
    private final Attrs attrs;
    /** The per-entry function run inline, or null to run the op on the gathered entries. */
    private final DoubleUnaryOperator scalar;

    private ElementwiseRule(int out, int in, OpDef op, Attrs attrs, DoubleUnaryOperator scalar) {
        super(out, new int[] {in});
        this.op = op;
        this.attrs = attrs;
        this.scalar = scalar;
    }

    /** The rule for a one-input pointwise node, or null when this node is not one. */
    static ElementwiseRule of(int out, int[] in, OpDef op, Attrs attrs, Shape inShape, Shape outShape,
            double[] cachedIn, double[] cachedOut) {
        if (in.length != 1 || !op.pointwise() || !inShape.equals(outShape)) {
            return null;
        }
        DoubleUnaryOperator f = FastPaths.scalar(op);
        boolean inline = f != null && attrs.names().isEmpty() && reproduces(f, cachedIn, cachedOut);
        return new ElementwiseRule(out, in[0], op, attrs, inline ? f : null);
    }

    /** Whether {@code f} gives the engine's cached outputs, bit for bit. */
    private static boolean reproduces(DoubleUnaryOperator f, double[] in, double[] out) {
        for (int k = 0; k < in.length; k++) {
            if (Double.doubleToRawLongBits(f.applyAsDouble(in[k])) != Double.doubleToRawLongBits(out[k])) {
                return false;
            }
        }
        return true;
    }

    @Override
    String kind() {
        return scalar != null ? "scalar" : "pointwise";
    }

    @Override
    void propagate(State s, double[][] cache, int step) {
        int t = in[0];
        int m = s.n[t];
        int[] idx = s.changed[t];
        double[] x = s.cur[t];
        if (scalar != null) {
            for (int q = 0; q < m; q++) {
                int k = idx[q];
                s.setOnce(cache, out, k, scalar.applyAsDouble(x[k]));
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

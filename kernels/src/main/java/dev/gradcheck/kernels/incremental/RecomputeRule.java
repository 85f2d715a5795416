package dev.gradcheck.kernels.incremental;

import dev.gradcheck.engine.Attrs;
import dev.gradcheck.engine.DType;
import dev.gradcheck.engine.Ops;
import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.internal.TensorAccess;
import dev.gradcheck.engine.op.OpDef;

/**
 * The fallback: the whole node recomputed by the engine op itself on the current inputs, then
 * compared entry by entry with the cache. Exact for any op, so correctness never depends on which
 * ops have a finer rule; it costs one application of the op.
 */
final class RecomputeRule extends Rule {
    private final OpDef op;
    private final Attrs attrs;
    private final Tensor[] cachedInputs;
    private final Shape[] shapes;
    private final DType[] dtypes;
    private final boolean[] varying;

    RecomputeRule(int out, int[] in, OpDef op, Attrs attrs, Tensor[] cachedInputs, boolean[] varying) {
        super(out, in);
        this.op = op;
        this.attrs = attrs;
        this.cachedInputs = cachedInputs.clone();
        this.shapes = new Shape[in.length];
        this.dtypes = new DType[in.length];
        for (int k = 0; k < in.length; k++) {
            shapes[k] = cachedInputs[k].shape();
            dtypes[k] = cachedInputs[k].dtype();
        }
        this.varying = varying;
    }

    @Override
    String kind() {
        return "recompute";
    }

    @Override
    void propagate(State s, double[][] cache, int step) {
        recompute(s, cache, out, in, op, attrs, cachedInputs, shapes, dtypes, varying);
    }

    /** Applies {@code op} to the current inputs and records the output entries that differ from the cache. */
    static void recompute(State s, double[][] cache, int out, int[] in, OpDef op, Attrs attrs, Tensor[] cachedInputs,
            Shape[] shapes, DType[] dtypes, boolean[] varying) {
        Tensor[] args = new Tensor[in.length];
        for (int k = 0; k < in.length; k++) {
            int t = in[k];
            // the thread's working copy, read only by the op (it is put back after the evaluation)
            args[k] = varying[t] && s.n[t] > 0 ? TensorAccess.wrap(s.cur[t], shapes[k], dtypes[k]) : cachedInputs[k];
        }
        double[] r = TensorAccess.data(Ops.apply(op, attrs, args));
        for (int i = 0; i < r.length; i++) {
            s.setOnce(cache, out, i, r[i]);
        }
    }
}

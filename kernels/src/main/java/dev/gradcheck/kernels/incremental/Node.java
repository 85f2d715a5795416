package dev.gradcheck.kernels.incremental;

import dev.gradcheck.engine.Attrs;
import dev.gradcheck.engine.DType;
import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.op.OpDef;

/**
 * One node as the rules see it when they are chosen: its op and attributes, its output and input
 * tensor ids, the cached (unperturbed) input tensors and output values, which tensors can change,
 * and the whole-node fallback.
 *
 * @param inputs the cached input tensors, in the node's order
 * @param data their values (the tensors' storage)
 * @param cachedOut the cached output's values
 * @param varying per tensor id: whether it can change
 */
record Node(OpDef op, Attrs attrs, int out, int[] in, Tensor[] inputs, double[][] data, double[] cachedOut,
        boolean[] varying, RecomputeRule whole) {

    /** The input shapes. */
    Shape[] shapes() {
        Shape[] s = new Shape[inputs.length];
        for (int k = 0; k < s.length; k++) {
            s[k] = inputs[k].shape();
        }
        return s;
    }

    /** True when every input is float64. */
    boolean real() {
        for (Tensor t : inputs) {
            if (t.dtype() != DType.FLOAT64) {
                return false;
            }
        }
        return true;
    }
}

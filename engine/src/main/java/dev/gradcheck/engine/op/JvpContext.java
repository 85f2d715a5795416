package dev.gradcheck.engine.op;

import dev.gradcheck.engine.Attrs;
import dev.gradcheck.engine.Ops;
import dev.gradcheck.engine.Tensor;

/**
 * What a forward rule sees. Rules compute with differentiable engine ops on these tensors, so the
 * tangent they return can be differentiated in reverse.
 *
 * @param op the op
 * @param inputs the op's inputs
 * @param output the op's output
 * @param attrs the resolved attributes
 * @param tangents one per input: its tangent, or null for none (zero; always null for a
 *     non-differentiable input such as int64 indices)
 */
public record JvpContext(OpDef op, Tensor[] inputs, Tensor output, Attrs attrs, Tensor[] tangents) {
    /** Input {@code i}. */
    public Tensor input(int i) {
        return inputs[i];
    }

    /** The tangent of input {@code i}, or null for none. */
    public Tensor tangent(int i) {
        return i < tangents.length ? tangents[i] : null;
    }

    /** True when input {@code i} has a tangent. */
    public boolean has(int i) {
        return tangent(i) != null;
    }

    /** The tangent of input {@code i}, zeros shaped like the input when it has none. */
    public Tensor tangentOrZeros(int i) {
        Tensor t = tangent(i);
        return t != null ? t : inputs[i].zerosLike();
    }

    /** The number of inputs. */
    public int count() {
        return inputs.length;
    }

    /** This op, with the same attributes, applied to other inputs (e.g. to the tangents). */
    public Tensor apply(Tensor... in) {
        return Ops.apply(op, attrs, in);
    }
}

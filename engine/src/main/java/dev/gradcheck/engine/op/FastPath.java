package dev.gradcheck.engine.op;

import java.util.function.DoubleUnaryOperator;

/**
 * A faster implementation of one op, installed beside its reference definition with
 * {@link FastPaths#install} (as JAX registers a lowering beside a primitive). The {@link OpDef}
 * stays the reference: what the op computes, readable in one place; a fast path only computes the
 * same thing faster, and {@code Ops} and {@code Autograd} run it while fast paths are
 * {@link FastPaths#enabled() enabled} on the thread.
 *
 * <p>Contract, checked for every installed fast path by the kernels' property test: the forward
 * gives the reference forward's output bit for bit, or within {@link #maxUlps()} units in the last
 * place when that is not 0; the first-order backward gives the reference backward's gradients bit
 * for bit, given the same inputs, output and incoming gradient.
 *
 * @param forward runs instead of the op's forward; may return null for a case it does not cover
 *     (the reference forward then runs); null when only the backward is fast
 * @param firstOrderBackward runs instead of the op's backward when no graph is being recorded (a
 *     first-order backward: nothing needs to differentiate it again); may return null for a case
 *     it does not cover; null when only the forward is fast. With a graph recorded the reference
 *     backward, written in differentiable ops, always runs.
 * @param scalar for a {@link OpDef#pointwise() pointwise} op of one input: the function
 *     {@code forward} applies to each entry when no attribute is given (the same bits); else null
 * @param maxUlps how many ulps the forward's entries may be from the reference's (0: bit for bit)
 */
public record FastPath(Forward forward, Backward firstOrderBackward, DoubleUnaryOperator scalar, int maxUlps) {
    public FastPath {
        if (maxUlps < 0) {
            throw new IllegalArgumentException("maxUlps must be >= 0, got " + maxUlps);
        }
        if (forward == null && firstOrderBackward == null) {
            throw new IllegalArgumentException("a fast path needs a forward or a first-order backward");
        }
    }

    /** A fast forward, bit for bit with the reference's. */
    public static FastPath ofForward(Forward forward) {
        return new FastPath(forward, null, null, 0);
    }

    /** A fast first-order backward only. */
    public static FastPath ofBackward(Backward firstOrderBackward) {
        return new FastPath(null, firstOrderBackward, null, 0);
    }

    /** This path with a fast first-order backward. */
    public FastPath withFirstOrderBackward(Backward b) {
        return new FastPath(forward, b, scalar, maxUlps);
    }

    /** This path with the scalar form of its (pointwise) forward. */
    public FastPath withScalar(DoubleUnaryOperator f) {
        return new FastPath(forward, firstOrderBackward, f, maxUlps);
    }

    /** This path with a forward within {@code ulps} of the reference's instead of bit for bit. */
    public FastPath withinUlps(int ulps) {
        return new FastPath(forward, firstOrderBackward, scalar, ulps);
    }
}

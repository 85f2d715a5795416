package dev.gradcheck.engine.op;

import dev.gradcheck.engine.DType;
import dev.gradcheck.engine.Shape;

/**
 * One tensor input of an op.
 *
 * @param name PyTorch's parameter name ({@code input}, {@code weight}, {@code target}, …)
 * @param kind whether it is differentiable, or integer indices, or either (by its dtype)
 * @param optional whether it may be left out (only trailing inputs, as {@code bias})
 * @param domain valid values (for samplers and checkers)
 * @param range for an {@link Kind#INDEX} (or {@link Kind#INDEX_OR_REAL} given int64) input whose
 *     valid values the shapes fix (class targets, embedding indices): that range; else null
 */
public record InputSpec(String name, Kind kind, boolean optional, Domain domain, IndexRange range) {

    /** An input without an index range. */
    public InputSpec(String name, Kind kind, boolean optional, Domain domain) {
        this(name, kind, optional, domain, null);
    }

    /** What an input holds. */
    public enum Kind {
        /** Real values; the op is differentiable in this input. */
        REAL,
        /** Real values the op is not differentiable in (e.g. a mask); no gradient. */
        CONSTANT,
        /** Integers (int64): indices or class targets; no gradient. */
        INDEX,
        /**
         * Either of two forms, told apart by shape as PyTorch does: a float64 tensor of the op's
         * first input's shape holds real values the op is differentiable in; any other shape holds
         * int64 indices (no gradient). {@code cross_entropy}'s target: class probabilities or class
         * indices.
         */
        INDEX_OR_REAL,
        /**
         * Values the op only moves, never computes on (reshape, permute, cat, narrow, gather's
         * input): float64 values it is differentiable in, or int64 ones it moves alike, with no
         * gradient (targets reshaped for a loss, indices sliced). The output has their dtype, as
         * PyTorch's view and indexing ops keep any dtype.
         */
        ANY
    }

    /** A required real input over all reals. */
    public static InputSpec real(String name) {
        return new InputSpec(name, Kind.REAL, false, Domain.REAL);
    }

    /** A required real input over a domain. */
    public static InputSpec real(String name, Domain domain) {
        return new InputSpec(name, Kind.REAL, false, domain);
    }

    /** An optional trailing real input, e.g. {@code bias}. */
    public static InputSpec optionalReal(String name) {
        return new InputSpec(name, Kind.REAL, true, Domain.REAL);
    }

    /** A required int64 input (indices, class targets). */
    public static InputSpec index(String name) {
        return new InputSpec(name, Kind.INDEX, false, Domain.REAL);
    }

    /** A required int64 input whose valid values {@code range} gives. */
    public static InputSpec index(String name, IndexRange range) {
        return new InputSpec(name, Kind.INDEX, false, Domain.REAL, range);
    }

    /** A required {@link Kind#ANY} input: float64 values (over all reals), or int64 ones moved alike. */
    public static InputSpec any(String name) {
        return new InputSpec(name, Kind.ANY, false, Domain.REAL);
    }

    /**
     * A required {@link Kind#INDEX_OR_REAL} input: int64 indices in {@code range}, or float64 values
     * (over all reals) of the first input's shape.
     */
    public static InputSpec indexOrReal(String name, IndexRange range) {
        return new InputSpec(name, Kind.INDEX_OR_REAL, false, Domain.REAL, range);
    }

    /**
     * True when gradients can flow to this input: always for {@link Kind#REAL}, for
     * {@link Kind#INDEX_OR_REAL} and {@link Kind#ANY} when it is given float64 (see
     * {@link #differentiable(DType)}).
     */
    public boolean differentiable() {
        return kind == Kind.REAL || kind == Kind.INDEX_OR_REAL || kind == Kind.ANY;
    }

    /** True when gradients flow to this input given a tensor of {@code dtype}. */
    public boolean differentiable(DType dtype) {
        return kind == Kind.REAL || (kind == Kind.INDEX_OR_REAL || kind == Kind.ANY) && dtype == DType.FLOAT64;
    }

    /** True when a tensor of {@code dtype} may be given for this input (its shape aside). */
    public boolean accepts(DType dtype) {
        return switch (kind) {
            case REAL, CONSTANT -> dtype == DType.FLOAT64;
            case INDEX -> dtype == DType.INT64;
            case INDEX_OR_REAL, ANY -> true;
        };
    }

    /** The dtypes {@link #accepts accepted}, in words: {@code float64}, {@code int64} or {@code int64 or float64}. */
    public String dtypes() {
        return switch (kind) {
            case REAL, CONSTANT -> DType.FLOAT64.label();
            case INDEX -> DType.INT64.label();
            case INDEX_OR_REAL -> DType.INT64.label() + " or " + DType.FLOAT64.label();
            case ANY -> DType.FLOAT64.label() + " or " + DType.INT64.label();
        };
    }

    /**
     * The one dtype this input must have at shape {@code own} when the op's first input has shape
     * {@code first}: an {@link Kind#INDEX_OR_REAL} input is float64 exactly when the two shapes are
     * equal, int64 otherwise; null for an {@link Kind#ANY} input, which takes either.
     */
    public DType dtypeAt(Shape own, Shape first) {
        return switch (kind) {
            case REAL, CONSTANT -> DType.FLOAT64;
            case INDEX -> DType.INT64;
            case INDEX_OR_REAL -> own.equals(first) ? DType.FLOAT64 : DType.INT64;
            case ANY -> null;
        };
    }

    /**
     * What is wrong with a tensor of {@code dtype} and shape {@code own} for this input when the op's
     * first input has shape {@code first} (ask once the shapes fit the op), or null when it fits:
     * {@code input 'target' must be int64, got float64 of shape [3]} and {@link #formRule}.
     */
    public String dtypeProblem(DType dtype, Shape own, Shape first) {
        DType want = dtypeAt(own, first);
        return want == null || dtype == want ? null : "input '" + name + "' must be " + want.label() + ", got " + dtype.label()
                + " of shape " + own + formRule(own, first);
    }

    /**
     * Why an {@link Kind#INDEX_OR_REAL} input of shape {@code own} must have the dtype
     * {@link #dtypeAt} gives, for messages (starting with ": "); empty for the other kinds.
     */
    public String formRule(Shape own, Shape first) {
        if (kind != Kind.INDEX_OR_REAL) {
            return "";
        }
        return own.equals(first)
                ? ": a '" + name + "' of the first input's shape " + first + " holds real values (float64); int64 "
                        + "indices have another shape"
                : ": only a '" + name + "' of the first input's shape " + first + " may be float64 (real values); "
                        + "any other shape holds int64 indices";
    }
}

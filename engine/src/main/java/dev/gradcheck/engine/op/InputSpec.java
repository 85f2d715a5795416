package dev.gradcheck.engine.op;

/**
 * One tensor input of an op.
 *
 * @param name PyTorch's parameter name ({@code input}, {@code weight}, {@code target}, …)
 * @param kind whether it is differentiable, or integer indices
 * @param optional whether it may be left out (only trailing inputs, as {@code bias})
 * @param domain valid values (for samplers and checkers)
 * @param range for an {@link Kind#INDEX} input whose valid values the shapes fix (class targets,
 *     embedding indices): that range; else null
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
        INDEX
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

    /** True when gradients flow to this input. */
    public boolean differentiable() {
        return kind == Kind.REAL;
    }
}

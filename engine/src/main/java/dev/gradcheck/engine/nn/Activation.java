package dev.gradcheck.engine.nn;

import dev.gradcheck.engine.Attrs;
import dev.gradcheck.engine.Ops;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.op.OpRegistry;
import java.util.Map;

/**
 * A parameter-free layer applying one registered one-input op by name, e.g. {@code tanh},
 * {@code relu}, or {@code leaky_relu} with {@code negative_slope}.
 */
public final class Activation implements Module {
    private final String op;
    private final Attrs attrs;

    /**
     * @throws dev.gradcheck.engine.op.UnknownOpException when no op has that name (nearest names listed)
     */
    public Activation(String op, Attrs attrs) {
        OpRegistry.get(op); // fail now, with the nearest names, rather than at the first forward
        this.op = op;
        this.attrs = attrs;
    }

    public Activation(String op) {
        this(op, Attrs.EMPTY);
    }

    @Override
    public Tensor forward(Tensor input) {
        return Ops.apply(op, attrs, input);
    }

    /** The op's name. */
    public String op() {
        return op;
    }

    @Override
    public Map<String, Tensor> namedParameters() {
        return Map.of();
    }

    @Override
    public String toString() {
        return op;
    }
}

package dev.gradcheck.engine;

import dev.gradcheck.engine.op.FastPath;
import dev.gradcheck.engine.op.FastPaths;
import dev.gradcheck.engine.op.ForwardArgs;
import dev.gradcheck.engine.op.InputSpec;
import dev.gradcheck.engine.op.OpDef;
import dev.gradcheck.engine.op.OpRegistry;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Applies ops by name or definition: checks arity, attributes, dtypes and shapes, runs the
 * forward kernel (the op's own, or the {@link FastPaths fast path} installed over it), records
 * the graph when gradients are wanted and, in {@link ForwardMode forward mode}, the output's tangent.
 *
 * <pre>{@code
 * Tensor y = Ops.apply("sum", Attrs.of("dim", -1, "keepdim", true), x);
 * }</pre>
 */
public final class Ops {
    private static final List<OpObserver> OBSERVERS = new CopyOnWriteArrayList<>();

    private Ops() {
    }

    /** Applies the registered op {@code name}. */
    public static Tensor apply(String name, Attrs attrs, Tensor... inputs) {
        return apply(OpRegistry.get(name), attrs, inputs);
    }

    /** Applies the registered op {@code name} with no attributes. */
    public static Tensor apply(String name, Tensor... inputs) {
        return apply(OpRegistry.get(name), Attrs.EMPTY, inputs);
    }

    /**
     * Applies {@code op}.
     *
     * @throws ShapeException when the input shapes do not fit, naming the op and every shape
     * @throws IllegalArgumentException on a wrong arity, attribute or dtype, naming the op
     */
    public static Tensor apply(OpDef op, Attrs attrs, Tensor... inputs) {
        op.checkArity(inputs.length);
        Attrs resolved = op.resolve(attrs);
        Shape[] shapes = new Shape[inputs.length];
        double[][] data = new double[inputs.length][];
        boolean track = false;
        for (int i = 0; i < inputs.length; i++) {
            Tensor t = inputs[i];
            InputSpec spec = op.input(i);
            if (t == null) {
                throw new IllegalArgumentException(op.name() + ": input '" + spec.name() + "' is null");
            }
            if (!spec.accepts(t.dtype())) {
                throw new IllegalArgumentException(op.name() + ": input '" + spec.name() + "' must be "
                        + spec.dtypes() + ", got " + t.dtype().label() + " tensor of shape " + t.shape());
            }
            shapes[i] = t.shape();
            data[i] = t.storage();
            track |= spec.differentiable(t.dtype()) && t.isGradRequired();
        }
        Shape out = op.inferShape(shapes, resolved);
        DType outType = outputType(op, inputs);
        for (int i = 0; i < inputs.length; i++) {
            // an input of two forms (class indices or probabilities) has the dtype its shape implies
            String problem = op.input(i).dtypeProblem(inputs[i].dtype(), shapes[i], shapes[0]);
            if (problem != null) {
                throw new IllegalArgumentException(op.name() + ": " + problem);
            }
        }
        ForwardArgs args = new ForwardArgs(data, shapes, resolved, out);
        FastPath fast = FastPaths.active(op);
        double[] values = fast == null || fast.forward() == null ? null : fast.forward().apply(args);
        if (values == null) {
            values = op.forward().apply(args);
        }
        if (values.length != out.size()) {
            throw new IllegalStateException(op.name() + ": forward produced " + values.length
                    + " values for output shape " + out);
        }
        Tensor result = new Tensor(values, out, outType);
        AnomalyMode.Session anomalies = AnomalyMode.current();
        if (track && op.backward() != null && GradMode.isEnabled()) {
            result.attach(new Node(op, resolved, inputs.clone(), anomalies == null ? null : AnomalyMode.site()));
        }
        ForwardMode.propagate(op, resolved, inputs, result);
        if (anomalies != null) {
            anomalies.onForward(op.name(), inputs, result);
        }
        for (OpObserver o : OBSERVERS) {
            o.onForward(op, resolved, inputs, result);
        }
        return result;
    }

    /** The output's dtype: the op's, or for an op that moves values of any dtype, theirs. */
    private static DType outputType(OpDef op, Tensor[] inputs) {
        if (!op.movesAnyDtype()) {
            return op.outputType();
        }
        DType[] d = new DType[inputs.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = inputs[i].dtype();
        }
        return op.outputType(d);
    }

    /** Registers an observer of every op applied from now on, on every thread. */
    public static void addObserver(OpObserver observer) {
        OBSERVERS.add(observer);
    }

    /** Removes an observer. */
    public static void removeObserver(OpObserver observer) {
        OBSERVERS.remove(observer);
    }

    /** Sees every op application (forward), e.g. to look for NaN or Inf as soon as it appears. */
    @FunctionalInterface
    public interface OpObserver {
        void onForward(OpDef op, Attrs attrs, Tensor[] inputs, Tensor output);
    }
}

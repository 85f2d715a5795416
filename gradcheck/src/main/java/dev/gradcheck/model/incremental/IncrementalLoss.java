package dev.gradcheck.model.incremental;

import dev.gradcheck.EngineFunction;
import dev.gradcheck.PerturbableFunction;
import dev.gradcheck.engine.GradMode;
import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.op.FastPaths;
import dev.gradcheck.internal.MultiBackward;
import dev.gradcheck.internal.ReadOnlyInputs;
import dev.gradcheck.internal.ToolkitFunction;
import dev.gradcheck.model.LossFunction;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model's {@link LossFunction} as the checker sees it, with single-entry evaluations by an
 * {@link IncrementalEvaluator} and whole-input ones (FAST mode, the Taylor test) by a
 * {@link DownstreamReplay}. {@link #forward} and {@link #backward} give what those of
 * {@code new EngineFunction(f::apply, shapes)} give (what {@code GradCheck.of(f::apply)} checks), so
 * a check gives the same report with this adapter as without it, only faster. Like the engine
 * function, it copies the arrays it is given into tensors and never writes to them.
 *
 * <pre>{@code
 * LossFunction f = model.lossFunction(values, List.of("W1"));
 * CheckReport r = GradCheck.of(IncrementalLoss.of(f)).at(f.point()).names("W1").mode(Mode.FULL).check();
 * }</pre>
 */
@SuppressWarnings("exports") // MultiBackward, ReadOnlyInputs: the checker's own (internal) capabilities
public final class IncrementalLoss implements PerturbableFunction, MultiBackward, ReadOnlyInputs, ToolkitFunction {
    private final LossFunction f;
    private final EngineFunction engine;

    private IncrementalLoss(LossFunction f) {
        this.f = f;
        Shape[] shapes = f.shapes();
        int[][] dims = new int[shapes.length][];
        for (int i = 0; i < shapes.length; i++) {
            dims[i] = shapes[i].dims();
        }
        this.engine = new EngineFunction(f::apply, dims);
    }

    /** The adapter for {@code f}. */
    public static IncrementalLoss of(LossFunction f) {
        return new IncrementalLoss(f);
    }

    /**
     * The loss at {@code inputs}, the same bits as the engine function's forward (the same ops on
     * the same values); every node's value is kept (the inputs among them, as copies), so that
     * {@link #inputPerturbedAt} at that point (the checker calls it right after) needs no second
     * forward.
     */
    @Override
    @SuppressWarnings("try")
    public double[] forward(double[][] inputs) {
        Map<String, Tensor> tensors;
        try (GradMode.Scope s = GradMode.disabled()) {
            tensors = f.model().evaluate(values(inputs), List.of()).tensors();
        }
        last = tensors;
        return tensors.get(f.model().output()).data();
    }

    /** Every value of the last forward, by name. */
    private volatile Map<String, Tensor> last;

    @Override
    public double[][] backward(double[][] inputs, double[] gradOutput) {
        return engine.backward(inputs, gradOutput);
    }

    @Override
    public double[][][] backwardEach(double[][] inputs, double[]... gradOutputs) {
        return engine.backwardEach(inputs, gradOutputs);
    }

    @Override
    public double[][][] backwardEach(int threads, double[][] inputs, double[]... gradOutputs) {
        return engine.backwardEach(threads, inputs, gradOutputs);
    }

    /** True: a model's ops are deterministic functions of their inputs (dropout draws from its seed attribute). */
    @Override
    public boolean deterministicForward() {
        return true;
    }

    /**
     * An {@link IncrementalEvaluator} at {@code point} (the values of {@code f.names()}, the rest as
     * in {@code f}); null while the engine runs its reference definitions alone
     * ({@link FastPaths#enabled()} false: the evaluator's rules are fast paths too), so that the
     * checker then evaluates every changed point by {@link #forward}.
     */
    @Override
    public Perturbed perturbedAt(double[][] point) {
        if (!FastPaths.enabled()) {
            return null;
        }
        return IncrementalEvaluator.of(f.model(), values(point), f.names())::lossWith;
    }

    /**
     * A {@link DownstreamReplay} at {@code point} (the values of {@code f.names()}, the rest as in
     * {@code f}), from the last forward's values when that was at this point; null with the
     * reference engine alone, as {@link #perturbedAt}.
     */
    @Override
    public InputPerturbed inputPerturbedAt(double[][] point) {
        if (!FastPaths.enabled()) {
            return null;
        }
        Map<String, Tensor> at = last;
        if (at != null && isAt(at, point)) {
            return DownstreamReplay.ofForward(f.model(), at, f.names())::lossWith;
        }
        return DownstreamReplay.of(f.model(), values(point), f.names())::lossWith;
    }

    /** Whether {@code tensors} were computed at {@code point}: its values of {@code f.names()} are the point's. */
    private boolean isAt(Map<String, Tensor> tensors, double[][] point) {
        List<String> names = f.names();
        if (point.length != names.size()) {
            return false;
        }
        for (int i = 0; i < point.length; i++) {
            if (!tensors.get(names.get(i)).dataEquals(point[i])) {
                return false;
            }
        }
        return true;
    }

    private Map<String, Tensor> values(double[][] point) {
        List<String> names = f.names();
        Shape[] shapes = f.shapes();
        if (point.length != names.size()) {
            throw new IllegalArgumentException("expected " + names.size() + " arrays, got " + point.length);
        }
        Map<String, Tensor> values = new LinkedHashMap<>(f.values());
        for (int i = 0; i < point.length; i++) {
            // a copy (ReadOnlyInputs: nothing kept refers to the caller's arrays)
            values.put(names.get(i), Tensor.of(point[i], shapes[i]));
        }
        return values;
    }
}

package dev.gradcheck.model;

import dev.gradcheck.engine.Autograd;
import dev.gradcheck.engine.GradMode;
import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.Tensor;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model as a function of some of its tensors: {@code (tensors named wrt) -> loss}, every other
 * input and param held at fixed values. This is the view the checker checks. It offers both an
 * engine form ({@link #apply}: tensors in, a one-element tensor out, differentiable) and the
 * engine-agnostic form of {@code dev.gradcheck.DifferentiableFunction} ({@link #forward} and
 * {@link #backward} on flat row-major arrays).
 */
public final class LossFunction {
    private final Model model;
    private final Map<String, Tensor> values;
    private final List<String> wrt;
    private final Shape[] shapes;

    LossFunction(Model model, Map<String, Tensor> values, List<String> wrt) {
        model.checkWrt(wrt);
        if (new HashSet<>(wrt).size() != wrt.size()) {
            throw new IllegalArgumentException("wrt names a tensor twice: " + wrt);
        }
        model.checkValues(values, null);
        this.model = model;
        this.values = new LinkedHashMap<>(values);
        this.wrt = List.copyOf(wrt);
        this.shapes = wrt.stream().map(model::shape).toArray(Shape[]::new);
    }

    /** The model. */
    public Model model() {
        return model;
    }

    /** The names of the arguments, in order. */
    public List<String> names() {
        return wrt;
    }

    /** The shapes of the arguments, in order. */
    public Shape[] shapes() {
        return shapes.clone();
    }

    /** The arguments' values at the point of the check (the values given), in order. */
    public Tensor[] point() {
        return wrt.stream().map(values::get).toArray(Tensor[]::new);
    }

    /** Every input's and param's value, by name, at the point of the check (read-only). */
    public Map<String, Tensor> values() {
        return java.util.Collections.unmodifiableMap(values);
    }

    /** {@link #point()} as flat row-major arrays (copies). */
    public double[][] flatPoint() {
        return wrt.stream().map(n -> values.get(n).data()).toArray(double[][]::new);
    }

    /**
     * The loss at {@code args} (one tensor per name of {@link #names()}, shapes as {@link #shapes()}).
     * Differentiable: when arguments require grad, the graph is recorded.
     */
    public Tensor apply(Tensor... args) {
        if (args.length != wrt.size()) {
            throw new IllegalArgumentException("loss function of " + wrt + " takes " + wrt.size() + " tensors, got "
                    + args.length);
        }
        Map<String, Tensor> env = new LinkedHashMap<>(values);
        for (int i = 0; i < args.length; i++) {
            if (!args[i].shape().equals(shapes[i])) {
                throw new IllegalArgumentException("'" + wrt.get(i) + "' must have shape " + shapes[i] + ", got "
                        + args[i].shape());
            }
            env.put(wrt.get(i), args[i]);
        }
        return Evaluation.forward(model, env).get(model.output());
    }

    /** The loss at {@code args}, computed without recording a graph. */
    public double value(Tensor... args) {
        try (GradMode.Scope s = GradMode.disabled()) {
            return apply(args).item();
        }
    }

    /** The gradient of the loss with respect to each argument, at {@code args}. */
    public Tensor[] gradient(Tensor... args) {
        Tensor[] leaves = new Tensor[args.length];
        for (int i = 0; i < args.length; i++) {
            leaves[i] = args[i].detach().requiresGrad();
        }
        return Autograd.grad(apply(leaves), null, false, leaves);
    }

    /** As {@code DifferentiableFunction.forward}: the loss (one value) at flat row-major arguments. */
    public double[] forward(double[][] inputs) {
        return new double[] {value(wrap(inputs))};
    }

    /** As {@code DifferentiableFunction.backward}: {@code gradOutput[0]} times the gradient, flat. */
    public double[][] backward(double[][] inputs, double[] gradOutput) {
        Tensor[] g = gradient(wrap(inputs));
        double[][] out = new double[g.length][];
        for (int i = 0; i < g.length; i++) {
            out[i] = g[i].data();
            for (int k = 0; k < out[i].length; k++) {
                out[i][k] *= gradOutput[0];
            }
        }
        return out;
    }

    private Tensor[] wrap(double[][] inputs) {
        if (inputs.length != shapes.length) {
            throw new IllegalArgumentException("expected " + shapes.length + " arrays, got " + inputs.length);
        }
        Tensor[] t = new Tensor[inputs.length];
        for (int i = 0; i < t.length; i++) {
            if (inputs[i].length != shapes[i].size()) {
                throw new IllegalArgumentException("'" + wrt.get(i) + "' of shape " + shapes[i] + " needs "
                        + shapes[i].size() + " values, got " + inputs[i].length);
            }
            t[i] = Tensor.of(inputs[i], shapes[i]);
        }
        return t;
    }
}

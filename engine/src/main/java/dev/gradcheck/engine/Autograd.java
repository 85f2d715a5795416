package dev.gradcheck.engine;

import dev.gradcheck.engine.op.BackwardContext;
import dev.gradcheck.engine.op.FastPath;
import dev.gradcheck.engine.op.FastPaths;
import dev.gradcheck.engine.op.OpDef;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Reverse-mode differentiation over the recorded graph. The traversal is iterative (no
 * recursion), so a graph of any depth is fine. Backward rules are ordinary engine ops: run with
 * {@code createGraph}, they record a graph of their own, which gives gradients of gradients.
 * Forward mode ({@link #jvp}, {@link #hvp}) lives in {@link ForwardMode}.
 */
public final class Autograd {
    private Autograd() {
    }

    /**
     * The gradients of {@code output} with respect to {@code inputs} (as
     * {@code torch.autograd.grad}), without touching any tensor's accumulated {@link Tensor#grad()}.
     * An input that {@code output} does not depend on gets zeros.
     *
     * @param gradOutput the gradient flowing into {@code output}; null means 1 for a one-element output
     * @param createGraph record the gradients' own graph, for higher-order gradients
     */
    public static Tensor[] grad(Tensor output, Tensor gradOutput, boolean createGraph, Tensor... inputs) {
        return grad(new Tensor[] {output}, new Tensor[] {gradOutput}, createGraph, inputs);
    }

    /**
     * The gradients of several outputs at once, each with its own incoming gradient (as
     * {@code torch.autograd.grad} given sequences): the sum of what each output's gradient alone
     * would give, in one backward pass over the graph they share instead of one pass per output.
     *
     * @param gradOutputs one per output; null entries mean 1 for a one-element output
     * @throws IllegalArgumentException when the counts differ
     */
    public static Tensor[] grad(Tensor[] outputs, Tensor[] gradOutputs, boolean createGraph, Tensor... inputs) {
        if (outputs.length != gradOutputs.length) {
            throw new IllegalArgumentException("grad: " + outputs.length + " outputs but " + gradOutputs.length
                    + " gradient outputs");
        }
        Tensor[] seeds = new Tensor[outputs.length];
        for (int i = 0; i < outputs.length; i++) {
            seeds[i] = seed(outputs[i], gradOutputs[i]);
        }
        Map<Tensor, Tensor> grads = propagate(outputs, seeds, createGraph, null);
        Tensor[] result = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            Tensor g = grads.get(inputs[i]);
            result[i] = g != null ? g : inputs[i].zerosLike();
        }
        return result;
    }

    /**
     * {@link #grad(Tensor, Tensor, boolean, Tensor...)} without a graph, as arrays the caller owns:
     * a gradient's own storage where nothing else can reach it (no copy: a checker's gradients of a
     * million parameters are 8 MB each), a copy where it is shared with {@code gradOutput}, an input
     * or another of the gradients (both inputs of an {@code add} receive the one gradient tensor).
     */
    public static double[][] gradArrays(Tensor output, Tensor gradOutput, Tensor... inputs) {
        Tensor[] g = grad(output, gradOutput, false, inputs);
        Set<double[]> taken = Collections.newSetFromMap(new IdentityHashMap<>());
        if (gradOutput != null) {
            taken.add(gradOutput.storage());
        }
        for (Tensor in : inputs) {
            taken.add(in.storage());
        }
        double[][] out = new double[g.length][];
        for (int i = 0; i < g.length; i++) {
            double[] own = g[i].storage();
            out[i] = taken.add(own) ? own : own.clone();
        }
        return out;
    }

    /** The gradients of a one-element {@code output} with respect to {@code inputs}. */
    public static Tensor[] grad(Tensor output, Tensor... inputs) {
        return grad(output, null, false, inputs);
    }

    /**
     * Forward mode: f at inputs and d/dt f(inputs + t·tangents) at t = 0 (one tangent per input,
     * shaped like it; null = zero). When grad mode is on, the tangent is recorded in the graph, so
     * it is itself differentiable in reverse.
     *
     * @throws ShapeException when a tangent's shape differs from its input's, naming both
     * @throws IllegalArgumentException when the counts differ or an int64 input is given a tangent
     */
    public static Jvp jvp(Function<Tensor[], Tensor> f, Tensor[] inputs, Tensor[] tangents) {
        return ForwardMode.jvp(f, inputs, tangents);
    }

    /**
     * Forward-over-reverse: for a one-element f, the Hessian-vector products
     * d/dt ∇f(inputs + t·vectors) at t = 0, one per input (null for an int64 input).
     *
     * @throws ShapeException when a vector's shape differs from its input's, naming both
     * @throws IllegalArgumentException when f's result has more than one element, or the counts differ
     */
    public static Tensor[] hvp(Function<Tensor[], Tensor> f, Tensor[] inputs, Tensor[] vectors) {
        return ForwardMode.hvp(f, inputs, vectors);
    }

    /**
     * The gradient of {@code output} with respect to {@code wrt} through the graph between them
     * alone: tensors in {@code boundary} are treated as leaves (the traversal stops there).
     */
    static Tensor gradWithin(Tensor output, Tensor wrt, Set<Tensor> boundary, boolean createGraph) {
        Tensor g = propagate(new Tensor[] {output}, new Tensor[] {seed(output, null)}, createGraph, boundary).get(wrt);
        return g != null ? g : wrt.zerosLike();
    }

    static void backward(Tensor output, Tensor gradOutput, boolean createGraph) {
        if (!output.isGradRequired()) {
            throw new IllegalStateException("backward(): the output does not require grad: no input of the graph "
                    + "was marked requiresGrad(), or it was computed in a no-grad scope");
        }
        Map<Tensor, Tensor> grads = propagate(new Tensor[] {output}, new Tensor[] {seed(output, gradOutput)},
                createGraph, null);
        for (Map.Entry<Tensor, Tensor> e : grads.entrySet()) {
            Tensor t = e.getKey();
            if (t.isLeaf() && t.isGradRequired()) {
                try (GradMode.Scope s = GradMode.set(createGraph)) {
                    t.accumulateGrad(createGraph ? e.getValue() : e.getValue().detach());
                }
            }
        }
    }

    private static Tensor seed(Tensor output, Tensor gradOutput) {
        if (gradOutput == null) {
            if (output.size() != 1) {
                throw new IllegalArgumentException("a gradient output is needed for a non-scalar output of shape "
                        + output.shape());
            }
            return Tensor.full(1.0, output.shape().dims());
        }
        if (!gradOutput.shape().equals(output.shape())) {
            throw new ShapeException("backward: gradOutput has shape " + gradOutput.shape()
                    + " but the output has shape " + output.shape());
        }
        return gradOutput;
    }

    /**
     * Runs every backward rule once, in reverse topological order; returns each tensor's gradient.
     * Each output starts with its seed (summed when an output is given twice). Tensors in
     * {@code boundary} (null: none) count as leaves.
     */
    private static Map<Tensor, Tensor> propagate(Tensor[] outputs, Tensor[] seeds, boolean createGraph,
            Set<Tensor> boundary) {
        Map<Tensor, Tensor> grads = new IdentityHashMap<>();
        for (int i = 0; i < outputs.length; i++) {
            grads.merge(outputs[i], seeds[i], Tensor::add);
        }
        List<Tensor> order = topologicalOrder(outputs, boundary);
        AnomalyMode.Session anomalies = AnomalyMode.current();
        try (GradMode.Scope s = GradMode.set(createGraph)) {
            for (int k = order.size() - 1; k >= 0; k--) {
                Tensor t = order.get(k);
                Tensor g = grads.get(t);
                Node node = nodeWithin(t, boundary);
                if (g == null || node == null) {
                    continue;
                }
                Tensor[] inputGrads;
                if (anomalies == null) {
                    inputGrads = runBackward(node, t, g);
                } else {
                    boolean was = anomalies.enterBackward(true);
                    try {
                        inputGrads = runBackward(node, t, g);
                    } finally {
                        anomalies.enterBackward(was);
                    }
                    anomalies.onBackward(node, t, g, inputGrads);
                }
                for (int i = 0; i < node.inputs.length; i++) {
                    Tensor in = node.inputs[i];
                    if (inputGrads[i] != null && wants(node, i)) {
                        grads.merge(in, inputGrads[i], Tensor::add);
                    }
                }
            }
        }
        return grads;
    }

    private static boolean wants(Node node, int i) {
        return node.inputs[i].isGradRequired() && node.op.input(i).differentiable(node.inputs[i].dtype());
    }

    private static Tensor[] runBackward(Node node, Tensor output, Tensor g) {
        OpDef op = node.op;
        boolean[] needs = new boolean[node.inputs.length];
        for (int i = 0; i < needs.length; i++) {
            needs[i] = wants(node, i);
        }
        BackwardContext ctx = new BackwardContext(node.inputs, output, g, node.attrs, needs);
        // a first-order backward (no graph recorded) may run the fast path installed over the op
        // (never while forward mode is on: tangents flow through the reference rule's ops)
        FastPath fast = GradMode.isEnabled() ? null : FastPaths.active(op);
        Tensor[] result = fast == null || fast.firstOrderBackward() == null ? null : fast.firstOrderBackward().apply(ctx);
        if (result == null) {
            result = op.backward().apply(ctx);
        }
        if (result.length != node.inputs.length) {
            throw new IllegalStateException(op.name() + ": backward returned " + result.length
                    + " gradients for " + node.inputs.length + " inputs");
        }
        for (int i = 0; i < result.length; i++) {
            if (needs[i] && result[i] != null && !result[i].shape().equals(node.inputs[i].shape())) {
                throw new IllegalStateException(op.name() + ": backward gave a gradient of shape " + result[i].shape()
                        + " for input '" + op.input(i).name() + "' of shape " + node.inputs[i].shape());
            }
        }
        return result;
    }

    /**
     * Tensors reachable from the roots that require grad through recorded nodes, inputs before the
     * tensors made from them (one depth-first walk per root, sharing what was visited).
     */
    private static List<Tensor> topologicalOrder(Tensor[] roots, Set<Tensor> boundary) {
        List<Tensor> order = new ArrayList<>();
        Set<Tensor> visited = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Tensor root : roots) {
            if (root.isGradRequired() && visited.add(root)) {
                walk(root, boundary, visited, order);
            }
        }
        return order;
    }

    /** Appends {@code root} and the unvisited tensors it was made from to {@code order}, inputs first. */
    private static void walk(Tensor root, Set<Tensor> boundary, Set<Tensor> visited, List<Tensor> order) {
        Deque<Tensor> stack = new ArrayDeque<>();
        Deque<Integer> next = new ArrayDeque<>();
        stack.push(root);
        next.push(0);
        while (!stack.isEmpty()) {
            Tensor t = stack.peek();
            int i = next.pop();
            Node node = nodeWithin(t, boundary);
            if (node != null && i < node.inputs.length) {
                next.push(i + 1);
                Tensor in = node.inputs[i];
                if (in.isGradRequired() && visited.add(in)) {
                    stack.push(in);
                    next.push(0);
                }
            } else {
                stack.pop();
                order.add(t);
            }
        }
    }

    private static Node nodeWithin(Tensor t, Set<Tensor> boundary) {
        return boundary != null && boundary.contains(t) ? null : t.node();
    }
}

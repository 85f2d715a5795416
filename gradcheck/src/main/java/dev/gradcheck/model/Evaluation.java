package dev.gradcheck.model;

import dev.gradcheck.engine.Autograd;
import dev.gradcheck.engine.Ops;
import dev.gradcheck.engine.ShapeException;
import dev.gradcheck.engine.Tensor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One forward pass of a {@link Model}: every input's, param's and node's tensor by name (for
 * {@code graph} and {@code flow}), the loss, and the gradients with respect to the tensors asked
 * for.
 */
public final class Evaluation {
    private final Model model;
    private final Map<String, Tensor> tensors;
    private final Map<String, Tensor> leaves;
    private Map<String, Tensor> gradients;

    private Evaluation(Model model, Map<String, Tensor> tensors, Map<String, Tensor> leaves) {
        this.model = model;
        this.tensors = tensors;
        this.leaves = leaves;
    }

    static Evaluation run(Model model, Map<String, Tensor> values, Collection<String> wrt) {
        model.checkWrt(wrt);
        Map<String, Tensor> env = new LinkedHashMap<>();
        Map<String, Tensor> leaves = new LinkedHashMap<>();
        for (String n : model.inputs().keySet()) {
            env.put(n, need(values, n));
        }
        for (String n : model.params().keySet()) {
            env.put(n, need(values, n));
        }
        for (String n : model.constants().keySet()) {
            env.put(n, need(values, n));
        }
        for (String n : wrt) {
            // a fresh leaf, so the caller's tensor never collects a graph or a grad
            Tensor leaf = env.get(n).detach().requiresGrad();
            env.put(n, leaf);
            leaves.put(n, leaf);
        }
        return new Evaluation(model, forward(model, env), leaves);
    }

    /** Applies the nodes in order to {@code env} (which holds inputs and params); returns it. */
    static Map<String, Tensor> forward(Model model, Map<String, Tensor> env) {
        for (NodeSpec node : model.nodes()) {
            Tensor[] in = new Tensor[node.inputs().size()];
            for (int k = 0; k < in.length; k++) {
                in[k] = env.get(node.inputs().get(k));
            }
            try {
                env.put(node.name(), Ops.apply(node.op(), node.attrs(), in));
            } catch (RuntimeException e) {
                String msg = e.getMessage() == null ? e.toString() : e.getMessage();
                String prefix = node.op().name() + ": ";
                String problem = node.op().name() + " '" + node.name() + "': "
                        + (msg.startsWith(prefix) ? msg.substring(prefix.length()) : msg);
                if (e instanceof IllegalArgumentException && !(e instanceof ShapeException)) {
                    // shapes and attributes were checked when the model was loaded: what an op refuses now
                    // is a value (an index out of range, a condition other than 0 or 1), so the data is at fault
                    throw new ModelFileException(model.file(), null, -1, -1, node.name(), problem, e);
                }
                throw new IllegalStateException(problem, e);
            }
        }
        return env;
    }

    private static Tensor need(Map<String, Tensor> values, String n) {
        Tensor t = values.get(n);
        if (t == null) {
            throw new IllegalArgumentException("no value for '" + n + "'");
        }
        return t;
    }

    /** The model evaluated. */
    public Model model() {
        return model;
    }

    /** Every tensor by name: inputs, params (as leaves where differentiated), then node outputs in order. */
    public Map<String, Tensor> tensors() {
        return Collections.unmodifiableMap(tensors);
    }

    /** The tensor named {@code name}. */
    public Tensor tensor(String name) {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException("no tensor named '" + name + "'");
        }
        return t;
    }

    /** The output (loss), a one-element tensor. */
    public Tensor loss() {
        return tensors.get(model.output());
    }

    /** The leaves gradients are taken with respect to, by name. */
    public Map<String, Tensor> leaves() {
        return Collections.unmodifiableMap(leaves);
    }

    /** The gradients of the loss with respect to the leaves, by name (computed once, with {@link Autograd#grad}). */
    public Map<String, Tensor> gradients() {
        if (gradients == null) {
            List<String> names = new ArrayList<>(leaves.keySet());
            Tensor[] ls = names.stream().map(leaves::get).toArray(Tensor[]::new);
            Tensor[] g = ls.length == 0 ? new Tensor[0] : Autograd.grad(loss(), null, false, ls);
            Map<String, Tensor> out = new LinkedHashMap<>();
            for (int i = 0; i < g.length; i++) {
                out.put(names.get(i), g[i]);
            }
            gradients = Collections.unmodifiableMap(out);
        }
        return gradients;
    }
}

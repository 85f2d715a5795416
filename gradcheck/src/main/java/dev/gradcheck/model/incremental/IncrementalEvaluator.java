package dev.gradcheck.model.incremental;

import dev.gradcheck.engine.DType;
import dev.gradcheck.engine.GradMode;
import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.internal.TensorAccess;
import dev.gradcheck.model.Model;
import dev.gradcheck.model.NodeSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model's loss at its point with one entry of one tensor replaced, computed from a cached
 * unperturbed forward: only the nodes downstream of that tensor run, and within each only the
 * output entries the changed entries reach (a step in one entry of a weight W[o, i] of
 * {@code linear} changes one column of the product, the tanh of that column, then each row of the
 * next product from its i-th partial sum on, …). Every rule recomputes those entries with the
 * engine kernel's own arithmetic, so the loss equals a fresh forward at the changed point bit for
 * bit; an op without a finer rule is recomputed whole by the engine (see {@link #rules()}).
 *
 * <p>Thread-safe: {@link #lossWith} may run on several threads at once, each with its own working
 * state (a private copy of the tensors that can change, reused and put back entry by entry, never
 * copied whole per evaluation).
 */
public final class IncrementalEvaluator {
    private final String[] names;
    private final double[][] cache;
    private final boolean[] varying;
    private final int[] wrtIds;
    private final int outputId;
    private final double cachedLoss;
    private final Rule[] rules;
    private final String[] ruleNodes;
    /** Each thread keeps its own working state: its arrays stay in that core's cache. */
    private final ThreadLocal<State> states;

    private IncrementalEvaluator(String[] names, double[][] cache, boolean[] varying, int[] wrtIds, int outputId,
            Rule[] rules, String[] ruleNodes) {
        this.names = names;
        this.cache = cache;
        this.varying = varying;
        this.wrtIds = wrtIds;
        this.outputId = outputId;
        this.cachedLoss = cache[outputId][0];
        this.rules = rules;
        this.ruleNodes = ruleNodes;
        this.states = ThreadLocal.withInitial(() -> new State(cache, varying, rules.length));
    }

    /**
     * Runs the forward at {@code values} (every input and param by name) and prepares single-entry
     * changes of the tensors named in {@code wrt} (params or float64 inputs).
     *
     * @throws IllegalArgumentException when a value is missing or does not fit the model
     */
    @SuppressWarnings("try")
    public static IncrementalEvaluator of(Model model, Map<String, Tensor> values, List<String> wrt) {
        Map<String, Tensor> tensors;
        try (GradMode.Scope s = GradMode.disabled()) {
            tensors = model.evaluate(values, List.of()).tensors();
        }
        Map<String, Integer> id = new HashMap<>();
        List<String> order = new ArrayList<>(tensors.keySet());
        for (int t = 0; t < order.size(); t++) {
            id.put(order.get(t), t);
        }
        int count = order.size();
        String[] names = order.toArray(new String[0]);
        double[][] cache = new double[count][];
        Tensor[] cached = new Tensor[count];
        for (int t = 0; t < count; t++) {
            cached[t] = tensors.get(names[t]);
            cache[t] = TensorAccess.data(cached[t]);
        }
        boolean[] varying = new boolean[count];
        int[] wrtIds = wrtIds(model, id, wrt);
        for (int t : wrtIds) {
            varying[t] = true;
        }
        List<Rule> rules = new ArrayList<>();
        List<String> ruleNodes = new ArrayList<>();
        for (NodeSpec node : model.nodes()) {
            int[] in = node.inputs().stream().mapToInt(id::get).toArray();
            boolean reached = false;
            for (int t : in) {
                reached |= varying[t];
            }
            if (!reached) {
                continue;
            }
            int out = id.get(node.name());
            varying[out] = true;
            rules.add(ruleFor(node, out, in, cached, cache, varying));
            ruleNodes.add(node.name());
        }
        return new IncrementalEvaluator(names, cache, varying, wrtIds, id.get(model.output()),
                rules.toArray(new Rule[0]), ruleNodes.toArray(new String[0]));
    }

    /**
     * The tensor ids of the names in {@code wrt}.
     *
     * @throws IllegalArgumentException when one is not a float64 input or param of the model
     */
    static int[] wrtIds(Model model, Map<String, Integer> id, List<String> wrt) {
        int[] ids = new int[wrt.size()];
        for (int w = 0; w < ids.length; w++) {
            Integer t = id.get(wrt.get(w));
            if (t == null || model.spec(wrt.get(w)) == null || model.dtype(wrt.get(w)) != DType.FLOAT64) {
                throw new IllegalArgumentException("'" + wrt.get(w) + "' is not a float64 input or param of model '"
                        + model.name() + "'");
            }
            ids[w] = t;
        }
        return ids;
    }

    private static Rule ruleFor(NodeSpec node, int out, int[] in, Tensor[] cached, double[][] cache,
            boolean[] varying) {
        Tensor[] inputs = new Tensor[in.length];
        double[][] data = new double[in.length][];
        for (int k = 0; k < in.length; k++) {
            inputs[k] = cached[in[k]];
            data[k] = cache[in[k]];
        }
        RecomputeRule whole = new RecomputeRule(out, in, node.op(), node.attrs(), inputs, varying);
        Node n = new Node(node.op(), node.attrs(), out, in, inputs, data, cache[out], varying, whole);
        Rule r = OpRules.of(n);
        if (r == null && n.real() && cached[out].dtype() == DType.FLOAT64) {
            Shape[] shapes = n.shapes();
            Shape outShape = cached[out].shape();
            r = ElementwiseRule.of(out, in, node.op(), node.attrs(), shapes[0], outShape, data[0], cache[out]);
            if (r == null && in.length == 2) {
                BroadcastRule b = BroadcastRule.of(out, in, node.op(), node.attrs(), shapes[0], shapes[1], outShape);
                r = b != null && b.reproduces(data, cache[out]) ? b : null;
            }
        }
        return r != null ? r : whole;
    }

    /** The loss at the point itself (the cached forward). */
    public double loss() {
        return cachedLoss;
    }

    /**
     * The loss with entry {@code index} (flat, row-major) of the {@code wrt}-th tensor set to
     * {@code value}, every other value as at the point: bit for bit the loss of a fresh forward there.
     */
    public double lossWith(int wrt, int index, double value) {
        int t = wrtIds[wrt];
        if (index < 0 || index >= cache[t].length) {
            throw new IndexOutOfBoundsException("'" + names[t] + "' has " + cache[t].length + " entries, not "
                    + (index + 1));
        }
        if (Double.doubleToRawLongBits(value) == Double.doubleToRawLongBits(cache[t][index])) {
            return cachedLoss;
        }
        State s = states.get();
        try {
            s.set(cache, t, index, value);
            for (int r = 0; r < rules.length; r++) {
                if (rules[r].inputsChanged(s)) {
                    rules[r].propagate(s, cache, r);
                }
            }
            return s.n[outputId] > 0 ? s.cur[outputId][0] : cachedLoss;
        } finally {
            s.restore(cache);
        }
    }

    /**
     * For each node downstream of the perturbed tensors, in order, how it is updated:
     * {@code linear}/{@code matmul} (kept partial sums), {@code scalar} (the op's scalar function
     * inline on the changed entries), {@code pointwise} (the engine kernel on the changed entries),
     * {@code broadcast} (the engine op on the reached entries' operands), {@code cross_entropy} (the
     * changed rows' losses, then the reduction) or {@code recompute} (the whole node by the engine).
     */
    public Map<String, String> rules() {
        Map<String, String> m = new LinkedHashMap<>();
        for (int r = 0; r < rules.length; r++) {
            m.put(ruleNodes[r], rules[r].kind());
        }
        return m;
    }
}

package dev.gradcheck.model.incremental;

import dev.gradcheck.engine.DType;
import dev.gradcheck.engine.GradMode;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.kernels.incremental.IncrementalGraph;
import dev.gradcheck.model.Model;
import dev.gradcheck.model.NodeSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model's loss at its point with one entry of one tensor replaced, computed from a cached
 * unperturbed forward by the kernels' {@link IncrementalGraph}: only the nodes downstream of that
 * tensor run, and within each only the output entries the changed entries reach. The loss equals
 * a fresh forward at the changed point bit for bit; this class maps the model's names and nodes
 * onto the graph's ids and steps.
 *
 * <p>Thread-safe: {@link #lossWith} may run on several threads at once.
 */
public final class IncrementalEvaluator {
    private final String[] names;
    private final int[] sizes;
    private final int[] wrtIds;
    private final IncrementalGraph graph;
    private final List<String> nodeNames;

    private IncrementalEvaluator(String[] names, int[] sizes, int[] wrtIds, IncrementalGraph graph,
            List<String> nodeNames) {
        this.names = names;
        this.sizes = sizes;
        this.wrtIds = wrtIds;
        this.graph = graph;
        this.nodeNames = nodeNames;
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
        String[] names = order.toArray(new String[0]);
        Tensor[] cached = new Tensor[names.length];
        int[] sizes = new int[names.length];
        for (int t = 0; t < names.length; t++) {
            cached[t] = tensors.get(names[t]);
            sizes[t] = cached[t].size();
        }
        int[] wrtIds = wrtIds(model, id, wrt);
        List<IncrementalGraph.Step> steps = new ArrayList<>();
        List<String> nodeNames = new ArrayList<>();
        for (NodeSpec node : model.nodes()) {
            int[] in = node.inputs().stream().mapToInt(id::get).toArray();
            steps.add(new IncrementalGraph.Step(node.op(), node.attrs(), in, id.get(node.name())));
            nodeNames.add(node.name());
        }
        IncrementalGraph graph = IncrementalGraph.of(cached, steps, wrtIds, id.get(model.output()));
        return new IncrementalEvaluator(names, sizes, wrtIds, graph, nodeNames);
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

    /** The loss at the point itself (the cached forward). */
    public double loss() {
        return graph.output();
    }

    /**
     * The loss with entry {@code index} (flat, row-major) of the {@code wrt}-th tensor set to
     * {@code value}, every other value as at the point: bit for bit the loss of a fresh forward there.
     */
    public double lossWith(int wrt, int index, double value) {
        int t = wrtIds[wrt];
        if (index < 0 || index >= sizes[t]) {
            throw new IndexOutOfBoundsException("'" + names[t] + "' has " + sizes[t] + " entries, not " + (index + 1));
        }
        return graph.outputWith(wrt, index, value);
    }

    /**
     * For each node downstream of the perturbed tensors, in order, how it is updated (see
     * {@link IncrementalGraph#ruleKinds()}): {@code linear}/{@code matmul}, {@code scalar},
     * {@code pointwise}, {@code broadcast}, {@code cross_entropy} or {@code recompute}.
     */
    public Map<String, String> rules() {
        Map<String, String> m = new LinkedHashMap<>();
        List<String> kinds = graph.ruleKinds();
        for (int s = 0; s < kinds.size(); s++) {
            if (kinds.get(s) != null) {
                m.put(nodeNames.get(s), kinds.get(s));
            }
        }
        return m;
    }
}

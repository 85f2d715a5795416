package dev.gradcheck.model.incremental;

import dev.gradcheck.engine.GradMode;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.kernels.incremental.IncrementalGraph;
import dev.gradcheck.kernels.incremental.ReplayGraph;
import dev.gradcheck.model.Model;
import dev.gradcheck.model.NodeSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A model's loss at its point with one whole tensor replaced, computed from a cached unperturbed
 * forward by the kernels' {@link ReplayGraph}: only the nodes downstream of that tensor run, each
 * applied whole by the engine as the model's own forward applies it (a {@code linear} node reached
 * through its bias alone adds the new bias to its cached product), so the loss equals a fresh
 * forward bit for bit. What FAST mode's projections need. This class maps the model's names and
 * nodes onto the graph's ids and steps.
 *
 * <p>Cheap to prepare (one forward, no graph) and stateless per call: safe from several threads.
 */
public final class DownstreamReplay {
    private final String[] names;
    private final int[] wrtIds;
    private final ReplayGraph graph;

    private DownstreamReplay(String[] names, int[] wrtIds, ReplayGraph graph) {
        this.names = names;
        this.wrtIds = wrtIds;
        this.graph = graph;
    }

    /**
     * Runs the forward at {@code values} (every input and param by name) and prepares replacing any
     * of the tensors named in {@code wrt} (params or float64 inputs).
     *
     * @throws IllegalArgumentException when a name in {@code wrt} is not a float64 input or param
     */
    @SuppressWarnings("try")
    public static DownstreamReplay of(Model model, Map<String, Tensor> values, List<String> wrt) {
        try (GradMode.Scope s = GradMode.disabled()) {
            return ofForward(model, model.evaluate(values, List.of()).tensors(), wrt);
        }
    }

    /**
     * {@link #of} from a forward already run: {@code tensors} is every input, param and node value
     * by name, as {@code model.evaluate(values, List.of()).tensors()} gives them.
     */
    public static DownstreamReplay ofForward(Model model, Map<String, Tensor> tensors, List<String> wrt) {
        Map<String, Integer> id = new HashMap<>();
        String[] names = tensors.keySet().toArray(new String[0]);
        Tensor[] cached = new Tensor[names.length];
        for (int t = 0; t < names.length; t++) {
            id.put(names[t], t);
            cached[t] = tensors.get(names[t]);
        }
        int[] wrtIds = IncrementalEvaluator.wrtIds(model, id, wrt);
        List<IncrementalGraph.Step> steps = new ArrayList<>();
        for (NodeSpec node : model.nodes()) {
            int[] in = node.inputs().stream().mapToInt(id::get).toArray();
            steps.add(new IncrementalGraph.Step(node.op(), node.attrs(), in, id.get(node.name())));
        }
        return new DownstreamReplay(names, wrtIds, ReplayGraph.of(cached, steps, wrtIds, id.get(model.output())));
    }

    /** For each node rerun when the {@code wrt}-th tensor is replaced, in order: its name's step kind, "whole" or "bias". */
    List<String> steps(int wrt) {
        List<String> kinds = new ArrayList<>();
        for (Map.Entry<Integer, String> e : graph.runs(wrt)) {
            kinds.add(names[e.getKey()] + ":" + e.getValue());
        }
        return kinds;
    }

    /** The loss at the point itself (the cached forward). */
    public double loss() {
        return graph.output();
    }

    /**
     * The loss with the {@code wrt}-th tensor's values replaced by {@code values} (flat, row-major;
     * read during the call only), every other value as at the point: bit for bit the loss of a fresh
     * forward there.
     */
    public double lossWith(int wrt, double[] values) {
        int t = wrtIds[wrt];
        Tensor at = graph.tensor(t);
        if (values.length != at.size()) {
            throw new IllegalArgumentException("'" + names[t] + "' has " + at.size() + " entries, not " + values.length);
        }
        return graph.outputWith(wrt, values);
    }
}

package dev.gradcheck.model.incremental;

import dev.gradcheck.engine.GradMode;
import dev.gradcheck.engine.Ops;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.internal.TensorAccess;
import dev.gradcheck.engine.op.OpDef;
import dev.gradcheck.model.Model;
import dev.gradcheck.model.NodeSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A model's loss at its point with one whole tensor replaced, computed from a cached unperturbed
 * forward: only the nodes downstream of that tensor run, each applied whole by the engine, as the
 * model's own forward applies it, so the loss equals a fresh forward bit for bit. What FAST mode's
 * projections need (each moves every entry of one param along a random direction): perturbing the
 * last layer's weight reruns the last product and the loss, not the whole network. A
 * {@code linear} node reached through its bias alone adds the new bias to its cached product
 * instead of multiplying again (what its forward does after the product; checked bit for bit
 * when prepared, else the node runs whole).
 *
 * <p>Cheap to prepare (one forward, no graph) and stateless per call: safe from several threads.
 */
public final class DownstreamReplay {
    /** One node's output from the current tensors (indexed by tensor id). */
    private interface Step {
        Tensor run(Tensor[] cur);

        /** "whole" or "bias", for tests. */
        default String kind() {
            return "whole";
        }
    }

    private final String[] names;
    private final Tensor[] cached;
    private final int[] wrtIds;
    /** Per wrt tensor: the steps downstream of it, in the model's order, and the tensor each writes. */
    private final Step[][] steps;
    private final int[][] stepOut;
    private final int outputId;

    private DownstreamReplay(String[] names, Tensor[] cached, int[] wrtIds, Step[][] steps, int[][] stepOut,
            int outputId) {
        this.names = names;
        this.cached = cached;
        this.wrtIds = wrtIds;
        this.steps = steps;
        this.stepOut = stepOut;
        this.outputId = outputId;
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
    @SuppressWarnings("try")
    public static DownstreamReplay ofForward(Model model, Map<String, Tensor> tensors, List<String> wrt) {
        try (GradMode.Scope s = GradMode.disabled()) {
            return prepare(model, tensors, wrt);
        }
    }

    private static DownstreamReplay prepare(Model model, Map<String, Tensor> tensors, List<String> wrt) {
        Map<String, Integer> id = new HashMap<>();
        String[] names = tensors.keySet().toArray(new String[0]);
        Tensor[] cached = new Tensor[names.length];
        for (int t = 0; t < names.length; t++) {
            id.put(names[t], t);
            cached[t] = tensors.get(names[t]);
        }
        // a linear node's product without its bias, made once and shared by every wrt reaching it by its bias alone
        Map<String, Step> biasSteps = new HashMap<>();
        int n = wrt.size();
        int[] wrtIds = IncrementalEvaluator.wrtIds(model, id, wrt);
        Step[][] steps = new Step[n][];
        int[][] stepOut = new int[n][];
        for (int w = 0; w < n; w++) {
            boolean[] reached = new boolean[names.length];
            reached[wrtIds[w]] = true;
            List<Step> list = new ArrayList<>();
            List<Integer> outs = new ArrayList<>();
            for (NodeSpec node : model.nodes()) {
                int[] in = node.inputs().stream().mapToInt(id::get).toArray();
                boolean any = false;
                for (int k : in) {
                    any |= reached[k];
                }
                if (!any) {
                    continue;
                }
                int out = id.get(node.name());
                reached[out] = true;
                Step step = null;
                if (onlyBiasReached(node, in, reached)) {
                    step = biasSteps.computeIfAbsent(node.name(), k -> biasOnly(node, in, cached, cached[out]));
                }
                list.add(step != null ? step : whole(node, in));
                outs.add(out);
            }
            steps[w] = list.toArray(new Step[0]);
            stepOut[w] = outs.stream().mapToInt(Integer::intValue).toArray();
        }
        return new DownstreamReplay(names, cached, wrtIds, steps, stepOut, id.get(model.output()));
    }

    private static Step whole(NodeSpec node, int[] in) {
        return cur -> {
            Tensor[] args = new Tensor[in.length];
            for (int a = 0; a < in.length; a++) {
                args[a] = cur[in[a]];
            }
            return Ops.apply(node.op(), node.attrs(), args);
        };
    }

    /** True when the node's op has an {@link OpDef#additiveBias() additive bias}, given, and only it is reached. */
    private static boolean onlyBiasReached(NodeSpec node, int[] in, boolean[] reached) {
        if (!node.op().additiveBias() || in.length != node.op().inputs().size()) {
            return false;
        }
        for (int k = 0; k < in.length - 1; k++) {
            if (reached[in[k]]) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@code op(x, W, b)} (linear) as {@code op(x, W) + b} with the product cached, or null when that
     * does not give the node's cached output bit for bit.
     */
    private static Step biasOnly(NodeSpec node, int[] in, Tensor[] cached, Tensor out) {
        Tensor[] rest = new Tensor[in.length - 1];
        for (int k = 0; k < rest.length; k++) {
            rest[k] = cached[in[k]];
        }
        Tensor product = Ops.apply(node.op(), node.attrs(), rest);
        Tensor again = product.add(cached[in[in.length - 1]]);
        if (!again.shape().equals(out.shape())
                || !Arrays.equals(TensorAccess.data(again), TensorAccess.data(out))) {
            return null;
        }
        int bias = in[in.length - 1];
        return new Step() {
            @Override
            public Tensor run(Tensor[] cur) {
                return product.add(cur[bias]);
            }

            @Override
            public String kind() {
                return "bias";
            }
        };
    }

    /** For each node rerun when the {@code wrt}-th tensor is replaced, in order: its name's step kind, "whole" or "bias". */
    List<String> steps(int wrt) {
        List<String> kinds = new ArrayList<>();
        for (int k = 0; k < steps[wrt].length; k++) {
            kinds.add(names[stepOut[wrt][k]] + ":" + steps[wrt][k].kind());
        }
        return kinds;
    }

    /** The loss at the point itself (the cached forward). */
    public double loss() {
        return TensorAccess.data(cached[outputId])[0];
    }

    /**
     * The loss with the {@code wrt}-th tensor's values replaced by {@code values} (flat, row-major;
     * read during the call only), every other value as at the point: bit for bit the loss of a fresh
     * forward there.
     */
    @SuppressWarnings("try")
    public double lossWith(int wrt, double[] values) {
        int t = wrtIds[wrt];
        Tensor at = cached[t];
        if (values.length != at.size()) {
            throw new IllegalArgumentException("'" + names[t] + "' has " + at.size() + " entries, not " + values.length);
        }
        Tensor[] cur = cached.clone();
        // the caller's array, read only by the ops during this call
        cur[t] = TensorAccess.wrap(values, at.shape(), at.dtype());
        try (GradMode.Scope s = GradMode.disabled()) {
            for (int k = 0; k < steps[wrt].length; k++) {
                cur[stepOut[wrt][k]] = steps[wrt][k].run(cur);
            }
        }
        return TensorAccess.data(cur[outputId])[0];
    }
}

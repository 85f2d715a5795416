package dev.gradcheck.kernels.incremental;

import dev.gradcheck.engine.GradMode;
import dev.gradcheck.engine.Ops;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.internal.TensorAccess;
import dev.gradcheck.engine.op.OpDef;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A graph's one-value output at its point with one whole tensor replaced, computed from the cached
 * unperturbed forward: only the steps downstream of that tensor run, each applied whole by the
 * engine, as the graph's own forward applies it, so the output equals a fresh forward bit for bit.
 * What FAST mode's projections need (each moves every entry of one param along a random
 * direction): perturbing the last layer's weight reruns the last product and the loss, not the
 * whole network. A step whose op has an {@link OpDef#additiveBias() additive bias} (linear),
 * reached through its bias alone, adds the new bias to its cached product instead of multiplying
 * again (what its forward does after the product; checked bit for bit when prepared, else the step
 * runs whole).
 *
 * <p>Stateless per call: safe from several threads.
 */
public final class ReplayGraph {
    /** One step's output from the current tensors (indexed by tensor id). */
    private interface Run {
        Tensor run(Tensor[] cur);

        /** "whole" or "bias", for tests. */
        default String kind() {
            return "whole";
        }
    }

    private final Tensor[] cached;
    private final int[] wrtIds;
    /** Per wrt tensor: the steps downstream of it, in order, and the tensor each writes. */
    private final Run[][] runs;
    private final int[][] runOut;
    private final int outputId;

    private ReplayGraph(Tensor[] cached, int[] wrtIds, Run[][] runs, int[][] runOut, int outputId) {
        this.cached = cached;
        this.wrtIds = wrtIds;
        this.runs = runs;
        this.runOut = runOut;
        this.outputId = outputId;
    }

    /**
     * Prepares replacing any of the tensors {@code wrtIds} whole.
     *
     * @param tensors every tensor of the graph by id, at the point, as a forward computed them (kept,
     *     not copied: keep them unchanged)
     * @param steps the nodes, each after the steps its inputs come from
     * @param outputId the id of the one-value output
     */
    @SuppressWarnings("try")
    public static ReplayGraph of(Tensor[] tensors, List<IncrementalGraph.Step> steps, int[] wrtIds, int outputId) {
        Tensor[] cached = tensors.clone();
        // a step's product without its bias, made once and shared by every wrt reaching it by its bias alone
        Map<Integer, Run> biasRuns = new HashMap<>();
        int n = wrtIds.length;
        Run[][] runs = new Run[n][];
        int[][] runOut = new int[n][];
        try (GradMode.Scope s = GradMode.disabled()) {
            for (int w = 0; w < n; w++) {
                boolean[] reached = new boolean[cached.length];
                reached[wrtIds[w]] = true;
                List<Run> list = new ArrayList<>();
                List<Integer> outs = new ArrayList<>();
                for (int k = 0; k < steps.size(); k++) {
                    IncrementalGraph.Step step = steps.get(k);
                    int[] in = step.inputs();
                    boolean any = false;
                    for (int t : in) {
                        any |= reached[t];
                    }
                    if (!any) {
                        continue;
                    }
                    reached[step.output()] = true;
                    Run run = onlyBiasReached(step, reached)
                            ? biasRuns.computeIfAbsent(k, key -> biasOnly(step, cached)) : null;
                    list.add(run != null ? run : whole(step));
                    outs.add(step.output());
                }
                runs[w] = list.toArray(new Run[0]);
                runOut[w] = outs.stream().mapToInt(Integer::intValue).toArray();
            }
        }
        return new ReplayGraph(cached, wrtIds.clone(), runs, runOut, outputId);
    }

    private static Run whole(IncrementalGraph.Step step) {
        int[] in = step.inputs();
        return cur -> {
            Tensor[] args = new Tensor[in.length];
            for (int a = 0; a < in.length; a++) {
                args[a] = cur[in[a]];
            }
            return Ops.apply(step.op(), step.attrs(), args);
        };
    }

    /** True when the step's op has an additive bias, given, and only it is reached. */
    private static boolean onlyBiasReached(IncrementalGraph.Step step, boolean[] reached) {
        int[] in = step.inputs();
        if (!step.op().additiveBias() || in.length != step.op().inputs().size()) {
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
     * does not give the step's cached output bit for bit.
     */
    private static Run biasOnly(IncrementalGraph.Step step, Tensor[] cached) {
        int[] in = step.inputs();
        Tensor[] rest = new Tensor[in.length - 1];
        for (int k = 0; k < rest.length; k++) {
            rest[k] = cached[in[k]];
        }
        Tensor product = Ops.apply(step.op(), step.attrs(), rest);
        int bias = in[in.length - 1];
        Tensor again = product.add(cached[bias]);
        Tensor out = cached[step.output()];
        if (!again.shape().equals(out.shape())
                || !Arrays.equals(TensorAccess.data(again), TensorAccess.data(out))) {
            return null;
        }
        return new Run() {
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

    /** For each step rerun when the {@code wrt}-th tensor is replaced, in order: the id it writes and its kind, "whole" or "bias". */
    public List<Map.Entry<Integer, String>> runs(int wrt) {
        List<Map.Entry<Integer, String>> kinds = new ArrayList<>();
        for (int k = 0; k < runs[wrt].length; k++) {
            kinds.add(Map.entry(runOut[wrt][k], runs[wrt][k].kind()));
        }
        return kinds;
    }

    /** Tensor {@code id} at the point. */
    public Tensor tensor(int id) {
        return cached[id];
    }

    /** The output at the point itself (the cached forward). */
    public double output() {
        return cached[outputId].item();
    }

    /**
     * The output with the {@code wrt}-th tensor's values replaced by {@code values} (flat, row-major,
     * as many as it has; read during the call only), every other value as at the point: bit for bit
     * the output of a fresh forward there.
     */
    @SuppressWarnings("try")
    public double outputWith(int wrt, double[] values) {
        int t = wrtIds[wrt];
        Tensor at = cached[t];
        if (values.length != at.size()) {
            throw new IllegalArgumentException("tensor " + t + " has " + at.size() + " entries, not " + values.length);
        }
        Tensor[] cur = cached.clone();
        // the caller's array, read only by the ops during this call
        cur[t] = TensorAccess.wrap(values, at.shape(), at.dtype());
        try (GradMode.Scope s = GradMode.disabled()) {
            for (int k = 0; k < runs[wrt].length; k++) {
                cur[runOut[wrt][k]] = runs[wrt][k].run(cur);
            }
        }
        return cur[outputId].item();
    }
}

package dev.gradcheck.kernels.incremental;

import dev.gradcheck.engine.Attrs;
import dev.gradcheck.engine.DType;
import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.internal.TensorAccess;
import dev.gradcheck.engine.op.OpDef;
import java.util.ArrayList;
import java.util.List;

/**
 * A graph's one-value output at its point with one entry of one tensor replaced, computed from the
 * cached unperturbed forward: only the steps downstream of that tensor run, and within each only
 * the output entries the changed entries reach (a step in one entry of a weight W[o, i] of
 * {@code linear} changes one column of the product, the tanh of that column, then each row of the
 * next product from its i-th partial sum on, …). Every rule recomputes those entries with the
 * running forward's own arithmetic, so the output equals a fresh forward at the changed point bit
 * for bit; an op without a finer rule is recomputed whole by the engine (see {@link #ruleKinds()}).
 * Rules written for one op are registered over it ({@code matmul}, {@code linear},
 * {@code cross_entropy}); the others follow from the registry's metadata ({@link OpDef#pointwise()}).
 *
 * <p>Thread-safe: {@link #outputWith} may run on several threads at once, each with its own working
 * state (a private copy of the tensors that can change, reused and put back entry by entry, never
 * copied whole per evaluation).
 */
public final class IncrementalGraph {
    /**
     * One node of the graph.
     *
     * @param op the op
     * @param attrs its resolved attributes
     * @param inputs the ids of its input tensors, in the op's order
     * @param output the id of its output tensor
     */
    public record Step(OpDef op, Attrs attrs, int[] inputs, int output) {
        public Step {
            inputs = inputs.clone();
        }
    }

    private final double[][] cache;
    private final int[] wrtIds;
    private final int outputId;
    private final double cachedOutput;
    private final Rule[] rules;
    /** Per rule: the index of its step. */
    private final int[] ruleSteps;
    private final int stepCount;
    /** Each thread keeps its own working state: its arrays stay in that core's cache. */
    private final ThreadLocal<State> states;

    private IncrementalGraph(double[][] cache, boolean[] varying, int[] wrtIds, int outputId, Rule[] rules,
            int[] ruleSteps, int stepCount) {
        this.cache = cache;
        this.wrtIds = wrtIds.clone();
        this.outputId = outputId;
        this.cachedOutput = cache[outputId][0];
        this.rules = rules;
        this.ruleSteps = ruleSteps;
        this.stepCount = stepCount;
        this.states = ThreadLocal.withInitial(() -> new State(cache, varying, rules.length));
    }

    /**
     * Prepares single-entry changes of the tensors {@code wrtIds}.
     *
     * @param tensors every tensor of the graph by id, at the point: the inputs and the outputs of
     *     {@code steps} as a forward computed them (not modified, not copied: keep them unchanged)
     * @param steps the nodes, each after the steps its inputs come from
     * @param wrtIds the ids of the float64 tensors that may change
     * @param outputId the id of the one-value output
     */
    public static IncrementalGraph of(Tensor[] tensors, List<Step> steps, int[] wrtIds, int outputId) {
        int count = tensors.length;
        double[][] cache = new double[count][];
        for (int t = 0; t < count; t++) {
            cache[t] = TensorAccess.data(tensors[t]);
        }
        if (cache[outputId].length != 1) {
            throw new IllegalArgumentException("the output has shape " + tensors[outputId].shape()
                    + "; one value is needed");
        }
        boolean[] varying = new boolean[count];
        for (int t : wrtIds) {
            varying[t] = true;
        }
        List<Rule> rules = new ArrayList<>();
        List<Integer> ruleSteps = new ArrayList<>();
        for (int s = 0; s < steps.size(); s++) {
            Step step = steps.get(s);
            boolean reached = false;
            for (int t : step.inputs()) {
                reached |= varying[t];
            }
            if (!reached) {
                continue;
            }
            varying[step.output()] = true;
            rules.add(ruleFor(step, tensors, cache, varying));
            ruleSteps.add(s);
        }
        return new IncrementalGraph(cache, varying, wrtIds, outputId, rules.toArray(new Rule[0]),
                ruleSteps.stream().mapToInt(Integer::intValue).toArray(), steps.size());
    }

    private static Rule ruleFor(Step step, Tensor[] cached, double[][] cache, boolean[] varying) {
        int[] in = step.inputs();
        int out = step.output();
        Tensor[] inputs = new Tensor[in.length];
        double[][] data = new double[in.length][];
        for (int k = 0; k < in.length; k++) {
            inputs[k] = cached[in[k]];
            data[k] = cache[in[k]];
        }
        RecomputeRule whole = new RecomputeRule(out, in, step.op(), step.attrs(), inputs, varying);
        Node n = new Node(step.op(), step.attrs(), out, in, inputs, data, cache[out], varying, whole);
        Rule r = OpRules.of(n);
        if (r == null && n.real() && cached[out].dtype() == DType.FLOAT64) {
            Shape[] shapes = n.shapes();
            Shape outShape = cached[out].shape();
            r = ElementwiseRule.of(out, in, step.op(), step.attrs(), shapes[0], outShape, data[0], cache[out]);
            if (r == null && in.length == 2) {
                BroadcastRule b = BroadcastRule.of(out, in, step.op(), step.attrs(), shapes[0], shapes[1], outShape);
                r = b != null && b.reproduces(data, cache[out]) ? b : null;
            }
        }
        return r != null ? r : whole;
    }

    /** The output at the point itself (the cached forward). */
    public double output() {
        return cachedOutput;
    }

    /**
     * The output with entry {@code index} (flat, row-major) of the {@code wrt}-th tensor of
     * {@code wrtIds} set to {@code value}, every other value as at the point: bit for bit the output
     * of a fresh forward there.
     */
    public double outputWith(int wrt, int index, double value) {
        int t = wrtIds[wrt];
        if (index < 0 || index >= cache[t].length) {
            throw new IndexOutOfBoundsException("tensor " + t + " has " + cache[t].length + " entries, not "
                    + (index + 1));
        }
        if (Double.doubleToRawLongBits(value) == Double.doubleToRawLongBits(cache[t][index])) {
            return cachedOutput;
        }
        State s = states.get();
        try {
            s.set(cache, t, index, value);
            for (int r = 0; r < rules.length; r++) {
                if (rules[r].inputsChanged(s)) {
                    rules[r].propagate(s, cache, r);
                }
            }
            return s.n[outputId] > 0 ? s.cur[outputId][0] : cachedOutput;
        } finally {
            s.restore(cache);
        }
    }

    /**
     * For each step, how it is updated, or null for a step no changed tensor reaches:
     * {@code linear}/{@code matmul} (kept partial sums), {@code scalar} (the op's scalar function
     * inline on the changed entries), {@code pointwise} (the engine kernel on the changed entries),
     * {@code broadcast} (the engine op on the reached entries' operands), {@code cross_entropy} (the
     * changed rows' losses, then the reduction) or {@code recompute} (the whole step by the engine).
     */
    public List<String> ruleKinds() {
        String[] kinds = new String[stepCount];
        for (int r = 0; r < rules.length; r++) {
            kinds[ruleSteps[r]] = rules[r].kind();
        }
        return java.util.Arrays.asList(kinds);
    }
}

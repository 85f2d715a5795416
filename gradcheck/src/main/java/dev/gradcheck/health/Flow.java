package dev.gradcheck.health;

import dev.gradcheck.engine.DType;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.model.Evaluation;
import dev.gradcheck.model.Model;
import dev.gradcheck.model.NodeSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Gradient flow and training health of a model file: one forward and backward pass in anomaly
 * mode, then per-layer (per-node) and per-param statistics and the flags of {@link FlowOptions}.
 * Always completes: an anomaly on the way becomes a {@code nan}/{@code inf}/{@code exploding}
 * flag naming the producing node.
 *
 * <pre>{@code
 * FlowReport r = Flow.run(model, model.initialValues(), FlowOptions.defaults().withLr(0.01));
 * r.flags().forEach(f -> System.out.println(f.line()));   // FLAG dead_relu a: 5 of 6 units ...
 * }</pre>
 *
 * <p>A layer is a node of the model; its gradient is d loss / d (its output). Its "next" layer is
 * the next node every path to the loss passes through (not the loss node, whose reduction would
 * skew the ratio): in a chain, the node that uses it; a node inside a block whose paths branch and
 * merge again (a residual block, an activation an exporter wrote as a dozen elementwise ops) has
 * none, since its gradient does not come from one layer, and gets no growth ratio. Exploding and vanishing are judged on these layer gradients walking from the loss back
 * to the input, the first layer affected being flagged; a param is flagged exploding when its
 * gradient norm is above the bound. Params are not flagged vanishing on their own: a bias before
 * a normalisation legitimately gets no gradient.
 */
public final class Flow {
    private Flow() {
    }

    /** Analyses {@code model} at {@code values} with respect to all its params. */
    public static FlowReport run(Model model, Map<String, Tensor> values, FlowOptions options) {
        return run(model, values, model.paramNames(), options);
    }

    /**
     * Analyses {@code model} at {@code values} with per-tensor statistics for the params and
     * float64 inputs named in {@code wrt} only (in that order; an input gets no update:data ratio,
     * since training does not update it). The layers are every node of the model either way, but
     * the gradient flows from the loss to the {@code wrt} tensors only: a layer that depends on
     * none of them gets no gradient ({@link LayerStats#gradFlows()} false, shown "-"). Its
     * activation statistics and flags are unaffected.
     *
     * @throws IllegalArgumentException when a name of {@code wrt} is no param or float64 input of
     *     the model (the CLI's {@code --wrt} is resolved and explained before this)
     */
    public static FlowReport run(Model model, Map<String, Tensor> values, Collection<String> wrt,
            FlowOptions options) {
        return run(model, values, wrt, options, TrainingStage.INITIAL);
    }

    /** As {@link #run(Model, Map, Collection, FlowOptions)} on values from {@code stage} of a training run. */
    static FlowReport run(Model model, Map<String, Tensor> values, Collection<String> wrt, FlowOptions options,
            TrainingStage stage) {
        List<String> tensors = List.copyOf(new LinkedHashSet<>(wrt));
        for (String w : tensors) {
            if (model.spec(w) == null || model.dtype(w) != DType.FLOAT64) {
                throw new IllegalArgumentException("'" + w + "' is not a param or float64 input of model '"
                        + model.name() + "'");
            }
        }
        long t0 = System.nanoTime();
        List<String> layerNames = new ArrayList<>();
        for (NodeSpec n : model.nodes()) {
            if (n.dtype() == DType.FLOAT64) {
                layerNames.add(n.name());
            }
        }
        AnomalyScan scan = AnomalyScan.run(model, values, tensors, layerNames, options.anomalyThreshold());
        Evaluation ev = scan.evaluation();
        Map<String, Tensor> grads = scan.gradients();
        Map<String, String> firstUser = Layers.firstUsers(model);
        Set<String> biases = new HashSet<>();
        Set<String> notBiases = new HashSet<>();
        for (NodeSpec n : model.nodes()) {
            for (int k = 0; k < n.inputs().size(); k++) {
                (n.op().input(k).name().equals("bias") ? biases : notBiases).add(n.inputs().get(k));
            }
        }
        biases.removeAll(notBiases);
        Map<String, String> nextLayer = Layers.nextThroughCuts(model);
        List<LayerSample> layers = new ArrayList<>();
        for (NodeSpec n : model.nodes()) {
            if (n.dtype() == DType.FLOAT64) {
                layers.add(new LayerSample(n.name(), n.op().name(), ev.tensor(n.name()), grads.get(n.name()),
                        nextLayer.get(n.name())));
            }
        }
        List<ParamSample> params = new ArrayList<>();
        for (String p : tensors) {
            params.add(new ParamSample(p, firstUser.get(p), ev.tensor(p), grads.get(p), model.inputs().containsKey(p)));
        }
        List<ParamSample> unlisted = new ArrayList<>();
        for (String p : model.paramNames()) {
            if (!tensors.contains(p)) {
                unlisted.add(new ParamSample(p, firstUser.get(p), ev.tensor(p), null));
            }
        }
        return FlowAnalysis.analyze(scan.loss(), layers, params, scan.anomalies(), options,
                (System.nanoTime() - t0) / 1e6, stage,
                new FlowAnalysis.Graph(biases, model.output(), InitReach.of(model), unlisted));
    }

    /**
     * Analyses samples gathered elsewhere (e.g. a training loop): the same statistics and flags.
     *
     * @param loss the loss value
     * @param layers in forward order, each naming the layer it feeds as {@code next}
     * @param anomalies anomalies already found (may be empty)
     */
    public static FlowReport analyze(double loss, List<LayerSample> layers, List<ParamSample> params,
            List<NodeAnomaly> anomalies, FlowOptions options) {
        return FlowAnalysis.analyze(loss, layers, params, anomalies, options, 0, TrainingStage.INITIAL);
    }
}

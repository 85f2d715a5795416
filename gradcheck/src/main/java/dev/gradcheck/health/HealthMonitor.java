package dev.gradcheck.health;

import dev.gradcheck.engine.Autograd;
import dev.gradcheck.engine.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Training health for a user's own training loop: hand it the step's loss, the activations you
 * care about (in forward order) and the params; it computes the same statistics and flags as
 * {@code gradcheck flow} and calls every listener with the step's report.
 *
 * <pre>{@code
 * HealthMonitor health = new HealthMonitor(FlowOptions.defaults().withLr(lr))
 *         .addListener(s -> { if (!s.healthy()) s.flow().flags().forEach(System.err::println); });
 * for (int step = 0; step < steps; step++) {
 *     Tensor h1 = x.matmul(w1).tanh();
 *     Tensor loss = Functional.crossEntropy(h1.matmul(w2), y);
 *     health.observe(step, loss, Map.of("h1", h1), Map.of("w1", w1, "w2", w2));
 *     loss.backward();
 *     optimizer.step();
 *     optimizer.zeroGrad();
 * }
 * }</pre>
 *
 * <p>{@link #observe} differentiates the loss itself (with {@link Autograd#grad}), leaving the
 * params' accumulated {@code grad()} untouched, so it may come before or after your own
 * {@code backward()}; it costs one extra backward pass, so observe every k-th step on big models.
 * Each layer's "next" layer is the one after it in the map's order (pass a {@code LinkedHashMap}).
 * Run the forward pass inside {@code AnomalyMode.start()} and pass the session's anomalies to
 * {@link #observe(int, Tensor, Map, Map, List)} to have NaN/Inf producers named too.
 */
public final class HealthMonitor {
    private final FlowOptions options;
    private final List<StepListener> listeners = new CopyOnWriteArrayList<>();
    /** The params flagged init_scale at step 0: their update:data ratios stay explained by it. */
    private volatile java.util.Set<String> offScaleAtInit = java.util.Set.of();
    /** The params' data norms at step 0: a param whose norm training has more than doubled gives no rate advice. */
    private volatile Map<String, Double> initialNorms = Map.of();

    public HealthMonitor(FlowOptions options) {
        this.options = options;
    }

    /** Adds a listener called after every {@link #observe}. */
    public HealthMonitor addListener(StepListener listener) {
        listeners.add(listener);
        return this;
    }

    /** Removes a listener. */
    public HealthMonitor removeListener(StepListener listener) {
        listeners.remove(listener);
        return this;
    }

    /** As {@link #observe(int, Tensor, Map, Map, List)} without anomalies from the forward pass. */
    public FlowReport observe(int step, Tensor loss, Map<String, Tensor> layers, Map<String, Tensor> params) {
        return observe(step, loss, layers, params, List.of());
    }

    /**
     * Analyses one step and calls the listeners. The params' init scale is judged at step 0 only.
     *
     * @param loss the one-element loss, its graph recorded
     * @param layers activations by name, in forward order
     * @param params the params (leaves that require grad) by name
     * @param anomalies anomalies of the step's forward pass, each named (may be empty)
     */
    public FlowReport observe(int step, Tensor loss, Map<String, Tensor> layers, Map<String, Tensor> params,
            List<NodeAnomaly> anomalies) {
        List<String> names = new ArrayList<>();
        List<Tensor> targets = new ArrayList<>();
        layers.forEach((n, t) -> {
            if (t.isGradRequired()) {
                names.add(n);
                targets.add(t);
            }
        });
        params.forEach((n, t) -> {
            names.add(n);
            targets.add(t);
        });
        Map<String, Tensor> grads = new java.util.HashMap<>();
        if (loss.isGradRequired() && !targets.isEmpty()) {
            Tensor[] g = Autograd.grad(loss, null, false, targets.toArray(Tensor[]::new));
            for (int i = 0; i < g.length; i++) {
                grads.put(names.get(i), g[i]);
            }
        }
        List<String> order = new ArrayList<>(layers.keySet());
        List<LayerSample> ls = new ArrayList<>();
        for (int i = 0; i < order.size(); i++) {
            String n = order.get(i);
            Tensor t = layers.get(n);
            ls.add(new LayerSample(n, t.opName(), t, t.isGradRequired() ? grads.get(n) : null,
                    i + 1 < order.size() ? order.get(i + 1) : null));
        }
        List<NodeAnomaly> found = new ArrayList<>(anomalies);
        if (found.isEmpty()) {
            found.addAll(nonFinite(ls));
        }
        List<ParamSample> ps = new ArrayList<>();
        params.forEach((n, t) -> ps.add(new ParamSample(n, null, t, grads.get(n))));
        // only step 0's values are an init to judge; later ones are where training moved them
        FlowReport report = FlowAnalysis.analyze(loss.item(), ls, ps, found, options, 0,
                step == 0 ? TrainingStage.INITIAL : TrainingStage.trained(offScaleAtInit, false, initialNorms));
        if (step == 0) {
            offScaleAtInit = report.offScaleAtInit();
            Map<String, Double> n = new java.util.HashMap<>();
            report.params().forEach(p -> n.put(p.name(), p.dataNorm()));
            initialNorms = n;
        }
        StepReport sr = new StepReport("observe", step, loss.item(), report);
        for (StepListener l : listeners) {
            l.onStep(sr);
        }
        return report;
    }

    /**
     * Batch independence of one step's graph ({@link BatchIndependence#check(Map, Map, Tensor, int)}):
     * the gradient of one sample's entries of each layer and of {@code output} must reach that sample
     * of {@code inputs} only. Mark the inputs {@code requiresGrad()} before the forward pass.
     *
     * @param inputs the batch inputs (leaves that require grad), batch along {@code batchDim}
     * @param layers intermediate results by name, in forward order (a batch_norm among them is
     *     reported as mixing samples by design)
     * @param output the per-sample output (the logits, not the loss)
     */
    public BatchIndependenceReport checkBatchIndependence(Map<String, Tensor> inputs, Map<String, Tensor> layers,
            Tensor output, int batchDim) {
        return BatchIndependence.check(inputs, layers, output, batchDim);
    }

    /** Without anomaly mode: the first layer whose values are not finite, as an anomaly of unknown op. */
    private static List<NodeAnomaly> nonFinite(List<LayerSample> ls) {
        for (LayerSample l : ls) {
            double[] d = l.value().data();
            if (!TensorStats.finite(d)) {
                boolean nan = false;
                for (double v : d) {
                    nan |= Double.isNaN(v);
                }
                dev.gradcheck.engine.Anomaly a = new dev.gradcheck.engine.Anomaly(
                        dev.gradcheck.engine.Anomaly.Phase.FORWARD,
                        nan ? dev.gradcheck.engine.Anomaly.Kind.NAN : dev.gradcheck.engine.Anomaly.Kind.INF,
                        l.op() == null ? "?" : l.op(), l.value(), List.of(), List.of(),
                        "first non-finite layer seen (run the forward pass in AnomalyMode to find the producing op)",
                        null);
                return List.of(new NodeAnomaly(l.name(), a));
            }
        }
        return List.of();
    }
}

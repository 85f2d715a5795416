package dev.gradcheck.health;

import dev.gradcheck.CheckResult;
import dev.gradcheck.Status;
import dev.gradcheck.engine.Anomaly;
import dev.gradcheck.engine.AnomalyMode;
import dev.gradcheck.engine.Autograd;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.model.Evaluation;
import dev.gradcheck.model.Model;
import dev.gradcheck.model.TensorSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Anomaly-aware evaluation of a model: one forward and one backward pass under
 * {@link AnomalyMode}, every anomaly mapped to the node that produced it. The loss itself is
 * covered: a non-finite or exploding loss is the output of some op, whose node is named.
 *
 * <pre>{@code
 * AnomalyScan scan = AnomalyScan.run(model, model.initialValues(), model.paramNames());
 * scan.first().ifPresent(a -> System.out.println(a.describe()));   // forward: log 'l' produced nan ...
 * }</pre>
 */
public final class AnomalyScan {
    private final Evaluation evaluation;
    private final Map<String, Tensor> gradients;
    private final List<NodeAnomaly> anomalies;
    private final List<NodeAnomaly> absorbed;

    private AnomalyScan(Evaluation evaluation, Map<String, Tensor> gradients, List<NodeAnomaly> anomalies,
            List<NodeAnomaly> absorbed) {
        this.evaluation = evaluation;
        this.gradients = gradients;
        this.anomalies = List.copyOf(anomalies);
        this.absorbed = List.copyOf(absorbed);
    }

    /** Runs with the default threshold ({@link AnomalyMode#DEFAULT_THRESHOLD}, |x| > 1e10). */
    public static AnomalyScan run(Model model, Map<String, Tensor> values, Collection<String> wrt) {
        return run(model, values, wrt, List.of(), AnomalyMode.DEFAULT_THRESHOLD);
    }

    /**
     * Evaluates {@code model} at {@code values} and differentiates the loss with respect to
     * {@code wrt} and to the node outputs named in {@code nodeGrads}, recording anomalies.
     *
     * @param threshold values beyond this magnitude are anomalies (infinity: only NaN/Inf)
     */
    public static AnomalyScan run(Model model, Map<String, Tensor> values, Collection<String> wrt,
            Collection<String> nodeGrads, double threshold) {
        try (AnomalyMode.Session s = AnomalyMode.start(threshold, false)) {
            Evaluation ev = model.evaluate(values, wrt);
            // a set: a list's contains() per node made this quadratic in the model's size
            List<String> names = new ArrayList<>(wrt);
            Set<String> named = new HashSet<>(wrt);
            for (String n : nodeGrads) {
                if (named.add(n)) {
                    names.add(n);
                }
            }
            Map<String, Tensor> grads = new LinkedHashMap<>();
            Tensor loss = ev.loss();
            if (loss.isGradRequired() && !names.isEmpty()) {
                Tensor[] targets = names.stream().map(ev::tensor).toArray(Tensor[]::new);
                Tensor[] g = Autograd.grad(loss, null, false, targets);
                for (int i = 0; i < g.length; i++) {
                    grads.put(names.get(i), ev.tensor(names.get(i)).isGradRequired() ? g[i] : null);
                }
            }
            List<NodeAnomaly> found = name(ev, s.anomalies());
            List<NodeAnomaly> absorbed = absorbed(model, found, loss, grads.values(), threshold);
            List<NodeAnomaly> anomalies = new ArrayList<>(found);
            anomalies.removeAll(absorbed);
            return new AnomalyScan(ev, grads, anomalies, absorbed);
        }
    }

    /**
     * The anomalies the result absorbed, when the loss and every gradient came out finite and
     * within the threshold: a constant (a buffer, a file's constant node, an input declared
     * constant) that held ±inf, NaN or a huge value before any op — an attention mask of -inf that
     * softmax absorbs — and an infinite or huge value that an op produced and a later one dropped
     * (sqrt's backward at 0 gives +inf, which relu's backward then selects away, as PyTorch's
     * does). A NaN an op produced stays an anomaly (PyTorch's anomaly mode reports those too), as
     * does a bad value in a data input; and when the loss or a gradient is bad nothing is
     * absorbed: a mask over a whole row is then where softmax's NaN came from.
     */
    private static List<NodeAnomaly> absorbed(Model model, List<NodeAnomaly> found, Tensor loss,
            Collection<Tensor> grads, double threshold) {
        List<NodeAnomaly> absorbed = new ArrayList<>();
        for (NodeAnomaly a : found) {
            boolean leaf = "input".equals(a.anomaly().op());
            if (leaf ? isConstant(model, a.node()) : a.anomaly().kind() != Anomaly.Kind.NAN) {
                absorbed.add(a);
            }
        }
        if (absorbed.isEmpty() || !withinThreshold(loss, threshold)) {
            return List.of();
        }
        for (Tensor g : grads) {
            if (g != null && !withinThreshold(g, threshold)) {
                return List.of();
            }
        }
        return absorbed;
    }

    /** A buffer or constant of the file, or an input declared {@code "constant": true}: part of the model, not data. */
    private static boolean isConstant(Model model, String name) {
        TensorSpec input = model.inputs().get(name);
        return model.constants().containsKey(name) || input != null && input.constant();
    }

    private static boolean withinThreshold(Tensor t, double threshold) {
        for (double v : t.data()) {
            if (!Double.isFinite(v) || Math.abs(v) > threshold) {
                return false;
            }
        }
        return true;
    }

    /** Each anomaly with the name of the tensor it concerns (identity match against the evaluation). */
    static List<NodeAnomaly> name(Evaluation ev, List<Anomaly> found) {
        Map<Tensor, String> byTensor = new IdentityHashMap<>();
        ev.tensors().forEach((n, t) -> byTensor.putIfAbsent(t, n));
        List<NodeAnomaly> out = new ArrayList<>();
        for (Anomaly a : found) {
            String n = byTensor.get(a.tensor());
            if (n == null && "input".equals(a.op())) {
                continue; // a gradient summed after the producer already reported it: passed on, not produced
            }
            // an op inside a node's own computation has no name of its own: say which op it was
            out.add(new NodeAnomaly(n != null ? n : "(unnamed " + a.op() + ")", a));
        }
        return out;
    }

    /** The evaluation (every tensor by name, the loss). */
    public Evaluation evaluation() {
        return evaluation;
    }

    /** The loss value. */
    public double loss() {
        return evaluation.loss().item();
    }

    /**
     * The gradients by name: the {@code wrt} tensors, then the node outputs asked for (null for a
     * node no gradient flows to).
     */
    public Map<String, Tensor> gradients() {
        return java.util.Collections.unmodifiableMap(gradients);
    }

    /** Every anomaly, in the order they appeared (forward first). */
    public List<NodeAnomaly> anomalies() {
        return anomalies;
    }

    /**
     * What the loss and the gradients absorbed (masks such as attention's -inf constants, an
     * infinite intermediate gradient that a select dropped): not among {@link #anomalies()}.
     */
    public List<NodeAnomaly> absorbed() {
        return absorbed;
    }

    /** The first anomaly: the producer, where a NaN or Inf was born. */
    public java.util.Optional<NodeAnomaly> first() {
        return anomalies.stream().findFirst();
    }

    /** True when nothing was found. */
    public boolean clean() {
        return anomalies.isEmpty();
    }

    /**
     * A check result for the {@code check} report: empty when clean, else one {@code error}
     * entry named after the producing node, its message {@link NodeAnomaly#describe()} (plus
     * how many more anomalies followed).
     */
    public List<CheckResult> checkResults(long seed) {
        if (anomalies.isEmpty()) {
            return List.of();
        }
        NodeAnomaly a = anomalies.get(0);
        String more = anomalies.size() > 1 ? " (" + (anomalies.size() - 1) + " more anomal"
                + (anomalies.size() == 2 ? "y" : "ies") + " after it)" : "";
        return List.of(CheckResult.builder(a.node()).status(Status.ERROR)
                .error("anomaly: " + a.describe() + more, null).seed(seed).build());
    }
}

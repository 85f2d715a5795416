package dev.gradcheck.health;

import dev.gradcheck.engine.Attrs;
import dev.gradcheck.engine.DType;
import dev.gradcheck.engine.Ops;
import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.op.AttrSpec;
import dev.gradcheck.engine.op.OpDef;
import dev.gradcheck.engine.op.OpRegistry;
import dev.gradcheck.health.BatchIndependenceReport.ByDesign;
import dev.gradcheck.health.BatchIndependenceReport.MixingNode;
import dev.gradcheck.model.Model;
import dev.gradcheck.model.NodeSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Batch independence ("use backprop to chart dependencies", after A. Karpathy's recipe): for a
 * few samples i, a random gradient on sample i's entries of a node, zero elsewhere, is
 * backpropagated to the batch inputs; it must reach sample i of them and no other. Every node the
 * model's output depends on is tested in order, so the first node where samples mix is the one
 * named. The batch is found along one dimension of the inputs ({@code dim}, 0 by default); in a
 * node it may lie along any dimension of a multiple of the batch size ({@link BatchLayout}).
 *
 * <ul>
 * <li>The batch inputs are the inputs fed through the model (not declared constant, not the loss's
 * target, meeting a param on the way: {@link Sanity#fedInputs}) whose size along {@code dim} is the
 * batch size. An int64 one (token indices) has no gradient: the first float nodes computed from
 * it alone (an embedding's output) take its place.</li>
 * <li>The loss reduces over the batch by design: nodes that keep no dimension of the batch's size
 * and feed only such nodes (the loss, or a loss written out as {@code mean((f(x) - t)²)}) are not
 * tested; the nodes before them are the model's per-sample outputs.</li>
 * <li>An op the registry declares to mix samples by design ({@link OpDef#batchMixing()},
 * batch_norm's batch statistics) is reported, not failed; its output is cut from the graph and
 * becomes a batch source itself, so the nodes after it are still checked.</li>
 * </ul>
 */
public final class BatchIndependence {
    /** The seed of the random gradients (the test is exact: any seed gives the same verdict). */
    private static final long SEED = 20;

    private BatchIndependence() {
    }

    /**
     * Checks a model at {@code values} with the batch along dimension {@code dim} of its inputs.
     *
     * @throws IllegalArgumentException when {@code dim} is negative
     */
    public static BatchIndependenceReport check(Model model, Map<String, Tensor> values, int dim) {
        if (dim < 0) {
            throw new IllegalArgumentException("the batch dimension must be 0 or more, got " + dim);
        }
        List<String> fed = Sanity.fedInputs(model);
        int batch = 0;
        List<String> batched = new ArrayList<>();
        for (String n : fed) {
            Shape s = model.shape(n);
            if (s.rank() > dim) {
                batch = batch == 0 ? s.dim(dim) : batch;
                if (s.dim(dim) == batch) {
                    batched.add(n);
                }
            }
        }
        if (batched.isEmpty()) {
            return BatchIndependenceReport.notApplicable(fed.isEmpty() ? "no input is fed through the model (only "
                    + "targets and constants)" : "no input fed through the model has a dimension " + dim + " ("
                    + describe(model, fed) + ")", dim, 0, List.of());
        }
        if (batch == 1) {
            return BatchIndependenceReport.notApplicable("a batch of 1 (" + describe(model, batched) + ", dim " + dim
                    + ")", dim, 1, batched);
        }
        return new ModelRun(model, values, dim, batch, batched).run();
    }

    /**
     * Checks a graph the caller computed with the engine, such as one step of a training loop:
     * the gradient of one sample's entries of each of {@code layers} (in forward order) and of
     * {@code output} (the per-sample output, before the loss) must reach that sample of
     * {@code inputs} only. A layer whose op mixes samples by design (batch_norm) is reported, and the
     * layers after it that depend on it are checked against it instead of the inputs; pass every
     * such layer in {@code layers}, or the first layer after it is named instead.
     *
     * @param inputs the batch inputs, leaves marked {@code requiresGrad()} before the forward pass
     * @param layers intermediate results by name, in forward order (may be empty)
     * @param output the per-sample output (the logits, not the loss)
     * @param dim the batch dimension of the inputs
     * @throws IllegalArgumentException when an input does not require grad or its size along
     *     {@code dim} is not the first input's
     */
    public static BatchIndependenceReport check(Map<String, Tensor> inputs, Map<String, Tensor> layers,
            Tensor output, int dim) {
        if (dim < 0) {
            throw new IllegalArgumentException("the batch dimension must be 0 or more, got " + dim);
        }
        int batch = 0;
        List<BatchProbe.Source> sources = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : inputs.entrySet()) {
            Tensor t = e.getValue();
            if (!t.isLeaf() || !t.isGradRequired()) {
                throw new IllegalArgumentException("input '" + e.getKey() + "' must be a leaf that requires grad: "
                        + "call requiresGrad() on it before the forward pass");
            }
            if (t.rank() <= dim || (batch != 0 && t.shape().dim(dim) != batch)) {
                throw new IllegalArgumentException("input '" + e.getKey() + "' " + t.shape() + " has no dimension "
                        + dim + " of the batch size " + batch);
            }
            batch = batch == 0 ? t.shape().dim(dim) : batch;
            sources.add(inputSource(e.getKey(), t, dim, batch));
        }
        List<String> names = new ArrayList<>(inputs.keySet());
        if (sources.isEmpty() || batch == 1) {
            return BatchIndependenceReport.notApplicable(sources.isEmpty() ? "no batch input given" : "a batch of 1",
                    dim, batch, names);
        }
        Map<String, Tensor> tested = new LinkedHashMap<>(layers);
        if (!layers.containsValue(output)) {
            tested.put("output", output);
        }
        int[] samples = samples(batch);
        BatchProbe fromInputs = new BatchProbe(batch, samples, sources, SEED);
        List<BatchProbe.Source> cuts = new ArrayList<>();
        List<BatchProbe> probes = new ArrayList<>();
        List<ByDesign> byDesign = new ArrayList<>();
        int checked = 0;
        for (Map.Entry<String, Tensor> e : tested.entrySet()) {
            Tensor t = e.getValue();
            if (!t.isGradRequired() || t.dtype() != DType.FLOAT64) {
                continue;
            }
            BatchProbe probe = fromInputs;
            if (!cuts.isEmpty()) {
                BatchProbe fromCuts = new BatchProbe(batch, samples, cuts, SEED);
                probes.add(fromCuts);
                probe = fromCuts.reaches(t) ? fromCuts : fromInputs;
            }
            OpDef op = registered(t.opName());
            if (op != null && op.batchMixing() != null) {
                byDesign.add(new ByDesign(e.getKey(), op.name(), op.batchMixing()));
                BatchProbe.Source cut = nodeSource(e.getKey(), t, dim, batch);
                if (cut != null) {
                    cuts.add(cut);
                }
                continue;
            }
            checked++;
            BatchProbe.Mixing m = probe.mixing(t, dim);
            if (m != null) {
                String label = t.opName() == null ? "leaf" : t.opName();
                return failed(e.getKey(), label, t.shape(), m, dim, batch, names, samples, checked, byDesign);
            }
        }
        if (fromInputs.sawNaN() || probes.stream().anyMatch(BatchProbe::sawNaN)) {
            return undetermined(dim, batch, names, samples, checked, byDesign);
        }
        List<BatchProbe.Source> all = new ArrayList<>(sources);
        all.addAll(cuts);
        return passed(dim, batch, names, all, samples, checked, List.of(), byDesign);
    }

    // ------------------------------------------------------------------ a model, replayed with cuts

    /** One forward pass of a model whose batch inputs (and by-design mixers' outputs) are leaves. */
    private static final class ModelRun {
        private final Model model;
        private final int dim;
        private final int batch;
        private final List<String> batched;
        private final Map<String, Tensor> env;
        private final List<BatchProbe.Source> sources = new ArrayList<>();
        private final Set<String> sourceNodes = new HashSet<>();
        private final List<ByDesign> byDesign = new ArrayList<>();
        /** Each node's test, once: null when its samples stay apart. */
        private final Map<String, java.util.Optional<BatchProbe.Mixing>> tested = new HashMap<>();

        ModelRun(Model model, Map<String, Tensor> values, int dim, int batch, List<String> batched) {
            this.model = model;
            this.dim = dim;
            this.batch = batch;
            this.batched = batched;
            this.env = new HashMap<>(values);
        }

        BatchIndependenceReport run() {
            forward();
            if (sources.isEmpty()) {
                return BatchIndependenceReport.notApplicable("nothing to differentiate: the batched inputs ("
                        + String.join(", ", batched) + ") are int64 and no float node is computed from them alone",
                        dim, batch, batched);
            }
            int[] samples = samples(batch);
            BatchProbe probe = new BatchProbe(batch, samples, sources, SEED);
            Set<String> ancestors = ancestors();
            Set<String> tail = tail(ancestors, probe);
            int checked = 0;
            List<String> outputs = new ArrayList<>();
            for (NodeSpec n : model.nodes()) {
                Tensor t = env.get(n.name());
                if (!ancestors.contains(n.name()) || !t.isGradRequired() || sourceNodes.contains(n.name())
                        || tail.contains(n.name())) {
                    continue;
                }
                checked++;
                BatchProbe.Mixing m = mixing(probe, n.name());
                if (m != null) {
                    return failed(n.name(), label(n), t.shape(), m, dim, batch, batched, samples, checked, byDesign);
                }
                if (consumers(n.name()).stream().anyMatch(tail::contains)) {
                    outputs.add(n.name());
                }
            }
            if (probe.sawNaN()) {
                return undetermined(dim, batch, batched, samples, checked, byDesign);
            }
            return passed(dim, batch, batched, sources, samples, checked, outputs, byDesign);
        }

        private void forward() {
            Set<String> fromInts = new HashSet<>();
            for (String n : batched) {
                Tensor v = env.get(n);
                if (v.dtype() == DType.FLOAT64) {
                    Tensor leaf = v.detach().requiresGrad();
                    env.put(n, leaf);
                    sources.add(inputSource(n, leaf, dim, batch));
                } else {
                    fromInts.add(n);
                }
            }
            for (NodeSpec n : model.nodes()) {
                Tensor[] in = n.inputs().stream().map(env::get).toArray(Tensor[]::new);
                Tensor t = Ops.apply(n.op(), n.attrs(), in);
                boolean fromInt = n.inputs().stream().anyMatch(fromInts::contains);
                if (t.dtype() != DType.FLOAT64) {
                    if (fromInt) {
                        fromInts.add(n.name());
                    }
                } else if (t.isGradRequired() && n.op().batchMixing() != null) {
                    byDesign.add(new ByDesign(n.name(), n.op().name(), n.op().batchMixing()));
                    t = cut(n.name(), t);
                } else if (!t.isGradRequired() && fromInt) {
                    t = cut(n.name(), t); // an embedding of token indices: where the batch's gradient starts
                }
                env.put(n.name(), t);
            }
        }

        /** {@code t}'s values as a new leaf and batch source (a constant when no dimension holds the batch). */
        private Tensor cut(String name, Tensor t) {
            Tensor leaf = t.detach().requiresGrad();
            BatchProbe.Source s = nodeSource(name, leaf, dim, batch);
            if (s == null) {
                return t.detach();
            }
            sources.add(s);
            sourceNodes.add(name);
            return leaf;
        }

        /** The names the output depends on, itself included. */
        private Set<String> ancestors() {
            Set<String> out = new HashSet<>();
            out.add(model.output());
            List<NodeSpec> nodes = model.nodes();
            for (int i = nodes.size() - 1; i >= 0; i--) {
                if (out.contains(nodes.get(i).name())) {
                    out.addAll(nodes.get(i).inputs());
                }
            }
            return out;
        }

        /**
         * The loss's part: nodes that depend on the batch and feed only such nodes on their way to
         * the output, each keeping no dimension that could hold the batch, or mixing samples while
         * reducing its input (a sum over the batch whose result happens to be a multiple of the batch
         * size long). A softmax over the batch before the loss keeps its input's size: it is a
         * failure, not taken for the loss.
         */
        private Set<String> tail(Set<String> ancestors, BatchProbe probe) {
            Set<String> tail = new HashSet<>();
            List<NodeSpec> nodes = model.nodes();
            for (int i = nodes.size() - 1; i >= 0; i--) {
                NodeSpec n = nodes.get(i);
                Tensor t = env.get(n.name());
                if (!ancestors.contains(n.name()) || !t.isGradRequired()) {
                    continue;
                }
                if (!consumers(n.name()).stream().filter(ancestors::contains).allMatch(tail::contains)) {
                    continue;
                }
                boolean reduces = n.inputs().stream().map(env::get).filter(Tensor::isGradRequired)
                        .anyMatch(in -> in.size() > t.size());
                if (!probe.carriesBatch(t.shape()) || (reduces && mixing(probe, n.name()) != null)) {
                    tail.add(n.name());
                }
            }
            return tail;
        }

        private BatchProbe.Mixing mixing(BatchProbe probe, String node) {
            return tested.computeIfAbsent(node, n -> java.util.Optional.ofNullable(probe.mixing(env.get(n), dim)))
                    .orElse(null);
        }

        private List<String> consumers(String name) {
            return model.nodes().stream().filter(c -> c.inputs().contains(name)).map(NodeSpec::name).toList();
        }
    }

    // ------------------------------------------------------------------ shared parts

    /** The first, a middle and the last sample (fewer for a batch of 2). */
    static int[] samples(int batch) {
        return batch == 2 ? new int[] {0, 1} : new int[] {0, batch / 2, batch - 1};
    }

    private static BatchProbe.Source inputSource(String name, Tensor t, int dim, int batch) {
        return new BatchProbe.Source(name, "input '" + name + "'", t,
                new BatchLayout(dim, 1, false).samples(t.shape(), batch));
    }

    /** A node's output as a source, its batch along {@code dim} if it can be, else the first dimension that can. */
    private static BatchProbe.Source nodeSource(String name, Tensor t, int dim, int batch) {
        List<BatchLayout> layouts = BatchLayout.candidates(t.shape(), batch, dim);
        if (layouts.isEmpty()) {
            return null;
        }
        return new BatchProbe.Source(name, "node '" + name + "'", t, layouts.get(0).samples(t.shape(), batch));
    }

    private static OpDef registered(String opName) {
        if (opName == null) {
            return null;
        }
        try {
            return OpRegistry.get(opName);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** {@code mean, dim=0, keepdim=true}: the op and the attributes that differ from its defaults. */
    static String label(NodeSpec n) {
        StringBuilder sb = new StringBuilder(n.op().name());
        for (String a : n.attrs().names()) {
            Object v = n.attrs().get(a);
            AttrSpec spec = n.op().attrs().get(a);
            if (v == null || (spec != null && spec.defaultValue() != null
                    && Attrs.render(spec.coerce(spec.defaultValue())).equals(Attrs.render(v)))) {
                continue;
            }
            boolean single = spec != null && spec.type() == AttrSpec.Type.INTS && v instanceof int[] ints
                    && ints.length == 1; // an int or a list of ints: dim=0 as the file may well say
            sb.append(", ").append(a).append('=').append(single ? String.valueOf(((int[]) v)[0]) : Attrs.render(v));
        }
        return sb.toString();
    }

    private static BatchIndependenceReport failed(String node, String op, Shape shape, BatchProbe.Mixing m, int dim,
            int batch, List<String> inputs, int[] samples, int checked, List<ByDesign> byDesign) {
        String reached = "reaches " + samplesText(m.reached()) + " of " + m.source().what();
        String how = m.sample() >= 0
                ? "the gradient of sample " + m.sample() + "'s entries of '" + node + "' " + shape
                        + (m.layout().dim() == dim && m.layout().block() == 1 ? "" : " (" + m.layout().describe() + ")")
                        + " " + reached
                : "its output " + shape + " has no dimension of the batch size " + batch + " left, yet its gradient "
                        + reached + " and the nodes after it are batch-shaped again";
        String detail = "node '" + node + "' (" + op + ") mixes samples: " + how + " (the batch: dim " + dim
                + " of " + String.join(", ", inputs) + ", " + batch + " samples)";
        MixingNode mixing = new MixingNode(node, op, m.sample(), m.source().name(), m.reached());
        return new BatchIndependenceReport("fail", detail, dim, batch, inputs, samples, checked, mixing, byDesign);
    }

    private static BatchIndependenceReport passed(int dim, int batch, List<String> inputs, List<BatchProbe.Source> sources,
            int[] samples, int checked, List<String> outputs, List<ByDesign> byDesign) {
        List<String> against = sources.stream().map(BatchProbe.Source::what).toList();
        List<Integer> s = new ArrayList<>();
        for (int i : samples) {
            s.add(i);
        }
        String detail = checked + " node" + (checked == 1 ? "" : "s") + " checked: the gradient of "
                + samplesText(s) + " (one at a time) reaches only the same sample of " + String.join(" and ", against)
                + " (the batch: dim " + dim + " of " + String.join(", ", inputs) + ", " + batch + " samples)"
                + (outputs.isEmpty() ? "" : "; per-sample outputs: " + String.join(", ", outputs))
                + (byDesign.isEmpty() ? "" : "; " + byDesign.size() + " node" + (byDesign.size() == 1 ? "" : "s")
                        + " mix" + (byDesign.size() == 1 ? "es" : "") + " samples by design (INFO below)");
        return new BatchIndependenceReport("pass", detail, dim, batch, inputs, samples, checked, null, byDesign);
    }

    /** No mixing seen, but NaN gradients, which may hide one. */
    private static BatchIndependenceReport undetermined(int dim, int batch, List<String> inputs, int[] samples,
            int checked, List<ByDesign> byDesign) {
        return new BatchIndependenceReport("skipped", "not determined: the gradients hold NaN, which may hide samples "
                + "they reach (" + checked + " nodes checked; gradcheck check's anomaly pass names the op that produces "
                + "the NaN)", dim, batch, inputs, samples, checked, null, byDesign);
    }

    /** {@code sample 3}, {@code samples 0-7}, {@code samples 0, 2, 5-7}. */
    static String samplesText(List<Integer> sorted) {
        StringBuilder sb = new StringBuilder(sorted.size() == 1 ? "sample " : "samples ");
        for (int k = 0; k < sorted.size(); k++) {
            int start = sorted.get(k);
            int end = start;
            while (k + 1 < sorted.size() && sorted.get(k + 1) == end + 1) {
                end = sorted.get(++k);
            }
            if (sb.charAt(sb.length() - 1) != ' ') {
                sb.append(", ");
            }
            sb.append(start).append(end > start ? (end == start + 1 ? ", " + end : "-" + end) : "");
        }
        return sb.toString();
    }

    private static String describe(Model model, List<String> names) {
        List<String> out = new ArrayList<>();
        for (String n : names) {
            out.add(n + " " + model.shape(n));
        }
        return String.join(", ", out);
    }
}

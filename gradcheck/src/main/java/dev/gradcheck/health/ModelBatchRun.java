package dev.gradcheck.health;

import dev.gradcheck.engine.Attrs;
import dev.gradcheck.engine.DType;
import dev.gradcheck.engine.Ops;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.health.BatchIndependenceReport.ByDesign;
import dev.gradcheck.model.Model;
import dev.gradcheck.model.NodeSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The batch-independence check of a model: one forward pass whose batch inputs (and the outputs
 * of ops that mix samples by design) are leaves, then every node the output depends on tested in
 * order, the loss's part excepted ({@link MixingSearch}: all at once, then one at a time where
 * samples may mix).
 */
final class ModelBatchRun {
    private final Model model;
    private final int dim;
    private final int batch;
    private final List<String> batched;
    private final Map<String, Tensor> env;
    private final List<BatchProbe.Source> sources = new ArrayList<>();
    private final Set<String> sourceNodes = new HashSet<>();
    private final List<ByDesign> byDesign = new ArrayList<>();
    /** Each node's test, once: null when its samples stay apart. */
    private final Map<String, Optional<BatchProbe.Mixing>> tested = new HashMap<>();
    /** The nodes that take each name as an input, in order (built on first use). */
    private Map<String, List<String>> consumers;

    ModelBatchRun(Model model, Map<String, Tensor> values, int dim, int batch, List<String> batched) {
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
        BatchVerdict verdict = new BatchVerdict(dim, batch, batched, BatchVerdict.followed(batch));
        BatchProbe probe = new BatchProbe(batch, verdict.samples(), sources, BatchIndependence.SEED);
        Set<String> ancestors = ancestors();
        Set<String> tail = tail(ancestors, probe);
        List<NodeSpec> checked = new ArrayList<>();
        for (NodeSpec n : model.nodes()) {
            Tensor t = env.get(n.name());
            if (ancestors.contains(n.name()) && t.isGradRequired() && !sourceNodes.contains(n.name())
                    && !tail.contains(n.name())) {
                checked.add(n);
            }
        }
        List<Tensor> tensors = checked.stream().map(n -> env.get(n.name())).toList();
        MixingSearch.Found found = new MixingSearch(probe, dim, tensors)
                .first(k -> mixing(probe, checked.get(k).name()));
        if (found != null) {
            NodeSpec n = checked.get(found.index());
            return verdict.failed(n.name(), label(n), tensors.get(found.index()).shape(), found.mixing(),
                    found.index() + 1, byDesign);
        }
        if (probe.sawNaN()) {
            return verdict.undetermined(checked.size(), byDesign);
        }
        List<String> outputs = checked.stream().map(NodeSpec::name)
                .filter(n -> consumers(n).stream().anyMatch(tail::contains)).toList();
        return verdict.passed(sources, checked.size(), outputs, byDesign);
    }

    private void forward() {
        Set<String> fromInts = new HashSet<>();
        for (String n : batched) {
            Tensor v = env.get(n);
            if (v.dtype() == DType.FLOAT64) {
                Tensor leaf = v.detach().requiresGrad();
                env.put(n, leaf);
                sources.add(BatchProbe.Source.input(n, leaf, dim, batch));
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
        BatchProbe.Source s = BatchProbe.Source.node(name, leaf, dim, batch);
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
        return tested.computeIfAbsent(node, n -> Optional.ofNullable(probe.mixing(env.get(n), dim)))
                .orElse(null);
    }

    private List<String> consumers(String name) {
        if (consumers == null) {
            consumers = new HashMap<>();
            for (NodeSpec c : model.nodes()) {
                for (String in : new HashSet<>(c.inputs())) {
                    consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(c.name());
                }
            }
        }
        return consumers.getOrDefault(name, List.of());
    }

    /** {@code mean, dim=0, keepdim=true}: the op and the attributes that differ from its defaults. */
    static String label(NodeSpec n) {
        StringBuilder sb = new StringBuilder(n.op().name());
        n.attrsBesideDefaults().forEach((a, v) -> {
            // an int or a list of ints: dim=0 as the file may well say
            boolean single = v instanceof int[] ints && ints.length == 1;
            sb.append(", ").append(a).append('=').append(single ? String.valueOf(((int[]) v)[0]) : Attrs.render(v));
        });
        return sb.toString();
    }
}

package dev.gradcheck.health;

import dev.gradcheck.engine.DType;
import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.op.OpDef;
import dev.gradcheck.engine.op.OpRegistry;
import dev.gradcheck.health.BatchIndependenceReport.ByDesign;
import dev.gradcheck.model.Model;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Batch independence ("use backprop to chart dependencies", after A. Karpathy's recipe): for a
 * few samples i, a random gradient on sample i's entries of a node, zero elsewhere, is
 * backpropagated to the batch inputs; it must reach sample i of them and no other. Every node the
 * model's output depends on is tested in order, so the first node where samples mix is the one
 * named. The batch is found along one dimension of the inputs ({@code dim}, 0 by default); in a
 * node it may lie along any dimension whose size is a multiple of the batch size, in blocks (a batch
 * merged with the dimensions after it, {@code (B, T, C) -> (B·T, C)}) or interleaved ({@code (T, B, C)
 * -> (T·B, C)}).
 *
 * <ul>
 * <li>The batch inputs are the inputs fed through the model (not declared constant, not the loss's
 * target, meeting a param on the way, as for sanity's {@code zero_input}) whose size along {@code dim} is the
 * batch size. An int64 one (token indices) has no gradient: the first float nodes computed from
 * it alone (an embedding's output) take its place.</li>
 * <li>The loss reduces over the batch by design: the nodes that feed only the loss's part on their
 * way to the output and keep no dimension of the batch's size (the loss, or a loss written out as
 * {@code mean((f(x) - t)²)}), or mix samples while reducing their input (a mean over the batch
 * whose result is, by chance, a multiple of the batch size long), are the loss's part and are not
 * tested; the nodes before them are the model's per-sample outputs. So a reduction over the batch
 * after which no node is batch-shaped again is taken for the loss.</li>
 * <li>An op the registry declares to mix samples by design ({@link OpDef#batchMixing()},
 * batch_norm's batch statistics) is reported, not failed; its output is cut from the graph and
 * becomes a batch source itself, so the nodes after it are still checked.</li>
 * </ul>
 */
public final class BatchIndependence {
    /** The seed of the random gradients (the test is exact: any seed gives the same verdict). */
    static final long SEED = 20;

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
        if (batch <= 1) {
            return BatchIndependenceReport.notApplicable("a batch of " + batch + " (" + describe(model, batched)
                    + ", dim " + dim + ")", dim, batch, batched);
        }
        return new ModelBatchRun(model, values, dim, batch, batched).run();
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
            sources.add(BatchProbe.Source.input(e.getKey(), t, dim, batch));
        }
        List<String> names = new ArrayList<>(inputs.keySet());
        if (sources.isEmpty() || batch <= 1) {
            return BatchIndependenceReport.notApplicable(sources.isEmpty() ? "no batch input given"
                    : "a batch of " + batch, dim, batch, names);
        }
        Map<String, Tensor> tested = new LinkedHashMap<>(layers);
        if (!layers.containsValue(output)) {
            tested.put("output", output);
        }
        int[] samples = BatchVerdict.followed(batch);
        BatchVerdict verdict = new BatchVerdict(dim, batch, names, samples);
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
                BatchProbe.Source cut = BatchProbe.Source.node(e.getKey(), t, dim, batch);
                if (cut != null) {
                    cuts.add(cut);
                }
                continue;
            }
            checked++;
            BatchProbe.Mixing m = probe.mixing(t, dim);
            if (m != null) {
                String label = t.opName() == null ? "leaf" : t.opName();
                return verdict.failed(e.getKey(), label, t.shape(), m, checked, byDesign);
            }
        }
        if (fromInputs.sawNaN() || probes.stream().anyMatch(BatchProbe::sawNaN)) {
            return verdict.undetermined(checked, byDesign);
        }
        List<BatchProbe.Source> all = new ArrayList<>(sources);
        all.addAll(cuts);
        return verdict.passed(all, checked, List.of(), byDesign);
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

    private static String describe(Model model, List<String> names) {
        List<String> out = new ArrayList<>();
        for (String n : names) {
            out.add(n + " " + model.shape(n));
        }
        return String.join(", ", out);
    }
}

package dev.gradcheck.health;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The batch-independence check of one model or graph: whether the gradient of one sample's
 * outputs reaches any other sample of the batch inputs, and if so the first node where samples mix.
 */
public final class BatchIndependenceReport {
    /** The name of the check in sanity's report. */
    public static final String NAME = "batch_independence";

    /**
     * The first node whose gradient from one sample's entries reaches other samples.
     *
     * @param node the node (or layer) name
     * @param op its op and the attributes that differ from the defaults, e.g. {@code mean, dim=0}
     * @param sample the sample whose entries the gradient came from; -1 when the node has no
     *     dimension of the batch's size left and the gradient came from all of it
     * @param source the batch input (or node) reached
     * @param reached the samples of {@code source} reached, ascending
     */
    public record MixingNode(String node, String op, int sample, String source, List<Integer> reached) {
        public MixingNode {
            reached = List.copyOf(reached);
        }
    }

    /**
     * A node whose op mixes samples by design (the registry says so and how).
     *
     * @param node the node (or layer) name
     * @param op the op's name
     * @param how the registry's words for how it mixes them
     */
    public record ByDesign(String node, String op, String how) {
    }

    private final String status;
    private final String detail;
    private final int dim;
    private final int batch;
    private final List<String> inputs;
    private final int[] samples;
    private final int nodesChecked;
    private final MixingNode mixing;
    private final List<ByDesign> byDesign;

    BatchIndependenceReport(String status, String detail, int dim, int batch, List<String> inputs, int[] samples,
            int nodesChecked, MixingNode mixing, List<ByDesign> byDesign) {
        this.status = status;
        this.detail = detail;
        this.dim = dim;
        this.batch = batch;
        this.inputs = List.copyOf(inputs);
        this.samples = samples.clone();
        this.nodesChecked = nodesChecked;
        this.mixing = mixing;
        this.byDesign = List.copyOf(byDesign);
    }

    /** A check that does not apply (no batched input, a batch of 1), saying why. */
    static BatchIndependenceReport notApplicable(String why, int dim, int batch, List<String> inputs) {
        return new BatchIndependenceReport("skipped", "not applicable: " + why, dim, batch, inputs, new int[0], 0,
                null, List.of());
    }

    /** {@code pass}, {@code fail}, or {@code skipped} when the check does not apply. */
    public String status() {
        return status;
    }

    /** True unless samples mix where no op mixes them by design. */
    public boolean passed() {
        return !status.equals("fail");
    }

    /** The evidence, one line. */
    public String detail() {
        return detail;
    }

    /** The batch dimension of the inputs. */
    public int dim() {
        return dim;
    }

    /** The batch size (0 when unknown). */
    public int batch() {
        return batch;
    }

    /** The batched inputs. */
    public List<String> inputs() {
        return inputs;
    }

    /** The samples whose gradients were followed. */
    public int[] samples() {
        return samples.clone();
    }

    /** How many nodes were tested. */
    public int nodesChecked() {
        return nodesChecked;
    }

    /** The first node where samples mix, or null. */
    public MixingNode mixing() {
        return mixing;
    }

    /** The nodes whose ops mix samples by design, in order. */
    public List<ByDesign> byDesign() {
        return byDesign;
    }

    /** As one of sanity's checks. */
    public SanityCheck check() {
        return new SanityCheck(NAME, status, detail, -1);
    }

    /** One {@code INFO batch_independence: ...} line per node that mixes samples by design. */
    public List<String> infoLines() {
        List<String> out = new ArrayList<>();
        for (ByDesign b : byDesign) {
            out.add("INFO " + NAME + ": node '" + b.node() + "' (" + b.op() + ") mixes samples by design (" + b.how()
                    + "); not a failure: the nodes after it are checked against its output");
        }
        return out;
    }

    /** The check's line and the informational lines. */
    public String toText() {
        StringBuilder sb = new StringBuilder(check().line()).append('\n');
        infoLines().forEach(l -> sb.append(l).append('\n'));
        return sb.toString();
    }

    /** The check's own figures, for the {@code batch} field of its JSON entry. */
    public ObjectNode toJson() {
        ObjectNode o = new ObjectMapper().createObjectNode();
        o.put("dim", dim);
        o.put("size", batch);
        ArrayNode in = o.putArray("inputs");
        inputs.forEach(in::add);
        ArrayNode s = o.putArray("samples");
        for (int i : samples) {
            s.add(i);
        }
        o.put("nodes_checked", nodesChecked);
        if (mixing == null) {
            o.putNull("mixing");
        } else {
            ObjectNode m = o.putObject("mixing");
            m.put("node", mixing.node());
            m.put("op", mixing.op());
            m.put("sample", mixing.sample());
            m.put("source", mixing.source());
            ArrayNode r = m.putArray("reached");
            mixing.reached().forEach(r::add);
        }
        ArrayNode d = o.putArray("by_design");
        for (ByDesign b : byDesign) {
            d.addObject().put("node", b.node()).put("op", b.op()).put("how", b.how());
        }
        return o;
    }

    @Override
    public String toString() {
        return toText();
    }
}

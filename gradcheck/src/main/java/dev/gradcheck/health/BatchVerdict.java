package dev.gradcheck.health;

import dev.gradcheck.engine.Shape;
import dev.gradcheck.health.BatchIndependenceReport.ByDesign;
import dev.gradcheck.health.BatchIndependenceReport.MixingNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The verdicts of the batch-independence check of one batch, in words.
 *
 * @param dim the batch dimension of the inputs
 * @param batch the batch size
 * @param inputs the batch inputs
 * @param samples the samples whose gradients are followed
 */
record BatchVerdict(int dim, int batch, List<String> inputs, int[] samples) {
    /** The first, a middle and the last sample (both for a batch of 2). */
    static int[] followed(int batch) {
        return batch == 2 ? new int[] {0, 1} : new int[] {0, batch / 2, batch - 1};
    }

    /** Samples mix at {@code node} (its op and attributes {@code op}), as {@code m} found. */
    BatchIndependenceReport failed(String node, String op, Shape shape, BatchProbe.Mixing m, int checked,
            List<ByDesign> byDesign) {
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

    /** No sample's gradient reached another sample of {@code sources} at any of {@code checked} nodes. */
    BatchIndependenceReport passed(List<BatchProbe.Source> sources, int checked, List<String> outputs,
            List<ByDesign> byDesign) {
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
    BatchIndependenceReport undetermined(int checked, List<ByDesign> byDesign) {
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
}

package dev.gradcheck.cli;

import dev.gradcheck.CheckResult;
import dev.gradcheck.health.AnomalyScan;
import dev.gradcheck.health.NodeAnomaly;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What {@code check} (and {@code grads}, when a gradient is not finite) keeps of its anomaly pass:
 * the anomaly checks' results, the first anomaly, which checked tensors' gradients are exactly
 * zero, the loss at the point, and report notes on what the loss and gradients absorbed (masks, dropped values). The scan's
 * tensors (every node's value and gradient) are dropped before the gradient check starts, so they
 * are not carried through it.
 */
record AnomalyPass(List<CheckResult> results, Optional<NodeAnomaly> first, Set<String> zeroGradients, double loss,
        List<String> notes) {
    static AnomalyPass run(LoadedModel lm) {
        AnomalyScan scan = AnomalyScan.run(lm.model(), lm.values(), lm.wrt());
        return of(scan, lm);
    }

    /**
     * The pass for a run whose loss or gradients came out NaN or infinite ({@code grads}): only
     * NaN and infinity count, so the first anomaly is where one was born, not an earlier large
     * but finite value.
     */
    static AnomalyPass nonFinite(LoadedModel lm) {
        return of(AnomalyScan.run(lm.model(), lm.values(), lm.wrt(), List.of(), Double.POSITIVE_INFINITY), lm);
    }

    /** The report's note on an anomaly the loss and gradients absorbed: a constant taken for a mask, or a value dropped. */
    private static String note(NodeAnomaly a) {
        String why = ", not an anomaly, as the loss and every gradient are finite";
        if ("input".equals(a.anomaly().op())) {
            return "'" + a.node() + "' holds " + a.anomaly().kind().label() + " before any op (" + a.anomaly().detail()
                    + "): taken for a mask" + why;
        }
        return a.describe() + ": dropped by a later op" + why;
    }

    private static AnomalyPass of(AnomalyScan scan, LoadedModel lm) {
        List<String> notes = scan.absorbed().stream().map(AnomalyPass::note).toList();
        return new AnomalyPass(scan.checkResults(lm.seed()), scan.first(), ZeroGradients.of(scan.gradients()),
                scan.loss(), notes);
    }
}

package dev.gradcheck.cli;

import dev.gradcheck.CheckResult;
import dev.gradcheck.health.AnomalyScan;
import dev.gradcheck.health.NodeAnomaly;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What {@code check} keeps of its anomaly pass: the anomaly checks' results, the first anomaly, and
 * which checked tensors' gradients are exactly zero. The scan's tensors (every node's value and
 * gradient) are dropped before the gradient check starts, so they are not carried through it.
 */
record AnomalyPass(List<CheckResult> results, Optional<NodeAnomaly> first, Set<String> zeroGradients) {
    static AnomalyPass run(LoadedModel lm) {
        AnomalyScan scan = AnomalyScan.run(lm.model(), lm.values(), lm.wrt());
        return new AnomalyPass(scan.checkResults(lm.seed()), scan.first(), ZeroGradients.of(scan.gradients()));
    }
}

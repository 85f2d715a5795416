package dev.gradcheck.health;

import dev.gradcheck.engine.Anomaly;

/**
 * An engine {@link Anomaly} mapped to the model: the node (or input/param) whose op produced the
 * NaN, infinity or exploding value.
 *
 * @param node the producing node's name (an input's or param's name when it already held the value)
 * @param anomaly what the engine recorded
 */
public record NodeAnomaly(String node, Anomaly anomaly) {
    /** Where gradcheck itself applies a model's ops: not a user's line. */
    private static final java.util.Set<String> INTERNAL = java.util.Set.of("dev.gradcheck.model.Evaluation",
            "dev.gradcheck.model.LossFunction", "dev.gradcheck.health.AnomalyScan", "dev.gradcheck.health.Sanity");

    /** {@code nan}, {@code inf} or {@code exploding}. */
    public FlagKind kind() {
        return switch (anomaly.kind()) {
            case NAN -> FlagKind.NAN;
            case INF -> FlagKind.INF;
            case MAGNITUDE -> FlagKind.EXPLODING;
        };
    }

    /**
     * One line naming the node: {@code backward of sqrt 'r' produced inf from finite inputs [4] (range
     * [0, 2.1]): 1 of 4 entries infinite or bad, first at [2] = Infinity}.
     */
    public String describe() {
        Anomaly a = anomaly;
        if ("input".equals(a.op())) {
            return "'" + node + "' already holds " + a.kind().label() + " before any op: " + a.detail();
        }
        StringBuilder sb = new StringBuilder();
        sb.append(a.phase() == Anomaly.Phase.FORWARD ? "forward: " : "backward of ").append(a.op()).append(" '")
                .append(node).append("' produced ").append(a.kind().label()).append(" from finite inputs");
        for (int i = 0; i < a.inputShapes().size(); i++) {
            sb.append(i == 0 ? " " : ", ").append(a.inputShapes().get(i)).append(" (range ")
                    .append(a.inputRanges().get(i)).append(')');
        }
        sb.append(": ").append(a.detail());
        StackTraceElement site = a.site();
        // the model evaluator's own line says nothing about the user's code: only user sites are shown
        if (site != null && !INTERNAL.contains(site.getClassName())) {
            sb.append(" (created at ").append(site.getFileName()).append(':').append(site.getLineNumber()).append(')');
        }
        return sb.toString();
    }

    /** The flow flag for it. */
    public Flag flag() {
        return new Flag(kind(), node, describe());
    }

    @Override
    public String toString() {
        return describe();
    }
}

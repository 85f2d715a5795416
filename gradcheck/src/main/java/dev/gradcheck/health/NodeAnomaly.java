package dev.gradcheck.health;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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

    /**
     * The structured form of the report's {@code anomaly} object, put into {@code into}:
     * {@code node}, {@code op}, {@code kind} ({@code nan}, {@code inf}, {@code exploding}),
     * {@code direction} ({@code forward}, {@code backward}), {@code value} and {@code index} (the
     * first bad entry: of the op's result forward, of the gradient of the op's input {@code input}
     * backward; null where not known), {@code input} (backward: that input's position; forward:
     * null) and {@code detail} ({@link #describe()}).
     */
    public ObjectNode toJson(ObjectNode into) {
        Anomaly a = anomaly;
        into.put("node", node);
        into.put("op", a.op());
        into.put("kind", a.kind().label());
        into.put("direction", a.phase() == Anomaly.Phase.FORWARD ? "forward" : "backward");
        if (a.index() == null) {
            into.putNull("value");
            into.putNull("index");
        } else if (Double.isFinite(a.value())) {
            into.put("value", a.value());
        } else {
            into.put("value", Double.isNaN(a.value()) ? "NaN" : a.value() > 0 ? "Infinity" : "-Infinity");
        }
        if (a.index() != null) {
            ArrayNode idx = into.putArray("index");
            a.index().forEach(idx::add);
        }
        if (a.input() >= 0) {
            into.put("input", a.input());
        } else {
            into.putNull("input");
        }
        into.put("detail", describe());
        return into;
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

package dev.gradcheck.kernels.incremental;

import dev.gradcheck.engine.op.OpDef;
import dev.gradcheck.engine.op.OpRegistry;
import java.util.Map;
import java.util.function.Function;

/**
 * Rules written for one op, registered over that op (as a lowering beside a primitive): matmul and
 * linear keep partial sums, cross_entropy keeps per-row losses. Ops without one get the generic
 * rules their registry metadata allows ({@link OpDef#pointwise()}), or the whole-node recompute.
 */
final class OpRules {
    private static final Map<OpDef, Function<Node, Rule>> RULES = Map.of(
            OpRegistry.get("matmul"), MatmulRule::matmul,
            OpRegistry.get("linear"), MatmulRule::linear,
            OpRegistry.get("cross_entropy"), CrossEntropyRule::of);

    private OpRules() {
    }

    /** The rule registered over {@code node}'s op for this node, or null (none registered, or not for this case). */
    static Rule of(Node node) {
        Function<Node, Rule> f = RULES.get(node.op());
        return f == null ? null : f.apply(node);
    }
}

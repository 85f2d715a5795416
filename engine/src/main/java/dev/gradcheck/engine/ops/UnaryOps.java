package dev.gradcheck.engine.ops;

import dev.gradcheck.engine.op.OpDef;
import java.util.List;

/** (to be filled) */
final class UnaryOps {
    private UnaryOps() {
    }

    static List<OpDef> all() {
        return List.of();
    }
}

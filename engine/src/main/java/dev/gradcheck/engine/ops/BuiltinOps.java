package dev.gradcheck.engine.ops;

import dev.gradcheck.engine.op.OpDef;
import java.util.ArrayList;
import java.util.List;

/**
 * The ops that ship with the engine, gathered from their families. To add an op, define it in its
 * family's class (or a new one listed here); the registry, model loader, {@code gradcheck ops}
 * and the property tests pick it up from there.
 */
public final class BuiltinOps {
    private BuiltinOps() {
    }

    /** Every built-in op. */
    public static List<OpDef> all() {
        List<OpDef> ops = new ArrayList<>();
        ops.addAll(ArithmeticOps.all());
        ops.addAll(ReductionOps.all());
        ops.addAll(UnaryOps.all());
        ops.addAll(ShapeOps.all());
        ops.addAll(LinalgOps.all());
        ops.addAll(NnOps.all());
        ops.addAll(ActivationOps.all());
        ops.addAll(SelectionOps.all());
        ops.addAll(SliceOps.all());
        ops.addAll(PadOps.all());
        ops.addAll(LayoutOps.all());
        ops.addAll(VarianceOps.all());
        ops.addAll(Conv1dOps.all());
        ops.addAll(InstanceNormOps.all());
        ops.addAll(Pool1dOps.all());
        ops.addAll(ConvTransposeOps.all());
        return ops;
    }
}

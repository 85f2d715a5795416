package dev.gradcheck.properties;

import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.op.OpDef;
import java.util.SplittableRandom;

/**
 * A property of an op's gradients: it applies to differentiable ops, and each draw starts the
 * same way, with the forward on fresh leaves (the differentiable inputs requiring grad); a draw
 * whose output is not finite is skipped.
 */
abstract class DifferentiableProperty extends OpProperty {
    DifferentiableProperty(String name, int defaultExamples) {
        super(name, defaultExamples);
    }

    @Override
    boolean appliesTo(OpDef op) {
        return OpEval.differentiable(op);
    }

    @Override
    final boolean check(OpDraw draw) {
        OpEval e = new OpEval(draw);
        Tensor[] in = e.leaves();
        Tensor y = e.apply(in);
        if (!OpEval.finite(y.data())) {
            return false;
        }
        return check(e, in, y, draw.aux());
    }

    /**
     * Checks the property once the forward has run.
     *
     * @param in the leaves the forward ran on
     * @param y its output, all finite
     * @param aux a fresh generator for the auxiliary random vectors (the draw's own sequence)
     * @return as {@link OpProperty#check(OpDraw)}
     */
    abstract boolean check(OpEval e, Tensor[] in, Tensor y, SplittableRandom aux);
}

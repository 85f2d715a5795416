package dev.gradcheck.engine.ops;

import dev.gradcheck.engine.GradMode;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.internal.TensorAccess;
import dev.gradcheck.engine.op.BackwardContext;
import dev.gradcheck.engine.op.Domain;
import dev.gradcheck.engine.op.InputSpec;
import dev.gradcheck.engine.op.OpDef;

/**
 * The {@code tanh} op, on its own because it is the hot activation of the MLP benchmarks: its
 * forward is {@link TanhKernel}'s array loop (branch-free, within 4 ulp of
 * {@code StrictMath.tanh}, without a native call per element), and a first-order backward computes {@code g·(1 − y²)} in
 * one pass instead of three ops.
 */
final class TanhOp {
    private TanhOp() {
    }

    static final OpDef DEF = OpDef.builder("tanh")
            .summary("hyperbolic tangent, elementwise")
            .inputs(InputSpec.real("input", Domain.REAL))
            .shape(ShapeRules.SAME)
            .forward(a -> tanh(a.in(0)))
            .pointwise(TanhKernel::tanh)
            .saturates(-1, 1)
            .backward(TanhOp::backward)
            .twiceDifferentiable()
            .samples(Samplers.unary(Domain.REAL))
            .build();

    private static double[] tanh(double[] x) {
        double[] y = new double[x.length];
        TanhKernel.tanh(x, y);
        return y;
    }

    /**
     * {@code g · (1 − y²)}. With a graph being recorded (grad-of-grad) it is written in
     * differentiable ops; otherwise it is one loop over the arrays that rounds exactly as those
     * ops do: {@code y·y} (pow 2), {@code 1 − that} (rsub), then the product with g (mul).
     */
    private static Tensor[] backward(BackwardContext c) {
        Tensor y = c.output();
        Tensor g = c.grad();
        if (GradMode.isEnabled() || !g.shape().equals(y.shape())) {
            return new Tensor[] {g.mul(y.square().rsub(1))};
        }
        double[] yd = TensorAccess.data(y);
        double[] gd = TensorAccess.data(g);
        double[] r = new double[yd.length];
        for (int i = 0; i < r.length; i++) {
            double t = yd[i];
            r[i] = gd[i] * (1 - t * t);
        }
        return new Tensor[] {TensorAccess.wrap(r, y.shape())};
    }
}

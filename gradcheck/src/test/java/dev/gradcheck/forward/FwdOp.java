package dev.gradcheck.forward;

import dev.gradcheck.ForwardDifferentiable;
import dev.gradcheck.testing.LambdaOp;

/** Test helper: a CustomOp with a forward rule, from three functions. */
final class FwdOp extends LambdaOp implements ForwardDifferentiable {
    interface Jvp {
        double[] at(double[][] x, double[][] t);
    }

    private final Jvp jvp;

    FwdOp(String name, int[][] shapes, Forward forward, Backward backward, Jvp jvp) {
        super(LambdaOp.named(name).shapes(shapes).forward(forward).backward(backward));
        this.jvp = jvp;
    }

    /** The same op with another forward rule. */
    FwdOp withJvp(String newName, Jvp other) {
        return new FwdOp(newName, inputShapes(), this::forward, this::backward, other);
    }

    /** The same op with another backward. */
    FwdOp withBackward(String newName, Backward other) {
        return new FwdOp(newName, inputShapes(), this::forward, other, jvp);
    }

    @Override
    public double[] jvp(double[][] inputs, double[][] tangents) {
        return jvp.at(inputs, tangents);
    }
}

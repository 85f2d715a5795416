package dev.gradcheck.forward;

import dev.gradcheck.CustomOp;
import dev.gradcheck.ForwardDifferentiable;

/** Test helper: a CustomOp with a forward rule, from three functions. */
final class FwdOp implements CustomOp, ForwardDifferentiable {
    interface Fwd {
        double[] at(double[][] x);
    }

    interface Bwd {
        double[][] at(double[][] x, double[] g);
    }

    interface Jvp {
        double[] at(double[][] x, double[][] t);
    }

    private final String name;
    private final int[][] shapes;
    private final Fwd forward;
    private final Bwd backward;
    private final Jvp jvp;

    FwdOp(String name, int[][] shapes, Fwd forward, Bwd backward, Jvp jvp) {
        this.name = name;
        this.shapes = shapes;
        this.forward = forward;
        this.backward = backward;
        this.jvp = jvp;
    }

    /** The same op with another forward rule. */
    FwdOp withJvp(String newName, Jvp other) {
        return new FwdOp(newName, shapes, forward, backward, other);
    }

    /** The same op with another backward. */
    FwdOp withBackward(String newName, Bwd other) {
        return new FwdOp(newName, shapes, forward, other, jvp);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int[][] inputShapes() {
        return shapes;
    }

    @Override
    public double[] forward(double[][] inputs) {
        return forward.at(inputs);
    }

    @Override
    public double[][] backward(double[][] inputs, double[] gradOutput) {
        return backward.at(inputs, gradOutput);
    }

    @Override
    public double[] jvp(double[][] inputs, double[][] tangents) {
        return jvp.at(inputs, tangents);
    }
}

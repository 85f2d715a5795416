package dev.gradcheck.testing;

import dev.gradcheck.DifferentiableFunction;
import java.util.Objects;

/**
 * Test fixture: a {@link DifferentiableFunction} from a forward lambda and a backward lambda,
 * called as given (no copies, no checks). A plain function, not a {@link dev.gradcheck.CustomOp}:
 * {@code GradCheck.of} takes its shapes from {@code at} and {@code shapes}. For a named op with
 * input shapes and domains, see {@link LambdaOp}; for elementwise lambdas, {@link Elementwise}.
 */
public class LambdaFunction implements DifferentiableFunction {
    /** {@link DifferentiableFunction#forward} as a lambda. */
    @FunctionalInterface
    public interface Forward {
        double[] apply(double[][] inputs);
    }

    /** {@link DifferentiableFunction#backward} as a lambda: one gradient per input. */
    @FunctionalInterface
    public interface Backward {
        double[][] apply(double[][] inputs, double[] gradOutput);
    }

    private final Forward forward;
    private final Backward backward;

    protected LambdaFunction(Forward forward, Backward backward) {
        this.forward = Objects.requireNonNull(forward, "forward");
        this.backward = Objects.requireNonNull(backward, "backward");
    }

    /** The function whose forward and backward are these lambdas. */
    public static LambdaFunction of(Forward forward, Backward backward) {
        return new LambdaFunction(forward, backward);
    }

    @Override
    public double[] forward(double[][] inputs) {
        return forward.apply(inputs);
    }

    @Override
    public double[][] backward(double[][] inputs, double[] gradOutput) {
        return backward.apply(inputs, gradOutput);
    }
}

package dev.gradcheck;

import dev.gradcheck.engine.Autograd;
import dev.gradcheck.engine.GradMode;
import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.internal.MultiBackward;
import dev.gradcheck.internal.Parallel;
import dev.gradcheck.internal.ReadOnlyInputs;
import dev.gradcheck.internal.ToolkitFunction;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * Adapts an engine function (tensors in, one tensor out) to {@link DifferentiableFunction}, so it
 * goes through the same checker: forward under no-grad, backward with
 * {@link Autograd#grad(Tensor, Tensor, boolean, Tensor...)}, forward rule with
 * {@link Autograd#jvp} (the engine's forward mode). The arrays it is given are copied into tensors
 * on entry and never written to.
 */
@SuppressWarnings("exports") // MultiBackward, ReadOnlyInputs: the checker's own (internal) capabilities
public final class EngineFunction implements ForwardDifferentiable, MultiBackward, ReadOnlyInputs, ToolkitFunction {
    private final Function<Tensor[], Tensor> fn;
    private final int[][] shapes;
    private final boolean forwardNeedsGrad;

    /**
     * @param fn the function
     * @param shapes the shape of each input
     */
    public EngineFunction(Function<Tensor[], Tensor> fn, int[][] shapes) {
        this(fn, shapes, false);
    }

    private EngineFunction(Function<Tensor[], Tensor> fn, int[][] shapes, boolean forwardNeedsGrad) {
        this.fn = fn;
        this.shapes = new int[shapes.length][];
        for (int i = 0; i < shapes.length; i++) {
            this.shapes[i] = shapes[i].clone();
        }
        this.forwardNeedsGrad = forwardNeedsGrad;
    }

    /** The shape of each input. */
    public int[][] shapes() {
        int[][] c = new int[shapes.length][];
        for (int i = 0; i < shapes.length; i++) {
            c[i] = shapes[i].clone();
        }
        return c;
    }

    private Tensor[] wrap(double[][] inputs, boolean grad) {
        if (inputs.length != shapes.length) {
            throw new IllegalArgumentException("engine function: " + inputs.length + " inputs given, "
                    + shapes.length + " shapes known");
        }
        Tensor[] t = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            // a copy (ReadOnlyInputs: the function sees tensors of its own)
            t[i] = Tensor.of(inputs[i], shapes[i]);
            if (grad) {
                t[i].requiresGrad();
            }
        }
        return t;
    }

    @Override
    @SuppressWarnings("try") // the scope only restores the grad mode
    public double[] forward(double[][] inputs) {
        try (GradMode.Scope s = GradMode.set(forwardNeedsGrad)) {
            return fn.apply(wrap(inputs, false)).data();
        }
    }

    @Override
    public double[][] backward(double[][] inputs, double[] gradOutput) {
        return backwardEach(inputs, gradOutput)[0]; // Autograd.gradArrays made them the caller's own arrays
    }

    /** The engine's forward mode: {@link Autograd#jvp} at the inputs along the tangents, under no-grad. */
    @Override
    @SuppressWarnings("try")
    public double[] jvp(double[][] inputs, double[][] tangents) {
        try (GradMode.Scope s = GradMode.set(forwardNeedsGrad)) {
            return Autograd.jvp(fn, wrap(inputs, false), wrap(tangents, false)).tangent().data();
        }
    }

    /**
     * Forward-over-reverse, for a function with a one-element output: the function x ↦ ∇f(x) (every
     * input's gradient, flat, one after another), whose forward rule is the engine's Hessian-vector
     * product {@link Autograd#hvp} and whose backward is the same product (the Hessian is symmetric),
     * so its forward-mode check compares H·v with finite differences of the reverse-mode gradient.
     */
    public ForwardDifferentiable gradient() {
        EngineFunction self = this;
        return new ForwardDifferentiable() {
            @Override
            public double[] forward(double[][] inputs) {
                return concat(self.backward(inputs, new double[] {1}));
            }

            @Override
            public double[] jvp(double[][] inputs, double[][] vectors) {
                return concat(hvp(inputs, vectors));
            }

            @Override
            public double[][] backward(double[][] inputs, double[] gradOutput) {
                double[][] u = new double[shapes.length][];
                int at = 0;
                for (int i = 0; i < u.length; i++) {
                    u[i] = Arrays.copyOfRange(gradOutput, at, at + inputs[i].length);
                    at += inputs[i].length;
                }
                return hvp(inputs, u);
            }
        };
    }

    @SuppressWarnings("try")
    private double[][] hvp(double[][] inputs, double[][] vectors) {
        Tensor[] h;
        try (GradMode.Scope s = GradMode.set(false)) {
            h = Autograd.hvp(fn, wrap(inputs, false), wrap(vectors, false));
        }
        double[][] out = new double[h.length][];
        for (int i = 0; i < h.length; i++) {
            out[i] = h[i] == null ? new double[inputs[i].length] : h[i].data();
        }
        return out;
    }

    private static double[] concat(double[][] parts) {
        int n = 0;
        for (double[] p : parts) {
            n += p.length;
        }
        double[] all = new double[n];
        int at = 0;
        for (double[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }

    /**
     * For each gradOutput, the gradients {@link #backward} gives, from one forward (the graph is
     * kept between them), as arrays of the caller's own.
     */
    @Override
    public double[][][] backwardEach(double[][] inputs, double[]... gradOutputs) {
        return backwardEach(1, inputs, gradOutputs);
    }

    /**
     * {@link #backwardEach(double[][], double[]...)} with the backward passes on up to {@code threads}
     * threads: a backward pass only reads the recorded graph, so passes over one graph may run at
     * once.
     */
    @Override
    @SuppressWarnings("try")
    public double[][][] backwardEach(int threads, double[][] inputs, double[]... gradOutputs) {
        Tensor[] xs = wrap(inputs, true);
        Tensor out;
        try (GradMode.Scope s = GradMode.set(true)) {
            out = fn.apply(xs);
        }
        List<double[][]> each = Parallel.map(threads, gradOutputs.length, () -> null, (none, k) -> {
            return Autograd.gradArrays(out, Tensor.of(gradOutputs[k], out.shape()), xs);
        });
        return each.toArray(new double[0][][]);
    }

    /**
     * The function whose gradient check is a gradgradcheck of this one: its inputs are this
     * function's inputs followed by a gradOutput of the output's shape, its output the scalar
     * Σ_i ⟨w_i, ∂⟨gradOutput, f⟩/∂x_i⟩ for fixed random weights w_i (a seeded projection of the
     * backward, which is linear in gradOutput). Its analytic gradient is the second-order
     * derivative computed by the engine; its numeric gradient differentiates the backward itself.
     *
     * @param outputShape the shape of {@code fn}'s output
     * @param seed the seed of the projection weights
     */
    public EngineFunction gradGrad(int[] outputShape, long seed) {
        java.util.SplittableRandom rng = new java.util.SplittableRandom(seed ^ 0x2545F4914F6CDD1DL);
        Tensor[] weights = new Tensor[shapes.length];
        for (int i = 0; i < shapes.length; i++) {
            double[] w = new double[Shape.of(shapes[i]).size()];
            for (int k = 0; k < w.length; k++) {
                w[k] = rng.nextGaussian();
            }
            weights[i] = Tensor.of(w, shapes[i]);
        }
        int n = shapes.length;
        Function<Tensor[], Tensor> gg = args -> {
            Tensor[] xs = new Tensor[n];
            for (int i = 0; i < n; i++) {
                // values only (forward pass): make a leaf so the inner gradient exists
                xs[i] = args[i].isGradRequired() ? args[i] : args[i].detach().requiresGrad();
            }
            Tensor out = fn.apply(xs);
            Tensor[] grads = Autograd.grad(out, args[n], true, xs);
            Tensor total = null;
            for (int i = 0; i < n; i++) {
                Tensor term = grads[i].mul(weights[i]).sum();
                total = total == null ? term : total.add(term);
            }
            return total;
        };
        int[][] s = Arrays.copyOf(shapes(), n + 1);
        s[n] = outputShape.clone();
        return new EngineFunction(gg, s, true);
    }
}

package dev.gradcheck.engine.ops;

import static dev.gradcheck.engine.op.AttrSpec.optional;
import static dev.gradcheck.engine.ops.Masks.constant;
import static dev.gradcheck.engine.ops.Masks.mask;

import dev.gradcheck.engine.Attrs;
import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.op.AttrSpec.Type;
import dev.gradcheck.engine.op.Domain;
import dev.gradcheck.engine.op.ForwardRules;
import dev.gradcheck.engine.op.InputSpec;
import dev.gradcheck.engine.op.OpDef;
import dev.gradcheck.engine.op.Sample;
import dev.gradcheck.engine.op.Samplers;
import java.util.List;

/**
 * The activations of torch.nn.functional beyond the basic unary functions: silu, elu, selu,
 * hardtanh and hardswish, with PyTorch 1.13's gradients at their kinks. Each backward is the
 * incoming gradient times a slope built from differentiable ops and constant masks, so that the
 * second derivative at a kink is PyTorch's too (elu's slope at 0 is alpha, its second derivative
 * there 0; hardswish's slope is -0.5 at -3 and 1 at 3). Where PyTorch's backward selects instead of
 * multiplying (hardtanh outside its bounds, hardswish below -3), so does the rule
 * ({@link Masks#passWhere}): an infinite or NaN gradient there gives 0, not NaN.
 */
final class ActivationOps {
    private ActivationOps() {
    }

    /** SELU's constants, as in PyTorch (Klambauer et al., 2017). */
    static final double SELU_ALPHA = 1.6732632423543772848170429916717;
    static final double SELU_SCALE = 1.0507009873554804934193349852946;

    private static final Domain KINK_AT_0 = Domain.realWithKinks(0);

    static final OpDef SILU = OpDef.builder("silu")
            .summary("input * sigmoid(input), elementwise (the swish activation)")
            .inputs(InputSpec.real("input"))
            .shape(ShapeRules.SAME)
            .pointwise()
            .forward(a -> Kernels.map(a.in(0), x -> x / (1 + Math.exp(-x))))
            .backward(c -> {
                Tensor x = c.input(0);
                Tensor s = x.sigmoid();
                return new Tensor[] {c.grad().mul(s.mul(x.mul(s.rsub(1)).add(1.0)))};
            })
            .twiceDifferentiable()
            .forwardRule(ForwardRules.ELEMENTWISE)
            .samples(Samplers.unary(Domain.REAL))
            .build();

    static final OpDef ELU = OpDef.builder("elu")
            .summary("input where input > 0, else alpha * (exp(input) - 1); the slope at 0 is alpha, as PyTorch")
            .inputs(InputSpec.real("input", KINK_AT_0))
            .attrs(optional("alpha", Type.FLOAT, 1.0))
            .shape(ShapeRules.SAME)
            .pointwise()
            .forward(a -> {
                double alpha = a.attrs().getDouble("alpha");
                return Kernels.map(a.in(0), x -> elu(x, alpha));
            })
            .backward(c -> new Tensor[] {c.grad().mul(eluSlope(c.input(0), c.attrs().getDouble("alpha"), 1))})
            .twiceDifferentiable()
            .forwardRule(ForwardRules.ELEMENTWISE)
            .kinks("input = 0 (unless alpha = 1, where only the second derivative jumps)")
            .samples((rng, m) -> {
                Tensor x = Samplers.tensor(rng, Samplers.shape(rng, 0, 3, 4), KINK_AT_0, m);
                return new Sample(new Tensor[] {x},
                        rng.nextBoolean() ? Attrs.EMPTY : Attrs.of("alpha", 0.1 + 2 * rng.nextDouble()));
            })
            .build();

    static final OpDef SELU = OpDef.builder("selu")
            .summary("scale * elu(input, alpha) with PyTorch's fixed scale 1.0507009873554805 and alpha "
                    + "1.6732632423543772")
            .inputs(InputSpec.real("input", KINK_AT_0))
            .shape(ShapeRules.SAME)
            .pointwise()
            .forward(a -> Kernels.map(a.in(0), x -> SELU_SCALE * elu(x, SELU_ALPHA)))
            .backward(c -> new Tensor[] {c.grad().mul(eluSlope(c.input(0), SELU_ALPHA, SELU_SCALE))})
            .twiceDifferentiable()
            .forwardRule(ForwardRules.ELEMENTWISE)
            .kinks("input = 0")
            .samples(Samplers.unary(KINK_AT_0))
            .build();

    static final OpDef HARDTANH = OpDef.builder("hardtanh")
            .summary("min(max(input, min_val), max_val); the gradient passes only where min_val < input < max_val "
                    + "(0 at the bounds, unlike clamp)")
            .inputs(InputSpec.real("input", Domain.realWithKinks(-1, 1)))
            .attrs(optional("min_val", Type.FLOAT, -1.0), optional("max_val", Type.FLOAT, 1.0))
            .shape(ShapeRules.SAME)
            .pointwise()
            .forward(a -> {
                double lo = a.attrs().getDouble("min_val");
                double hi = a.attrs().getDouble("max_val");
                // as torch.clamp: NaN stays NaN; when min_val > max_val every value becomes max_val
                return Kernels.map(a.in(0), x -> Double.isNaN(x) ? x : Math.min(Math.max(x, lo), hi));
            })
            .backward(c -> {
                double lo = c.attrs().getDouble("min_val");
                double hi = c.attrs().getDouble("max_val");
                // PyTorch's hardtanh_backward selects: 0 where x <= min_val or x >= max_val, whatever the
                // gradient holds there; the gradient elsewhere (a NaN input included)
                return new Tensor[] {Masks.passWhere(c.input(0), x -> !(x <= lo || x >= hi), c.grad())};
            })
            .twiceDifferentiable()
            .forwardRule(ForwardRules.ELEMENTWISE)
            .kinks("input = min_val and input = max_val")
            .samples((rng, m) -> {
                boolean custom = rng.nextBoolean();
                double lo = custom ? -m * (0.2 + rng.nextDouble()) : -1;
                double hi = custom ? lo + m * (0.3 + rng.nextDouble()) : 1;
                Tensor x = Samplers.tensor(rng, Samplers.shape(rng, 0, 3, 4), Domain.realWithKinks(lo, hi), m);
                return new Sample(new Tensor[] {x}, custom ? Attrs.of("min_val", lo, "max_val", hi) : Attrs.EMPTY);
            })
            .build();

    static final OpDef HARDSWISH = OpDef.builder("hardswish")
            .summary("input * min(max(input + 3, 0), 6) / 6; slopes at the kinks as PyTorch's vectorised kernel: "
                    + "-0.5 at -3, 1 at 3")
            .inputs(InputSpec.real("input", Domain.realWithKinks(-3, 3)))
            .shape(ShapeRules.SAME)
            .pointwise()
            .forward(a -> Kernels.map(a.in(0), x -> x * Math.min(Math.max(x + 3, 0), 6) / 6))
            .backward(c -> {
                Tensor x = c.input(0);
                // PyTorch: 0 below -3, x / 3 + 1/2 from -3, 1 from 3 on; its second derivative is 1/3 strictly
                // inside (-3, 3) and 0 elsewhere, so the ends of the interval are constants here. At exactly 3,
                // 1.13's vectorised kernel (x >= 3: 1) and its scalar one for the last entries of a tensor
                // (x <= 3: 3/3 + 1/2 = 1.5) disagree; the vectorised one computes almost every entry. Below -3
                // PyTorch selects 0, whatever the gradient holds there
                Tensor inside = mask(x, v -> v > -3 && v < 3).mul(x.div(3.0).add(0.5));
                Tensor outside = constant(x, v -> v < -3 ? 0 : v == -3 ? -0.5 : v < 3 ? 0 : 1);
                return new Tensor[] {Masks.passWhere(x, v -> !(v < -3), c.grad().mul(inside.add(outside)))};
            })
            .twiceDifferentiable()
            .forwardRule(ForwardRules.ELEMENTWISE)
            .kinks("input = -3 and input = 3")
            .samples((rng, m) -> {
                // sizes a multiple of 8, which PyTorch 1.13 (AVX2) computes entirely with its vectorised kernel,
                // so that fixtures drawn from here never meet the scalar kernel's other slope at 3
                Shape[] shapes = {Shape.of(8), Shape.of(2, 4), Shape.of(4, 2), Shape.of(2, 2, 2), Shape.of(2, 8)};
                Shape s = shapes[rng.nextInt(shapes.length)];
                return new Sample(new Tensor[] {Samplers.tensor(rng, s, Domain.realWithKinks(-3, 3), m)}, Attrs.EMPTY);
            })
            .build();

    /**
     * elu's value. Math.expm1 rather than PyTorch's exp(x) - 1: the same function, without the
     * cancellation near 0 (the two differ by less than 1e-16 in absolute terms).
     */
    private static double elu(double x, double alpha) {
        return x > 0 || Double.isNaN(x) ? x : alpha * Math.expm1(x);
    }

    /**
     * scale times elu's slope: 1 above 0, alpha * exp(x) below, alpha at 0 (PyTorch's elu_backward
     * takes the exponential branch for x <= 0). The exponential is differentiated only where x < 0:
     * PyTorch's elu_double_backward masks with x < 0, so the second derivative at 0 is 0. It is
     * taken of min(x, 0), so that a large positive x gives exp(0) times 0, not infinity times 0.
     */
    private static Tensor eluSlope(Tensor x, double alpha, double scale) {
        Tensor below = mask(x, v -> v < 0).mul(x.minimum(Tensor.scalar(0)).exp()).mul(alpha * scale);
        return below.add(constant(x, v -> v == 0 ? alpha * scale : v > 0 || Double.isNaN(v) ? scale : 0));
    }

    static List<OpDef> all() {
        return List.of(SILU, ELU, SELU, HARDTANH, HARDSWISH);
    }
}

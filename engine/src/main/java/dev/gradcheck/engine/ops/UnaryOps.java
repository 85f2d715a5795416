package dev.gradcheck.engine.ops;

import static dev.gradcheck.engine.op.AttrSpec.optional;

import dev.gradcheck.engine.Attrs;
import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.internal.TensorAccess;
import dev.gradcheck.engine.op.AttrSpec;
import dev.gradcheck.engine.op.AttrSpec.Type;
import dev.gradcheck.engine.op.Backward;
import dev.gradcheck.engine.op.Domain;
import dev.gradcheck.engine.op.ForwardRules;
import dev.gradcheck.engine.op.InputSpec;
import dev.gradcheck.engine.op.OpDef;
import dev.gradcheck.engine.op.Sample;
import dev.gradcheck.engine.op.Samplers;
import java.util.List;
import java.util.function.DoublePredicate;
import java.util.function.DoubleUnaryOperator;
import java.util.random.RandomGenerator;
import org.apache.commons.math3.special.Erf;

/**
 * Elementwise functions of one tensor: exp, log, sqrt, abs, sin, cos, tanh, sigmoid, erf, softsign, and the
 * activations relu, leaky_relu, gelu, softplus, clamp, with PyTorch's values and gradients
 * (including its choices at kinks: abs and relu have gradient 0 at 0, clamp passes the gradient
 * where min &lt;= x &lt;= max). relu and clamp select where PyTorch's backward does, so they give 0
 * where they drop the gradient even when it is infinite or NaN there; abs multiplies by sgn(x), as
 * PyTorch's does.
 */
final class UnaryOps {
    private UnaryOps() {
    }

    private static final double TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
    private static final double INV_SQRT_2 = 1 / Math.sqrt(2);
    private static final double INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
    private static final double SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
    private static final double GELU_CUBIC = 0.044715;
    private static final Domain KINK_AT_0 = Domain.realWithKinks(0);

    static final OpDef EXP = smooth("exp", "e ** input", Domain.REAL, Math::exp,
            c -> new Tensor[] {c.grad().mul(c.output())});

    static final OpDef LOG = smooth("log", "natural logarithm (input > 0)", Domain.POSITIVE, Math::log,
            c -> new Tensor[] {c.grad().div(c.input(0))});

    static final OpDef SQRT = smooth("sqrt", "square root (input > 0)", Domain.POSITIVE, Math::sqrt,
            c -> new Tensor[] {c.grad().div(c.output().mul(2.0))});

    static final OpDef SIN = smooth("sin", "sine", Domain.REAL, Math::sin,
            c -> new Tensor[] {c.grad().mul(c.input(0).cos())});

    static final OpDef COS = smooth("cos", "cosine", Domain.REAL, Math::cos,
            c -> new Tensor[] {c.grad().mul(c.input(0).sin()).neg()});

    static final OpDef TANH = smoothBuilder("tanh", "hyperbolic tangent", Domain.REAL, Math::tanh,
            c -> new Tensor[] {c.grad().mul(c.output().square().rsub(1))})
            .saturates(-1, 1)
            .build();

    static final OpDef SIGMOID = smoothBuilder("sigmoid", "logistic function 1 / (1 + e ** -input)", Domain.REAL,
            UnaryOps::sigmoid, c -> new Tensor[] {c.grad().mul(c.output().mul(c.output().rsub(1)))})
            .saturates(0, 1)
            .build();

    static final OpDef ERF = smooth("erf", "error function", Domain.REAL, UnaryOps::erf,
            c -> new Tensor[] {c.grad().mul(c.input(0).square().neg().exp().mul(TWO_OVER_SQRT_PI))});

    // PyTorch's softsign is input / (|input| + 1) written in differentiable ops, so its backward is
    // div's two terms, the denominator's through abs: g / d - g (x / d / d) sgn(x), not g / d^2 (the
    // same number, but an infinite g gives inf - inf = NaN there, and so here)
    static final OpDef SOFTSIGN = smooth("softsign", "input / (1 + |input|)", Domain.REAL, x -> x / (1 + Math.abs(x)),
            c -> {
                Tensor x = c.input(0);
                Tensor d = x.abs().add(1.0);
                Tensor viaDenominator = c.grad().neg().mul(x.div(d).div(d)).mul(constant(x, Math::signum));
                return new Tensor[] {c.grad().div(d).add(viaDenominator)};
            });

    static final OpDef ABS = OpDef.builder("abs")
            .summary("|input|; the gradient at 0 is 0 (sign), as PyTorch")
            .inputs(InputSpec.real("input", KINK_AT_0))
            .shape(ShapeRules.SAME)
            .forward(a -> Kernels.map(a.in(0), Math::abs))
            .pointwise(Math::abs)
            .backward(c -> new Tensor[] {c.grad().mul(constant(c.input(0), Math::signum))})
            .twiceDifferentiable()
            .forwardRule(ForwardRules.ELEMENTWISE)
            .kinks("input = 0")
            .samples(Samplers.unary(KINK_AT_0))
            .build();

    static final OpDef RELU = OpDef.builder("relu")
            .summary("max(input, 0); the gradient at 0 is 0, as PyTorch")
            .inputs(InputSpec.real("input", KINK_AT_0))
            .shape(ShapeRules.SAME)
            .forward(a -> Kernels.map(a.in(0), UnaryOps::relu))
            .pointwise(UnaryOps::relu)
            .deadZone()
            // PyTorch's threshold_backward selects: the gradient where the output is not <= 0 (a NaN input
            // passes it), 0 elsewhere whatever the gradient holds there (an infinite one included)
            .backward(c -> new Tensor[] {Masks.passWhere(c.input(0), x -> !(x <= 0), c.grad())})
            .twiceDifferentiable()
            .forwardRule(ForwardRules.ELEMENTWISE)
            .kinks("input = 0")
            .samples(Samplers.unary(KINK_AT_0))
            .build();

    static final OpDef LEAKY_RELU = OpDef.builder("leaky_relu")
            .summary("input where input > 0, else negative_slope * input")
            .inputs(InputSpec.real("input", KINK_AT_0))
            .attrs(optional("negative_slope", Type.FLOAT, 0.01))
            .shape(ShapeRules.SAME)
            .pointwise()
            .forward(a -> {
                double s = a.attrs().getDouble("negative_slope");
                return Kernels.map(a.in(0), x -> x > 0 ? x : x * s);
            })
            .backward(c -> {
                double s = c.attrs().getDouble("negative_slope");
                return new Tensor[] {c.grad().mul(constant(c.input(0), x -> x > 0 ? 1 : s))};
            })
            .twiceDifferentiable()
            .forwardRule(ForwardRules.ELEMENTWISE)
            .kinks("input = 0")
            .samples((rng, m) -> {
                Tensor x = Samplers.tensor(rng, Samplers.shape(rng, 0, 3, 4), KINK_AT_0, m);
                return rng.nextBoolean() ? new Sample(new Tensor[] {x}, Attrs.EMPTY)
                        : new Sample(new Tensor[] {x}, Attrs.of("negative_slope", 0.05 + rng.nextDouble()));
            })
            .build();

    static final OpDef GELU = OpDef.builder("gelu")
            .summary("input * Phi(input) (Phi the standard normal CDF); approximate=\"tanh\" uses "
                    + "0.5 * x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 x^3)))")
            .inputs(InputSpec.real("input"))
            .attrs(AttrSpec.choice("approximate", "none", "tanh"))
            .shape(ShapeRules.SAME)
            .pointwise()
            .forward(a -> "tanh".equals(a.attrs().getString("approximate"))
                    ? Kernels.map(a.in(0), UnaryOps::geluTanh)
                    : Kernels.map(a.in(0), x -> 0.5 * x * (1 + erf(x * INV_SQRT_2))))
            .backward(c -> {
                Tensor x = c.input(0);
                Tensor d;
                if ("tanh".equals(c.attrs().getString("approximate"))) {
                    Tensor x2 = x.square();
                    Tensor t = x.add(x2.mul(x).mul(GELU_CUBIC)).mul(SQRT_2_OVER_PI).tanh();
                    Tensor inner = x2.mul(3 * GELU_CUBIC).add(1.0).mul(SQRT_2_OVER_PI);
                    d = t.add(1.0).mul(0.5).add(x.mul(0.5).mul(t.square().rsub(1)).mul(inner));
                } else {
                    Tensor cdf = x.mul(INV_SQRT_2).erf().add(1.0).mul(0.5);
                    Tensor pdf = x.square().mul(-0.5).exp().mul(INV_SQRT_2PI);
                    d = cdf.add(x.mul(pdf));
                }
                return new Tensor[] {c.grad().mul(d)};
            })
            .twiceDifferentiable()
            .forwardRule(ForwardRules.ELEMENTWISE)
            .samples((rng, m) -> {
                Tensor x = Samplers.tensor(rng, Samplers.shape(rng, 0, 3, 4), Domain.REAL, m);
                int k = rng.nextInt(3);
                return new Sample(new Tensor[] {x},
                        k == 0 ? Attrs.EMPTY : Attrs.of("approximate", k == 1 ? "none" : "tanh"));
            })
            .build();

    static final OpDef SOFTPLUS = OpDef.builder("softplus")
            .summary("log(1 + exp(beta * input)) / beta, and input itself where beta * input > threshold")
            .inputs(InputSpec.real("input", Domain.realWithKinks(20)))
            .attrs(optional("beta", Type.FLOAT, 1.0), optional("threshold", Type.FLOAT, 20.0))
            .shape(ShapeRules.SAME)
            .pointwise()
            .forward(a -> {
                double beta = a.attrs().getDouble("beta");
                double threshold = a.attrs().getDouble("threshold");
                return Kernels.map(a.in(0), x -> x * beta > threshold ? x : Math.log1p(Math.exp(x * beta)) / beta);
            })
            .backward(c -> {
                double beta = c.attrs().getDouble("beta");
                double threshold = c.attrs().getDouble("threshold");
                Tensor x = c.input(0);
                // PyTorch: gradient 1 in the linear region (beta * x > threshold), sigmoid(beta * x)
                // elsewhere; its double backward uses beta * x < threshold, so exactly at the
                // threshold the slope is sigmoid(threshold) held constant
                Tensor linear = mask(x, v -> v * beta > threshold);
                Tensor below = mask(x, v -> v * beta < threshold);
                Tensor atThreshold = constant(x, v -> v * beta == threshold ? sigmoid(v * beta) : 0);
                Tensor slope = x.mul(beta).sigmoid().mul(below).add(linear).add(atThreshold);
                return new Tensor[] {c.grad().mul(slope)};
            })
            .twiceDifferentiable()
            .forwardRule(ForwardRules.ELEMENTWISE)
            .kinks("beta * input = threshold (the switch to the identity)")
            .samples((rng, m) -> {
                boolean custom = rng.nextBoolean();
                double beta = custom ? 0.5 + 2 * rng.nextDouble() : 1;
                double threshold = custom ? 1 + 10 * rng.nextDouble() : 20;
                Tensor x = Samplers.tensor(rng, Samplers.shape(rng, 0, 3, 4),
                        Domain.realWithKinks(threshold / beta), m);
                return new Sample(new Tensor[] {x},
                        custom ? Attrs.of("beta", beta, "threshold", threshold) : Attrs.EMPTY);
            })
            .build();

    static final OpDef CLAMP = OpDef.builder("clamp")
            .summary("min(max(input, min), max) with either bound optional; the gradient passes where "
                    + "min <= input <= max")
            .inputs(InputSpec.real("input"))
            .attrs(optional("min", Type.FLOAT, null), optional("max", Type.FLOAT, null))
            .shape((op, in, a) -> {
                if (a.get("min") == null && a.get("max") == null) {
                    throw new IllegalArgumentException(op + ": at least one of 'min' or 'max' must not be None "
                            + "(input " + in[0] + ")");
                }
                return in[0];
            })
            .pointwise()
            .forward(a -> {
                double lo = bound(a.attrs(), "min", Double.NEGATIVE_INFINITY);
                double hi = bound(a.attrs(), "max", Double.POSITIVE_INFINITY);
                // as torch.clamp: NaN stays NaN; when min > max every value becomes max
                return Kernels.map(a.in(0), x -> Double.isNaN(x) ? x : Math.min(Math.max(x, lo), hi));
            })
            .backward(c -> {
                double lo = bound(c.attrs(), "min", Double.NEGATIVE_INFINITY);
                double hi = bound(c.attrs(), "max", Double.POSITIVE_INFINITY);
                // PyTorch's clamp_backward selects: where(min <= x <= max, grad, 0)
                return new Tensor[] {Masks.passWhere(c.input(0), x -> x >= lo && x <= hi, c.grad())};
            })
            .twiceDifferentiable()
            .forwardRule(ForwardRules.ELEMENTWISE)
            .kinks("input = min and input = max")
            .samples(UnaryOps::clampSample)
            .build();

    /** A smooth elementwise op whose backward is exact to differentiate again. */
    private static OpDef smooth(String name, String summary, Domain domain, DoubleUnaryOperator f, Backward backward) {
        return smoothBuilder(name, summary, domain, f, backward).build();
    }

    private static OpDef.Builder smoothBuilder(String name, String summary, Domain domain, DoubleUnaryOperator f,
            Backward backward) {
        return OpDef.builder(name)
                .summary(summary + ", elementwise")
                .inputs(InputSpec.real("input", domain))
                .shape(ShapeRules.SAME)
                .forward(a -> Kernels.map(a.in(0), f))
                .pointwise(f)
                .backward(backward)
                .twiceDifferentiable()
                .forwardRule(ForwardRules.ELEMENTWISE)
                .samples(Samplers.unary(domain));
    }

    /** max(x, 0), NaN kept (as torch.relu). */
    private static double relu(double x) {
        return x > 0 || Double.isNaN(x) ? x : 0;
    }

    private static Sample clampSample(RandomGenerator rng, double m) {
        Shape s = Samplers.shape(rng, 0, 3, 4);
        int kind = rng.nextInt(3);
        double a = m * (rng.nextDouble() - 0.5);
        double b = a + m * (0.2 + rng.nextDouble());
        Double lo = kind == 1 ? null : a;
        Double hi = kind == 0 ? null : b;
        Tensor x = Samplers.tensor(rng, s, Domain.realWithKinks(kind == 1 ? new double[] {b}
                : kind == 0 ? new double[] {a} : new double[] {a, b}), m);
        // one pass of kink avoidance may push a value towards the other bound: check both again
        double[] v = x.data();
        double margin = Samplers.KINK_MARGIN * Math.max(1, m);
        for (int i = 0; i < v.length; i++) {
            if ((lo != null && Math.abs(v[i] - lo) < margin) || (hi != null && Math.abs(v[i] - hi) < margin)) {
                v[i] = (lo != null ? lo : hi) - 2 * margin;
            }
        }
        return new Sample(new Tensor[] {Tensor.of(v, s)}, Attrs.of("min", lo, "max", hi));
    }

    private static double bound(Attrs a, String name, double absent) {
        Double v = a.getOptionalDouble(name);
        return v == null ? absent : v;
    }

    /** gelu's tanh form: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))). */
    private static double geluTanh(double x) {
        return 0.5 * x * (1 + Math.tanh(SQRT_2_OVER_PI * (x + GELU_CUBIC * x * x * x)));
    }

    /** The logistic function, computed without overflow for large |x|. */
    static double sigmoid(double x) {
        if (x >= 0) {
            return 1 / (1 + Math.exp(-x));
        }
        double e = Math.exp(x);
        return e / (1 + e);
    }

    /** 2 / sqrt(pi) as a double-double (hi + lo). */
    private static final double C_HI = 1.1283791670955126;
    private static final double C_LO = 1.533545961316588e-17;

    /**
     * The error function, within 1 ulp of torch.erf (checked on a grid of 5,000 points over
     * [-6, 6] and [1e-6, 1]). commons-math3's Erf alone is up to 15 ulp off below 2.5 (and 0 for
     * |x| below 1e-154, where x * x underflows), so there the Maclaurin series
     * sum (-1)^n x^(2n+1) / (n! (2n+1)) is summed in double-double arithmetic, which absorbs its
     * cancellation (and is faster than commons-math3 there); from 2.5 on, commons-math3 (via
     * erfc) is exact to the ulp.
     */
    static double erf(double x) {
        if (Double.isNaN(x)) {
            return x;
        }
        if (Math.abs(x) >= 2.5) {
            return Erf.erf(x);
        }
        double x2h = x * x;
        double x2l = Math.fma(x, x, -x2h);
        double th = x; // the term x^(2n+1) / n! with its sign, as th + tl
        double tl = 0;
        double sh = x; // the sum, as sh + sl
        double sl = 0;
        for (int n = 1; n < 100; n++) {
            // t *= -x^2 / n
            double ph = th * x2h;
            double pl = Math.fma(th, x2h, -ph) + (th * x2l + tl * x2h);
            double q = ph + pl;
            pl -= q - ph;
            ph = q;
            double dh = ph / n;
            double dl = (Math.fma(-dh, n, ph) + pl) / n;
            th = -(dh + dl);
            tl = -(dl - ((dh + dl) - dh));
            // u = t / (2n + 1)
            int m = 2 * n + 1;
            double uh = th / m;
            double ul = (Math.fma(-uh, m, th) + tl) / m;
            // s += u
            double s = sh + uh;
            double bb = s - sh;
            double e = (sh - (s - bb)) + (uh - bb) + sl + ul;
            sh = s + e;
            sl = e - (sh - s);
            if (Math.abs(uh) < 1e-18 * Math.abs(sh)) {
                break;
            }
        }
        double ph = sh * C_HI;
        double pl = Math.fma(sh, C_HI, -ph) + (sh * C_LO + sl * C_HI);
        return ph + pl;
    }

    /** A constant (not differentiated) tensor of f(x) over x's values. */
    private static Tensor constant(Tensor x, DoubleUnaryOperator f) {
        return TensorAccess.wrap(Kernels.map(TensorAccess.data(x), f), x.shape());
    }

    /** A constant 0/1 tensor: 1 where {@code p} holds. */
    private static Tensor mask(Tensor x, DoublePredicate p) {
        return constant(x, v -> p.test(v) ? 1 : 0);
    }

    static List<OpDef> all() {
        return List.of(EXP, LOG, SQRT, ABS, SIN, COS, TANH, SIGMOID, ERF, SOFTSIGN, RELU, LEAKY_RELU, GELU, SOFTPLUS,
                CLAMP);
    }
}

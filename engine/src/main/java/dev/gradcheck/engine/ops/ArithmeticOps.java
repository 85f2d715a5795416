package dev.gradcheck.engine.ops;

import static dev.gradcheck.engine.op.AttrSpec.optional;

import dev.gradcheck.engine.Attrs;
import dev.gradcheck.engine.DType;
import dev.gradcheck.engine.Ops;
import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.internal.TensorAccess;
import dev.gradcheck.engine.op.AttrSpec.Type;
import dev.gradcheck.engine.op.Domain;
import dev.gradcheck.engine.op.ForwardRules;
import dev.gradcheck.engine.op.InputSpec;
import dev.gradcheck.engine.op.OpDef;
import dev.gradcheck.engine.op.Sample;
import dev.gradcheck.engine.op.Samplers;
import java.util.List;

/** Elementwise arithmetic with broadcasting: add, sub, mul, div, neg, pow, maximum, minimum. */
final class ArithmeticOps {
    private ArithmeticOps() {
    }

    /** Numbers away from zero, for divisors. */
    private static final Domain NONZERO = Domain.realWithKinks(0);

    static final OpDef ADD = OpDef.builder("add")
            .summary("input + alpha * other, broadcasting")
            .inputs(InputSpec.real("input"), InputSpec.real("other"))
            .attrs(optional("alpha", Type.FLOAT, 1.0))
            .shape(ShapeRules.BROADCAST)
            .pointwise()
            .forward(a -> {
                double alpha = a.attrs().getDouble("alpha");
                return alpha == 1 ? Kernels.zip(a, Double::sum) : Kernels.zip(a, (x, y) -> x + alpha * y);
            })
            .backward(c -> {
                double alpha = c.attrs().getDouble("alpha");
                return new Tensor[] {
                    c.needs(0) ? c.grad().sumToSize(c.input(0).shape()) : null,
                    c.needs(1) ? scaled(c.grad(), alpha).sumToSize(c.input(1).shape()) : null};
            })
            .twiceDifferentiable()
            .forwardRule(ForwardRules.LINEAR)
            .samples(Samplers.binary(Domain.REAL, Domain.REAL))
            .build();

    static final OpDef SUB = OpDef.builder("sub")
            .summary("input - alpha * other, broadcasting")
            .inputs(InputSpec.real("input"), InputSpec.real("other"))
            .attrs(optional("alpha", Type.FLOAT, 1.0))
            .shape(ShapeRules.BROADCAST)
            .pointwise()
            .forward(a -> {
                double alpha = a.attrs().getDouble("alpha");
                // alpha 1: x - 1.0 * y is x - y, bit for bit (1.0 * y == y, NaN and -0.0 included)
                return alpha == 1 ? Kernels.zip(a, (x, y) -> x - y) : Kernels.zip(a, (x, y) -> x - alpha * y);
            })
            .backward(c -> new Tensor[] {
                c.needs(0) ? c.grad().sumToSize(c.input(0).shape()) : null,
                c.needs(1) ? scaled(c.grad(), -c.attrs().getDouble("alpha")).sumToSize(c.input(1).shape()) : null})
            .twiceDifferentiable()
            .forwardRule(ForwardRules.LINEAR)
            .samples(Samplers.binary(Domain.REAL, Domain.REAL))
            .build();

    static final OpDef MUL = OpDef.builder("mul")
            .summary("input * other, broadcasting")
            .inputs(InputSpec.real("input"), InputSpec.real("other"))
            .shape(ShapeRules.BROADCAST)
            .pointwise()
            .forward(a -> Kernels.zip(a, (x, y) -> x * y))
            .backward(c -> new Tensor[] {
                c.needs(0) ? c.grad().mul(c.input(1)).sumToSize(c.input(0).shape()) : null,
                c.needs(1) ? c.grad().mul(c.input(0)).sumToSize(c.input(1).shape()) : null})
            .twiceDifferentiable()
            .forwardRule(ForwardRules.MULTILINEAR)
            .samples(Samplers.binary(Domain.REAL, Domain.REAL))
            .build();

    static final OpDef DIV = OpDef.builder("div")
            .summary("input / other (true division), broadcasting")
            .inputs(InputSpec.real("input"), InputSpec.real("other", NONZERO))
            .shape(ShapeRules.BROADCAST)
            .pointwise()
            .forward(a -> Kernels.zip(a, (x, y) -> x / y))
            .backward(c -> new Tensor[] {
                c.needs(0) ? c.grad().div(c.input(1)).sumToSize(c.input(0).shape()) : null,
                c.needs(1) ? c.grad().mul(c.output()).div(c.input(1)).neg().sumToSize(c.input(1).shape()) : null})
            .twiceDifferentiable()
            .forwardRule(ForwardRules.ELEMENTWISE)
            .samples(Samplers.binary(Domain.REAL, NONZERO))
            .build();

    static final OpDef NEG = OpDef.builder("neg")
            .summary("-input")
            .inputs(InputSpec.real("input"))
            .shape(ShapeRules.SAME)
            .forward(a -> Kernels.map(a.in(0), x -> -x))
            .pointwise(x -> -x)
            .backward(c -> new Tensor[] {c.grad().neg()})
            .twiceDifferentiable()
            .forwardRule(ForwardRules.LINEAR)
            .samples(Samplers.unary(Domain.REAL))
            .build();

    /** Exponents the sampler tries; the non-integer ones need a positive base. */
    private static final double[] EXPONENTS = {2, 3, -1, 0.5, -1.5, 1.7, 0};

    static final OpDef POW = OpDef.builder("pow")
            .summary("input ** exponent, where exponent is the attribute or a second tensor input (broadcasting)")
            .inputs(InputSpec.real("input"), new InputSpec("exponent", InputSpec.Kind.REAL, true, Domain.REAL))
            .attrs(optional("exponent", Type.FLOAT, null))
            .shape((op, in, a) -> {
                boolean attr = a.get("exponent") != null;
                if (attr == (in.length == 2)) {
                    throw new IllegalArgumentException(op + ": give the exponent either as the attribute 'exponent' "
                            + "or as a second tensor input, not " + (attr ? "both" : "neither"));
                }
                return in.length == 2 ? Shape.broadcast(op, in[0], in[1]) : in[0];
            })
            .pointwise()
            .forward(a -> {
                if (a.count() == 2) {
                    return Kernels.zip(a, Math::pow);
                }
                double e = a.attrs().getDouble("exponent"); // once, not per element
                return e == 2 ? Kernels.map(a.in(0), x -> x * x) : Kernels.map(a.in(0), x -> Math.pow(x, e));
            })
            .backward(c -> {
                Tensor x = c.input(0);
                if (c.count() == 1) {
                    double e = c.attrs().getDouble("exponent");
                    return new Tensor[] {e == 0 ? x.zerosLike() : c.grad().mul(x.pow(e - 1)).mul(e)};
                }
                Tensor e = c.input(1);
                Shape out = c.output().shape();
                // PyTorch's pow_backward_self selects 0 where e == 0 (whatever grad or x^(e - 1) holds there)
                Tensor gx = c.needs(0) ? Masks.passWhere(e, v -> v != 0,
                        c.grad().mul(e).mul(x.pow(e.sub(1)))).sumToSize(x.shape()) : null;
                // d/de x^e = x^e log x, which PyTorch's pow_backward_exponent selects as 0 where x == 0 and
                // e >= 0, then multiplies by grad
                Tensor ge = c.needs(1) ? c.grad().mul(Masks.passWhere(compare(x, e, out, (u, v) -> !(u == 0 && v >= 0)),
                        c.output().mul(x.log()))).sumToSize(e.shape()) : null;
                return new Tensor[] {gx, ge};
            })
            .twiceDifferentiable()
            .forwardRule(ForwardRules.ELEMENTWISE)
            .samples((rng, m) -> {
                if (rng.nextInt(4) == 0) {
                    Sample s = Samplers.binary(Domain.POSITIVE, Domain.REAL).draw(rng, Math.min(m, 2));
                    return s;
                }
                double e = EXPONENTS[rng.nextInt(EXPONENTS.length)];
                Domain d = e == Math.rint(e) && e >= 0 ? Domain.REAL : Domain.POSITIVE;
                Shape s = Samplers.shape(rng, 0, 3, 4);
                double mag = Math.abs(e) > 1 ? Math.min(m, 10) : m;
                return new Sample(new Tensor[] {Samplers.tensor(rng, s, d, mag)}, Attrs.of("exponent", e));
            })
            .build();

    static final OpDef MAXIMUM = minmax("maximum", true);
    static final OpDef MINIMUM = minmax("minimum", false);

    private static OpDef minmax(String name, boolean max) {
        return OpDef.builder(name)
                .summary("elementwise " + (max ? "max" : "min") + " of input and other, broadcasting; "
                        + "where they are equal the gradient is split evenly; the " + (max ? "smaller" : "larger")
                        + " one gets none of it")
                .inputs(InputSpec.real("input"), InputSpec.real("other"))
                .shape(ShapeRules.BROADCAST)
                .pointwise()
                .forward(a -> Kernels.zip(a, max ? Math::max : Math::min))
                .backward(c -> {
                    // PyTorch: where(a == b, grad / 2, grad).masked_fill_(a loses, 0), and the same for b: a
                    // select, so the loser gets 0 whatever the gradient holds (where either is NaN, both get it)
                    Tensor a = c.input(0);
                    Tensor b = c.input(1);
                    Tensor g = c.grad();
                    Shape out = c.output().shape();
                    Tensor shared = Ops.apply("where", compare(a, b, out, (x, y) -> x == y), g.div(2.0), g);
                    return new Tensor[] {
                        c.needs(0) ? Masks.passWhere(compare(a, b, out, (x, y) -> !(max ? x < y : x > y)), shared)
                                .sumToSize(a.shape()) : null,
                        c.needs(1) ? Masks.passWhere(compare(a, b, out, (x, y) -> !(max ? x > y : x < y)), shared)
                                .sumToSize(b.shape()) : null};
                })
                .twiceDifferentiable()
                .forwardRule(ForwardRules.ELEMENTWISE)
                .kinks("input = other")
                .samples(Samplers.binary(Domain.REAL, Domain.REAL))
                .build();
    }

    /** The int64 condition p(a, b) over a and b broadcast to {@code out}. */
    private static Tensor compare(Tensor a, Tensor b, Shape out, DoubleBinaryPredicate p) {
        double[] r = Kernels.zip(TensorAccess.data(a), a.shape(), TensorAccess.data(b), b.shape(), out,
                (x, y) -> p.test(x, y) ? 1 : 0);
        return TensorAccess.wrap(r, out, DType.INT64);
    }

    /** A predicate of two numbers. */
    private interface DoubleBinaryPredicate {
        boolean test(double x, double y);
    }

    private static Tensor scaled(Tensor g, double alpha) {
        return alpha == 1 ? g : g.mul(alpha);
    }

    static List<OpDef> all() {
        return List.of(ADD, SUB, MUL, DIV, NEG, POW, MAXIMUM, MINIMUM);
    }
}

package dev.gradcheck.engine.op;

import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.Tensor;
import java.util.function.Function;

/**
 * The categories of forward rules: most ops' Jacobian-vector products follow from what the op is,
 * so their definitions name a category instead of spelling a rule out. Each is exact for the ops it
 * is given to:
 *
 * <ul>
 * <li>{@link #ELEMENTWISE}: a {@link OpDef#pointwise() pointwise} op's Jacobian with respect to
 *     each input is diagonal (at the inputs broadcast to the output's shape), so its backward rule
 *     applied to a tangent instead of a gradient is that tangent's contribution;</li>
 * <li>{@link #LINEAR}: an op linear in its differentiable inputs is its own derivative: the op
 *     applied to the tangents, non-differentiable inputs (indices) kept;</li>
 * <li>{@link #MULTILINEAR}: an op linear in each input separately (mul, matmul) differentiates by
 *     the product rule, {@code Σᵢ op(x₁..vᵢ..xₙ)};</li>
 * <li>{@link #MULTILINEAR_WITH_BIAS}: the same for the inputs but an optional last bias added to
 *     the result (linear, conv): the bias's term is the op at zeros for the other inputs.</li>
 * </ul>
 *
 * An op without a rule gets the engine's default, {@link #DEFAULT_ROUTE}: the transpose of its
 * backward rule, {@code J·v = ∂/∂u ⟨backward(u), v⟩} ({@code u ↦ backward(u)} is linear in the
 * incoming gradient {@code u}, so this is exact wherever the backward is built from differentiable
 * ops, which a {@link OpDef#twiceDifferentiable() twice-differentiable} op's is).
 */
public final class ForwardRules {
    /** The route of an op without a forward rule of its own (the engine's default). */
    public static final String DEFAULT_ROUTE = "double-VJP";

    /** Pointwise ops: the backward rule applied to each tangent, at the inputs broadcast to the output's shape. */
    public static final ForwardRule ELEMENTWISE = category("elementwise", ForwardRules::elementwise);

    /** Ops linear in their differentiable inputs: the op applied to the tangents. */
    public static final ForwardRule LINEAR = category("linear", ForwardRules::linear);

    /** Ops linear in each input separately: the product rule. */
    public static final ForwardRule MULTILINEAR = category("multilinear", c -> multilinear(c, false));

    /** Ops linear in each input but an optional last bias added to the result: the product rule plus the bias. */
    public static final ForwardRule MULTILINEAR_WITH_BIAS = category("multilinear + bias", c -> multilinear(c, true));

    private ForwardRules() {
    }

    private static ForwardRule category(String route, Function<JvpContext, Tensor> rule) {
        return new ForwardRule() {
            @Override
            public Tensor apply(JvpContext c) {
                return rule.apply(c);
            }

            @Override
            public String route() {
                return route;
            }
        };
    }

    private static Tensor elementwise(JvpContext c) {
        Shape out = c.output().shape();
        Tensor[] at = new Tensor[c.count()];
        for (int i = 0; i < at.length; i++) {
            at[i] = broadcast(c.input(i), out, c.op().input(i).differentiable(c.input(i).dtype()));
        }
        Tensor sum = null;
        for (int i = 0; i < at.length; i++) {
            if (!c.has(i)) {
                continue;
            }
            boolean[] needs = new boolean[at.length];
            needs[i] = true;
            Tensor v = broadcast(c.tangent(i), out, true);
            Tensor g = c.op().backward().apply(new BackwardContext(at, c.output(), v, c.attrs(), needs))[i];
            if (g != null) {
                sum = sum == null ? g : sum.add(g);
            }
        }
        return sum;
    }

    private static Tensor broadcast(Tensor t, Shape out, boolean real) {
        return !real || t.shape().equals(out) ? t : t.expand(out.dims());
    }

    private static Tensor linear(JvpContext c) {
        Tensor[] in = new Tensor[c.count()];
        for (int i = 0; i < in.length; i++) {
            in[i] = c.op().input(i).differentiable(c.input(i).dtype()) ? c.tangentOrZeros(i) : c.input(i);
        }
        return c.apply(in);
    }

    private static Tensor multilinear(JvpContext c, boolean withBias) {
        int n = c.count();
        boolean hasBias = withBias && n == c.op().inputs().size() && c.op().inputs().get(n - 1).optional();
        int factors = hasBias ? n - 1 : n;
        Tensor sum = null;
        for (int i = 0; i < factors; i++) {
            if (!c.has(i)) {
                continue;
            }
            Tensor[] in = new Tensor[factors];
            for (int j = 0; j < factors; j++) {
                in[j] = j == i ? c.tangent(i) : c.input(j);
            }
            Tensor term = c.apply(in);
            sum = sum == null ? term : sum.add(term);
        }
        if (hasBias && c.has(n - 1)) {
            // op(0, …, 0, v_b) = 0 + v_b, placed where the op adds its bias
            Tensor[] in = new Tensor[n];
            for (int j = 0; j < factors; j++) {
                in[j] = c.input(j).zerosLike();
            }
            in[n - 1] = c.tangent(n - 1);
            Tensor term = c.apply(in);
            sum = sum == null ? term : sum.add(term);
        }
        return sum;
    }
}

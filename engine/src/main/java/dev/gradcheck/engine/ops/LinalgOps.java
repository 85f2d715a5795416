package dev.gradcheck.engine.ops;

import dev.gradcheck.engine.Attrs;
import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.ShapeException;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.op.Domain;
import dev.gradcheck.engine.op.ForwardRules;
import dev.gradcheck.engine.op.InputSpec;
import dev.gradcheck.engine.op.OpDef;
import dev.gradcheck.engine.op.Sample;
import dev.gradcheck.engine.op.Samplers;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;

/** Matrix products: matmul (every case of torch.matmul) and linear (input @ weight^T + bias). */
final class LinalgOps {
    private LinalgOps() {
    }

    static final OpDef MATMUL = OpDef.builder("matmul")
            .summary("matrix product with torch.matmul's rules: 1-D x 1-D is a dot product, a 1-D operand is "
                    + "a row (left) or column (right) vector, batch dimensions broadcast")
            .inputs(InputSpec.real("input"), InputSpec.real("other"))
            .shape((op, in, a) -> MatmulPlan.of(op, in[0], in[1]).out())
            .forward(a -> MatmulPlan.of("matmul", a.shape(0), a.shape(1)).multiply(a.in(0), a.in(1), MatmulPlan.NAIVE))
            .backward(c -> matmulGrads(c.input(0), c.input(1), c.grad(), c.needs(0), c.needs(1)))
            .twiceDifferentiable()
            .forwardRule(ForwardRules.MULTILINEAR)
            .samples(LinalgOps::matmulSample)
            .build();

    static final OpDef LINEAR = OpDef.builder("linear")
            .summary("input @ weight^T + bias, as torch.nn.functional.linear (weight [out, in] or [in])")
            .inputs(InputSpec.real("input"), InputSpec.real("weight"), InputSpec.optionalReal("bias"))
            .additiveBias()
            .shape((op, in, a) -> linearShape(op, in))
            .forward(a -> {
                Shape ws = a.shape(1);
                double[] out;
                MatmulPlan p;
                if (ws.rank() == 2) {
                    // input times weightᵀ, the weight [out, in] read transposed in place
                    p = MatmulPlan.of("linear", a.shape(0), Shape.of(ws.dim(1), ws.dim(0)));
                    out = p.multiply(a.in(0), a.in(1), 1, ws.dim(1), MatmulPlan.NAIVE);
                } else {
                    p = MatmulPlan.of("linear", a.shape(0), ws);
                    out = p.multiply(a.in(0), a.in(1), MatmulPlan.NAIVE);
                }
                return a.count() == 3 ? Kernels.zip(out, p.out(), a.in(2), a.shape(2), p.out(), Double::sum) : out;
            })
            .backward(c -> {
                // input @ weightᵀ: the matmul gradients with the weight transposed, and back
                Tensor w = c.input(1);
                Tensor gb = c.count() == 3 && c.needs(2) ? c.grad().sumToSize(c.input(2).shape()) : null;
                Tensor wt = w.rank() == 2 ? w.transpose(0, 1) : w;
                Tensor[] g = matmulGrads(c.input(0), wt, c.grad(), c.needs(0), c.needs(1));
                g[1] = g[1] == null || w.rank() != 2 ? g[1] : g[1].transpose(0, 1);
                return c.count() == 3 ? new Tensor[] {g[0], g[1], gb} : new Tensor[] {g[0], g[1]};
            })
            .twiceDifferentiable()
            .forwardRule(ForwardRules.MULTILINEAR_WITH_BIAS)
            .samples(LinalgOps::linearSample)
            .build();

    /**
     * The gradients of {@code a @ b} given the output's gradient {@code g}, with differentiable ops
     * only: {@code g @ b^T} and {@code a^T @ g}, summed over broadcast batch dimensions.
     */
    static Tensor[] matmulGrads(Tensor a, Tensor b, Tensor g, boolean needA, boolean needB) {
        MatmulPlan p = MatmulPlan.of("matmul", a.shape(), b.shape());
        Tensor a2 = a.rank() == 1 ? a.unsqueeze(0) : a;
        Tensor b2 = b.rank() == 1 ? b.unsqueeze(-1) : b;
        Tensor g2 = g.shape().equals(p.full()) ? g : g.reshape(p.full().dims());
        Tensor ga = null;
        Tensor gb = null;
        if (needA) {
            ga = reshapeTo(g2.matmul(b2.transpose(-1, -2)).sumToSize(a2.shape()), a.shape());
        }
        if (needB) {
            gb = reshapeTo(a2.transpose(-1, -2).matmul(g2).sumToSize(b2.shape()), b.shape());
        }
        return new Tensor[] {ga, gb};
    }

    private static Tensor reshapeTo(Tensor t, Shape s) {
        return t.shape().equals(s) ? t : t.reshape(s.dims());
    }

    /** The output shape of linear, with its checks: weight 1-D or 2-D, matching features, bias broadcasting. */
    static Shape linearShape(String op, Shape[] in) {
        Shape x = in[0];
        Shape w = in[1];
        String shapes = op + ": input " + x + ", weight " + w + (in.length == 3 ? ", bias " + in[2] : "") + ": ";
        if (w.rank() != 1 && w.rank() != 2) {
            throw new ShapeException(shapes + "weight must be 1-D or 2-D ([out_features, in_features])");
        }
        if (x.rank() == 0) {
            throw new ShapeException(shapes + "input must be at least 1-D");
        }
        int inFeatures = w.dim(-1);
        if (x.dim(-1) != inFeatures) {
            throw new ShapeException(shapes + "in_features differ: the input's last dimension is " + x.dim(-1)
                    + " and the weight's is " + inFeatures);
        }
        Shape out = MatmulPlan.of(op, x, w.rank() == 2 ? Shape.of(w.dim(1), w.dim(0)) : w).out();
        if (in.length == 3 && !in[2].broadcastsTo(out)) {
            throw new ShapeException(shapes + "the bias does not broadcast to the output's shape " + out);
        }
        return out;
    }

    private static Sample matmulSample(RandomGenerator rng, double mag) {
        int n = 1 + rng.nextInt(4);
        int k = 1 + rng.nextInt(4);
        int m = 1 + rng.nextInt(4);
        Shape batch = Samplers.shape(rng, 1, 2, 3);
        Shape a;
        Shape b;
        switch (rng.nextInt(7)) {
            case 0:
                a = Shape.of(k);
                b = Shape.of(k);
                break;
            case 1:
                a = Shape.of(n, k);
                b = Shape.of(k, m);
                break;
            case 2:
                a = Shape.of(k);
                b = Shape.of(k, m);
                break;
            case 3:
                a = Shape.of(n, k);
                b = Shape.of(k);
                break;
            case 4:
                a = withMatrix(rng.nextBoolean() ? batch : Samplers.broadcastPartner(rng, batch), n, k);
                b = withMatrix(rng.nextBoolean() ? batch : Samplers.broadcastPartner(rng, batch), k, m);
                break;
            case 5:
                a = withMatrix(batch, n, k);
                b = Shape.of(k);
                break;
            default:
                a = Shape.of(k);
                b = withMatrix(batch, k, m);
                break;
        }
        return new Sample(new Tensor[] {Samplers.tensor(rng, a, Domain.REAL, mag),
            Samplers.tensor(rng, b, Domain.REAL, mag)}, Attrs.EMPTY);
    }

    private static Sample linearSample(RandomGenerator rng, double mag) {
        int inF = 1 + rng.nextInt(4);
        int outF = 1 + rng.nextInt(4);
        Shape lead = Samplers.shape(rng, 0, 2, 3);
        Shape x = Shape.of(append(lead.dims(), inF));
        boolean vectorWeight = rng.nextInt(6) == 0;
        Tensor input = Samplers.tensor(rng, x, Domain.REAL, mag);
        if (vectorWeight) {
            return new Sample(new Tensor[] {input, Samplers.tensor(rng, Shape.of(inF), Domain.REAL, mag)}, Attrs.EMPTY);
        }
        Tensor w = Samplers.tensor(rng, Shape.of(outF, inF), Domain.REAL, mag);
        if (rng.nextBoolean()) {
            return new Sample(new Tensor[] {input, w}, Attrs.EMPTY);
        }
        return new Sample(new Tensor[] {input, w, Samplers.tensor(rng, Shape.of(outF), Domain.REAL, mag)}, Attrs.EMPTY);
    }

    private static Shape withMatrix(Shape batch, int rows, int cols) {
        return Shape.of(append(append(batch.dims(), rows), cols));
    }

    private static int[] append(int[] d, int v) {
        int[] r = Arrays.copyOf(d, d.length + 1);
        r[d.length] = v;
        return r;
    }

    static List<OpDef> all() {
        return List.of(MATMUL, LINEAR);
    }
}

package dev.gradcheck.engine.ops;

import static dev.gradcheck.engine.op.AttrSpec.optional;

import dev.gradcheck.engine.Attrs;
import dev.gradcheck.engine.Ops;
import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.op.AttrSpec.Type;
import dev.gradcheck.engine.op.Domain;
import dev.gradcheck.engine.op.InputSpec;
import dev.gradcheck.engine.op.OpDef;
import dev.gradcheck.engine.op.Sample;
import dev.gradcheck.engine.op.Samplers;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * var, as torch.var in PyTorch 1.13: the sum of squared deviations from the mean over dim, divided
 * by N - correction (N the number of entries reduced). 1.13 has two spellings, {@code unbiased}
 * (true: correction 1, false: 0) and the newer keyword {@code correction}; giving both is an error
 * there and here. As in PyTorch the divisor is max(0, N - correction), so too few entries give NaN
 * (0 / 0) or infinity, and the gradient is 2 (x - mean) / (N - correction) times the incoming one.
 * One deliberate difference: for {@code dim=[]} PyTorch 1.13 reduces over every dimension but its
 * backward takes N = 1 (a gradient N times too large, infinite when the correction is 1); here
 * {@code dim=[]} is {@code dim=None} in the backward too.
 */
final class VarianceOps {
    private VarianceOps() {
    }

    static final OpDef VAR = OpDef.builder("var")
            .summary("variance over dim (all dimensions when None or empty): sum((input - mean)^2) / (N - correction); "
                    + "correction is 1 unless unbiased=false (0) or given; keepdim as in PyTorch")
            .inputs(InputSpec.real("input"))
            .attrs(optional("dim", Type.INTS, null), optional("unbiased", Type.BOOL, null),
                    optional("correction", Type.INT, null), optional("keepdim", Type.BOOL, false))
            .shape((op, in, a) -> {
                correction(op, a);
                return ShapeRules.REDUCE.apply(op, in, a);
            })
            .forward(a -> {
                Shape s = a.shape(0);
                boolean[] reduced = ShapeRules.reducedDims("var", s, a.attrs().getInts("dim"));
                Shape keep = ShapeRules.keepdimShape("var", s, a.attrs());
                int n = ReductionOps.count(s, a.attrs());
                double[] x = a.in(0);
                double[] mean = Kernels.reduce(x, s, reduced, 0, Double::sum);
                for (int i = 0; i < mean.length; i++) {
                    mean[i] /= n;
                }
                double[] centred = Kernels.zip(x, s, mean, keep, s, (v, m) -> (v - m) * (v - m));
                double[] sum = Kernels.reduce(centred, s, reduced, 0, Double::sum);
                double divisor = Math.max(0, n - correction("var", a.attrs()));
                for (int i = 0; i < sum.length; i++) {
                    sum[i] /= divisor;
                }
                return sum;
            })
            .backward(c -> {
                Tensor x = c.input(0);
                int n = ReductionOps.count(x.shape(), c.attrs());
                double scale = 2.0 / (n - correction("var", c.attrs()));
                Tensor mean = Ops.apply("mean", Attrs.of("dim", c.attrs().getInts("dim"), "keepdim", true), x);
                Tensor g = ReductionOps.unreduce(c.grad(), x.shape(), c.attrs());
                return new Tensor[] {g.mul(x.sub(mean)).mul(scale)};
            })
            .twiceDifferentiable()
            .forwardRule(c -> {
                // d var = 2 / (n - correction) * sum((x - mean) * v) over dim
                Tensor x = c.input(0);
                int n = ReductionOps.count(x.shape(), c.attrs());
                double scale = 2.0 / (n - correction("var", c.attrs()));
                int[] dims = c.attrs().getInts("dim");
                Tensor mean = Ops.apply("mean", Attrs.of("dim", dims, "keepdim", true), x);
                return Ops.apply("sum", Attrs.of("dim", dims, "keepdim", c.attrs().getBool("keepdim")),
                        x.sub(mean).mul(c.tangent(0))).mul(scale);
            })
            .samples(VarianceOps::sample)
            .build();

    /**
     * The correction: the attribute itself, else 1 or 0 from unbiased (1 when neither is given).
     *
     * @throws IllegalArgumentException when both are given, as PyTorch 1.13 has no overload for that
     */
    private static long correction(String op, Attrs a) {
        boolean hasUnbiased = a.get("unbiased") != null;
        boolean hasCorrection = a.get("correction") != null;
        if (hasUnbiased && hasCorrection) {
            throw new IllegalArgumentException(op + ": give unbiased or correction, not both (unbiased="
                    + a.getBool("unbiased") + ", correction=" + a.getInt("correction") + ")");
        }
        if (hasCorrection) {
            return a.getInt("correction");
        }
        return !hasUnbiased || a.getBool("unbiased") ? 1 : 0;
    }

    /**
     * A shape of rank 0..3, all dimensions or one or two, keepdim either way, and unbiased or a
     * correction of 0..2 (or neither) leaving more entries than the correction (so the value is finite).
     */
    private static Sample sample(RandomGenerator rng, double m) {
        Shape s = Samplers.shape(rng, 0, 3, 4);
        // dim is always given (None for all dimensions): torch.var's Python overloads take keepdim only with dim
        Attrs a = Attrs.of("dim", null);
        int kind = s.rank() == 0 ? rng.nextInt(2) : rng.nextInt(4);
        if (kind == 1) {
            // dim=[] only on a 0-d input: PyTorch 1.13 reduces over every dimension for [] but its backward
            // counts N = 1 (a gradient N times too large, infinite with correction 1); the engine's is exact
            a = a.with("dim", s.rank() == 0 ? new int[0] : allDims(s.rank()));
        } else if (kind == 2) {
            a = a.with("dim", Samplers.dim(rng, s.rank()));
        } else if (kind == 3 && s.rank() >= 2) {
            a = a.with("dim", new int[] {0, -1});
        }
        if (rng.nextBoolean()) {
            a = a.with("keepdim", true);
        }
        int n = ReductionOps.count(s, a);
        int choice = rng.nextInt(4);
        if (choice == 1) {
            a = a.with("unbiased", n > 1 && rng.nextBoolean());
        } else if (choice >= 2) {
            a = a.with("correction", rng.nextInt(Math.min(3, n)));
        } else if (n <= 1) {
            a = a.with("unbiased", false);
        }
        return new Sample(new Tensor[] {Samplers.tensor(rng, s, Domain.REAL, m)}, a);
    }

    private static int[] allDims(int rank) {
        int[] d = new int[rank];
        for (int i = 0; i < rank; i++) {
            d[i] = i;
        }
        return d;
    }

    static List<OpDef> all() {
        return List.of(VAR);
    }
}

package dev.gradcheck.engine.ops;

import static dev.gradcheck.engine.op.AttrSpec.optional;

import dev.gradcheck.engine.Attrs;
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
import java.util.SplittableRandom;

/**
 * dropout with a deterministic mask: the same {@code seed} drops the same entries, so a gradient
 * check sees one fixed function. Kept entries are scaled by 1 / (1 - p).
 */
final class DropoutOps {
    private DropoutOps() {
    }

    static final OpDef DROPOUT = OpDef.builder("dropout")
            .summary("zeroes each entry with probability p (a mask drawn from seed) and scales the rest by "
                    + "1 / (1 - p); identity when training is false or p = 0")
            .inputs(InputSpec.real("input"))
            .attrs(optional("p", Type.FLOAT, 0.5), optional("training", Type.BOOL, true), optional("seed", Type.INT, 0))
            .shape((op, in, a) -> {
                double p = a.getDouble("p");
                if (!(p >= 0 && p <= 1)) {
                    throw new IllegalArgumentException(op + ": dropout probability has to be between 0 and 1, but got "
                            + p);
                }
                return in[0];
            })
            .forward(a -> {
                double[] x = a.in(0);
                double[] mask = mask(a.attrs(), x.length);
                if (mask == null) {
                    return x.clone();
                }
                double[] out = new double[x.length];
                for (int i = 0; i < x.length; i++) {
                    out[i] = x[i] * mask[i];
                }
                return out;
            })
            .backward(c -> {
                double[] mask = mask(c.attrs(), c.input(0).size());
                Shape s = c.input(0).shape();
                return new Tensor[] {mask == null ? c.grad() : c.grad().mul(TensorAccess.wrap(mask, s))};
            })
            .twiceDifferentiable()
            .forwardRule(ForwardRules.LINEAR)
            .samples((rng, m) -> {
                Shape s = Samplers.shape(rng, 0, 3, 4);
                double[] ps = {0, 0.2, 0.5, 0.8, 1};
                Attrs a = Attrs.of("p", ps[rng.nextInt(ps.length)], "seed", rng.nextInt(1000));
                if (rng.nextInt(4) == 0) {
                    a = a.with("training", false);
                }
                return new Sample(new Tensor[] {Samplers.tensor(rng, s, Domain.REAL, m)}, a);
            })
            .build();

    /**
     * The scaled keep-mask (0 or 1 / (1 - p) per entry) for {@code n} entries, or null for the
     * identity (not training, or p = 0). An entry is kept when its uniform draw is at least p.
     */
    static double[] mask(Attrs a, int n) {
        double p = a.getDouble("p");
        if (!a.getBool("training") || p == 0) {
            return null;
        }
        double[] m = new double[n];
        if (p == 1) {
            return m;
        }
        double scale = 1 / (1 - p);
        SplittableRandom rng = new SplittableRandom(a.getInt("seed"));
        for (int i = 0; i < n; i++) {
            m[i] = rng.nextDouble() >= p ? scale : 0;
        }
        return m;
    }
}

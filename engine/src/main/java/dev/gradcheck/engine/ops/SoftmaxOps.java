package dev.gradcheck.engine.ops;

import static dev.gradcheck.engine.op.AttrSpec.required;

import dev.gradcheck.engine.Attrs;
import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.op.AttrSpec.Type;
import dev.gradcheck.engine.op.Domain;
import dev.gradcheck.engine.op.InputSpec;
import dev.gradcheck.engine.op.OpDef;
import dev.gradcheck.engine.op.Sample;
import dev.gradcheck.engine.op.SampleGenerator;
import dev.gradcheck.engine.op.Samplers;

/** softmax and log_softmax along one dimension, computed stably (the maximum subtracted first). */
final class SoftmaxOps {
    private SoftmaxOps() {
    }

    static final OpDef SOFTMAX = OpDef.builder("softmax")
            .summary("exp(x) / sum(exp(x)) along dim, as torch.nn.functional.softmax")
            .inputs(InputSpec.real("input"))
            .attrs(required("dim", Type.INT))
            .shape(SoftmaxOps::shape)
            .forward(a -> softmax(a.in(0), a.shape(0), a.attrs().getInt("dim"), false))
            .backward(c -> {
                // dx = y * (g - sum(g * y, dim)); y is the recorded output, so this differentiates again
                int dim = c.attrs().getInt("dim");
                Tensor y = c.output();
                Tensor gy = c.grad().mul(y);
                return new Tensor[] {gy.sub(y.mul(gy.sum(dim, true)))};
            })
            .twiceDifferentiable()
            .forwardRule(c -> {
                // dy = y * (v - sum(y * v, dim))
                Tensor y = c.output();
                Tensor yv = y.mul(c.tangent(0));
                return yv.sub(y.mul(yv.sum(c.attrs().getInt("dim"), true)));
            })
            .samples(samples())
            .build();

    static final OpDef LOG_SOFTMAX = OpDef.builder("log_softmax")
            .summary("x - log(sum(exp(x))) along dim, as torch.nn.functional.log_softmax")
            .inputs(InputSpec.real("input"))
            .attrs(required("dim", Type.INT))
            .shape(SoftmaxOps::shape)
            .forward(a -> softmax(a.in(0), a.shape(0), a.attrs().getInt("dim"), true))
            .backward(c -> {
                // dx = g - softmax(x) * sum(g, dim)
                int dim = c.attrs().getInt("dim");
                Tensor p = c.input(0).softmax(dim);
                return new Tensor[] {c.grad().sub(p.mul(c.grad().sum(dim, true)))};
            })
            .twiceDifferentiable()
            .forwardRule(c -> {
                // dy = v - sum(softmax(x) * v, dim)
                int dim = c.attrs().getInt("dim");
                Tensor v = c.tangent(0);
                return v.sub(c.output().exp().mul(v).sum(dim, true));
            })
            .samples(samples())
            .build();

    private static Shape shape(String op, Shape[] in, Attrs a) {
        in[0].normalizeDim(a.getInt("dim"), op);
        return in[0];
    }

    /** softmax (or its log) of {@code x} along {@code dim}, stable for large inputs. */
    static double[] softmax(double[] x, Shape s, int dim, boolean log) {
        double[] out = new double[x.length];
        if (s.rank() == 0) {
            out[0] = log ? 0 : 1;
            return out;
        }
        int d = s.normalizeDim(dim, log ? "log_softmax" : "softmax");
        int n = s.dim(d);
        int inner = 1;
        for (int k = d + 1; k < s.rank(); k++) {
            inner *= s.dim(k);
        }
        int outer = n == 0 || inner == 0 ? 0 : x.length / (n * inner);
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int base = o * n * inner + i;
                double max = Double.NEGATIVE_INFINITY;
                for (int k = 0; k < n; k++) {
                    max = Math.max(max, x[base + k * inner]);
                }
                double sum = 0;
                for (int k = 0; k < n; k++) {
                    sum += Math.exp(x[base + k * inner] - max);
                }
                double logSum = Math.log(sum);
                for (int k = 0; k < n; k++) {
                    double z = x[base + k * inner] - max;
                    out[base + k * inner] = log ? z - logSum : Math.exp(z) / sum;
                }
            }
        }
        return out;
    }

    private static SampleGenerator samples() {
        return (rng, m) -> {
            Shape s = Samplers.shape(rng, 0, 3, 4);
            return new Sample(new Tensor[] {Samplers.tensor(rng, s, Domain.REAL, m)},
                    Attrs.of("dim", Samplers.dim(rng, s.rank())));
        };
    }
}

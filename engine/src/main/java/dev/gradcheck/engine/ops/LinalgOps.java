package dev.gradcheck.engine.ops;

import dev.gradcheck.engine.Attrs;
import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.ShapeException;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.op.Domain;
import dev.gradcheck.engine.op.InputSpec;
import dev.gradcheck.engine.op.OpDef;
import dev.gradcheck.engine.op.Sample;
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
            .shape((op, in, a) -> Plan.of(op, in[0], in[1]).out)
            .forward(a -> Plan.of("matmul", a.shape(0), a.shape(1)).multiply(a.in(0), a.in(1)))
            .backward(c -> matmulGrads(c.input(0), c.input(1), c.grad(), c.needs(0), c.needs(1)))
            .twiceDifferentiable()
            .samples(LinalgOps::matmulSample)
            .build();

    static final OpDef LINEAR = OpDef.builder("linear")
            .summary("input @ weight^T + bias, as torch.nn.functional.linear (weight [out, in] or [in])")
            .inputs(InputSpec.real("input"), InputSpec.real("weight"), InputSpec.optionalReal("bias"))
            .shape((op, in, a) -> linearShape(op, in))
            .forward(a -> {
                Shape ws = a.shape(1);
                double[] wt = a.in(1);
                Shape wts = ws;
                if (ws.rank() == 2) {
                    wt = ShapeOps.permuteValues(a.in(1), ws, new int[] {1, 0});
                    wts = Shape.of(ws.dim(1), ws.dim(0));
                }
                Plan p = Plan.of("linear", a.shape(0), wts);
                double[] out = p.multiply(a.in(0), wt);
                return a.count() == 3 ? Kernels.zip(out, p.out, a.in(2), a.shape(2), p.out, Double::sum) : out;
            })
            .backward(c -> {
                Tensor w = c.input(1);
                Tensor wt = w.rank() == 2 ? w.transpose(0, 1) : w;
                Tensor[] g = matmulGrads(c.input(0), wt, c.grad(), c.needs(0), c.needs(1));
                Tensor gw = g[1] == null || w.rank() != 2 ? g[1] : g[1].transpose(0, 1);
                Tensor gb = c.count() == 3 && c.needs(2) ? c.grad().sumToSize(c.input(2).shape()) : null;
                return c.count() == 3 ? new Tensor[] {g[0], gw, gb} : new Tensor[] {g[0], gw};
            })
            .twiceDifferentiable()
            .samples(LinalgOps::linearSample)
            .build();

    /**
     * How a matmul lays out: both operands as (batches of) matrices, a 1-D left operand as a row
     * [1, k] and a 1-D right operand as a column [k, 1], the batch dimensions broadcast.
     */
    static final class Plan {
        final Shape a;
        final Shape b;
        final Shape batch;
        final int n;
        final int k;
        final int m;
        /** The result before the dimensions added for 1-D operands are dropped. */
        final Shape full;
        final Shape out;

        private Plan(Shape a, Shape b, Shape batch, int n, int k, int m, Shape full, Shape out) {
            this.a = a;
            this.b = b;
            this.batch = batch;
            this.n = n;
            this.k = k;
            this.m = m;
            this.full = full;
            this.out = out;
        }

        /**
         * The layout of {@code x @ y}.
         *
         * @throws ShapeException naming the op and both shapes when they cannot be multiplied
         */
        static Plan of(String op, Shape x, Shape y) {
            String both = op + ": " + x + " x " + y + ": ";
            if (x.rank() == 0 || y.rank() == 0) {
                throw new ShapeException(both + "both arguments need to be at least 1-D, but they are "
                        + x.rank() + "-D and " + y.rank() + "-D");
            }
            Shape a = x.rank() == 1 ? Shape.of(1, x.dim(0)) : x;
            Shape b = y.rank() == 1 ? Shape.of(y.dim(0), 1) : y;
            int k = a.dim(-1);
            if (k != b.dim(-2)) {
                throw new ShapeException(both + "inner dimensions " + k + " and " + b.dim(-2) + " differ");
            }
            Shape ba = Shape.of(Arrays.copyOf(a.dims(), a.rank() - 2));
            Shape bb = Shape.of(Arrays.copyOf(b.dims(), b.rank() - 2));
            Shape batch;
            try {
                batch = Shape.broadcast(op, ba, bb);
            } catch (ShapeException e) {
                throw new ShapeException(both + "batch dimensions " + ba + " and " + bb + " do not broadcast");
            }
            int n = a.dim(-2);
            int m = b.dim(-1);
            int[] full = Arrays.copyOf(batch.dims(), batch.rank() + 2);
            full[batch.rank()] = n;
            full[batch.rank() + 1] = m;
            int[] out = Arrays.copyOf(batch.dims(), batch.rank() + 2);
            int r = batch.rank();
            if (x.rank() > 1) {
                out[r++] = n;
            }
            if (y.rank() > 1) {
                out[r++] = m;
            }
            return new Plan(a, b, batch, n, k, m, Shape.of(full), Shape.of(Arrays.copyOf(out, r)));
        }

        /** The product's values, one matrix product per (broadcast) batch index. */
        double[] multiply(double[] x, double[] y) {
            double[] c = new double[full.size()];
            int batches = batch.size();
            int rank = batch.rank();
            int[] sa = matrixStrides(a, rank);
            int[] sb = matrixStrides(b, rank);
            int[] dims = batch.dims();
            int[] idx = new int[rank];
            int oa = 0;
            int ob = 0;
            for (int t = 0; t < batches; t++) {
                gemm(x, oa * n * k, y, ob * k * m, c, t * n * m, n, k, m);
                for (int d = rank - 1; d >= 0; d--) {
                    idx[d]++;
                    oa += sa[d];
                    ob += sb[d];
                    if (idx[d] < dims[d]) {
                        break;
                    }
                    oa -= sa[d] * dims[d];
                    ob -= sb[d] * dims[d];
                    idx[d] = 0;
                }
            }
            return c;
        }

        /** Strides, in whole matrices, of an operand's batch dimensions read as broadcast to {@code rank}. */
        private static int[] matrixStrides(Shape operand, int rank) {
            Shape own = Shape.of(Arrays.copyOf(operand.dims(), operand.rank() - 2));
            int[] target = new int[rank];
            Arrays.fill(target, 1);
            int off = rank - own.rank();
            for (int d = 0; d < own.rank(); d++) {
                target[d + off] = own.dim(d);
            }
            // any target with the right rank will do: only own's strides and its size-1 dims matter
            return Kernels.broadcastStrides(own, Shape.of(target));
        }
    }

    /** Block sizes of the i-k-j loop: a block of B's rows stays in cache while A's rows stream by. */
    private static final int BLOCK_I = 64;
    private static final int BLOCK_K = 128;
    private static final int BLOCK_J = 512;

    /**
     * c[n x m] += a[n x k] * b[k x m] (row-major, at the given offsets), cache-blocked in i-k-j order
     * so that the innermost loop runs along contiguous rows of b and c, which the JIT vectorises.
     */
    static void gemm(double[] a, int aOff, double[] b, int bOff, double[] c, int cOff, int n, int k, int m) {
        for (int i0 = 0; i0 < n; i0 += BLOCK_I) {
            int i1 = Math.min(i0 + BLOCK_I, n);
            for (int p0 = 0; p0 < k; p0 += BLOCK_K) {
                int p1 = Math.min(p0 + BLOCK_K, k);
                for (int j0 = 0; j0 < m; j0 += BLOCK_J) {
                    int j1 = Math.min(j0 + BLOCK_J, m);
                    for (int i = i0; i < i1; i++) {
                        int ci = cOff + i * m;
                        int ai = aOff + i * k;
                        for (int p = p0; p < p1; p++) {
                            double aip = a[ai + p];
                            int bp = bOff + p * m;
                            for (int j = j0; j < j1; j++) {
                                c[ci + j] += aip * b[bp + j];
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * The gradients of {@code a @ b} given the output's gradient {@code g}, with differentiable ops
     * only: {@code g @ b^T} and {@code a^T @ g}, summed over broadcast batch dimensions.
     */
    static Tensor[] matmulGrads(Tensor a, Tensor b, Tensor g, boolean needA, boolean needB) {
        Plan p = Plan.of("matmul", a.shape(), b.shape());
        Tensor a2 = a.rank() == 1 ? a.unsqueeze(0) : a;
        Tensor b2 = b.rank() == 1 ? b.unsqueeze(-1) : b;
        Tensor g2 = g.shape().equals(p.full) ? g : g.reshape(p.full.dims());
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
        Shape out = Plan.of(op, x, w.rank() == 2 ? Shape.of(w.dim(1), w.dim(0)) : w).out;
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

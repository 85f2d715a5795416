package dev.gradcheck.engine.ops;

import dev.gradcheck.engine.Attrs;
import dev.gradcheck.engine.GradMode;
import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.ShapeException;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.internal.TensorAccess;
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
            .additiveBias()
            .shape((op, in, a) -> linearShape(op, in))
            .forward(a -> {
                Shape ws = a.shape(1);
                Shape wts = ws.rank() == 2 ? Shape.of(ws.dim(1), ws.dim(0)) : ws;
                Plan p = Plan.of("linear", a.shape(0), wts);
                double[] out;
                if (ws.rank() == 2) {
                    // input rows times weight^T, read in place (no transposed copy)
                    int in = ws.dim(1);
                    out = MatmulKernels.multiplyNT(a.in(0), a.in(1), leadingRows(a.shape(0)), in, ws.dim(0));
                } else {
                    out = p.multiply(a.in(0), a.in(1));
                }
                return a.count() == 3 ? Arithmetic.zip(Arithmetic.Op.ADD, out, p.out, a.in(2), a.shape(2), p.out) : out;
            })
            .backward(c -> {
                Tensor w = c.input(1);
                Tensor gb = c.count() == 3 && c.needs(2) ? c.grad().sumToSize(c.input(2).shape()) : null;
                Tensor[] g = w.rank() == 2 && !GradMode.isEnabled()
                        ? linearGradsDirect(c.input(0), w, c.grad(), c.needs(0), c.needs(1)) : null;
                if (g == null) {
                    Tensor wt = w.rank() == 2 ? w.transpose(0, 1) : w;
                    g = matmulGrads(c.input(0), wt, c.grad(), c.needs(0), c.needs(1));
                    g[1] = g[1] == null || w.rank() != 2 ? g[1] : g[1].transpose(0, 1);
                }
                return c.count() == 3 ? new Tensor[] {g[0], g[1], gb} : new Tensor[] {g[0], g[1]};
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
                MatmulKernels.gemm(x, oa * n * k, k, 1, y, ob * k * m, m, 1, c, t * n * m, n, k, m);
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

    /**
     * The gradients of {@code a @ b} given the output's gradient {@code g}, with differentiable ops
     * only: {@code g @ b^T} and {@code a^T @ g}, summed over broadcast batch dimensions.
     */
    static Tensor[] matmulGrads(Tensor a, Tensor b, Tensor g, boolean needA, boolean needB) {
        Plan p = Plan.of("matmul", a.shape(), b.shape());
        if (!GradMode.isEnabled()) {
            Tensor[] direct = matmulGradsDirect(p, a, b, g, needA, needB);
            if (direct != null) {
                return direct;
            }
        }
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

    /**
     * The same gradients computed straight from the arrays, reading the transposed operands in
     * place ({@code g·bᵀ}, {@code aᵀ·g}) instead of materialising transposes. Only when no graph
     * is being recorded (a first-order backward), since nothing here is differentiable; null for
     * layouts it does not cover (an operand broadcast over batch dimensions), which then take the
     * differentiable path. Each entry accumulates in the same order as that path, except that a
     * 2-D {@code b} under a batched {@code a} sums its gradient over all rows at once.
     */
    private static Tensor[] matmulGradsDirect(Plan p, Tensor a, Tensor b, Tensor g, boolean needA, boolean needB) {
        double[] ad = TensorAccess.data(a);
        double[] bd = TensorAccess.data(b);
        double[] gd = TensorAccess.data(g);
        int n = p.n;
        int k = p.k;
        int m = p.m;
        double[] ga = null;
        double[] gb = null;
        if (p.b.rank() == 2) {
            int rows = leadingRows(p.a); // a's batch dimensions flattened into its rows
            ga = needA ? MatmulKernels.multiplyNT(gd, bd, rows, m, k) : null;
            gb = needB ? MatmulKernels.multiplyTN(ad, gd, k, rows, m) : null;
        } else {
            Shape ba = Shape.of(Arrays.copyOf(p.a.dims(), p.a.rank() - 2));
            Shape bb = Shape.of(Arrays.copyOf(p.b.dims(), p.b.rank() - 2));
            if (!ba.equals(p.batch) || !bb.equals(p.batch)) {
                return null;
            }
            int batches = p.batch.size();
            ga = needA ? new double[ad.length] : null;
            gb = needB ? new double[bd.length] : null;
            for (int t = 0; t < batches; t++) {
                if (needA) { // g[t] (n x m) · b[t]ᵀ
                    MatmulKernels.gemm(gd, t * n * m, m, 1, bd, t * k * m, 1, m, ga, t * n * k, n, m, k);
                }
                if (needB) { // a[t]ᵀ (k x n) · g[t]
                    MatmulKernels.gemm(ad, t * n * k, 1, k, gd, t * n * m, m, 1, gb, t * k * m, k, n, m);
                }
            }
        }
        return new Tensor[] {ga == null ? null : TensorAccess.wrap(ga, a.shape()),
            gb == null ? null : TensorAccess.wrap(gb, b.shape())};
    }

    /** linear's first-order gradients from the arrays: {@code g·w} and {@code gᵀ·x} for a 2-D weight. */
    private static Tensor[] linearGradsDirect(Tensor x, Tensor w, Tensor g, boolean needX, boolean needW) {
        int out = w.shape().dim(0);
        int in = w.shape().dim(1);
        double[] gd = TensorAccess.data(g);
        int rows = leadingRows(x.shape());
        Tensor gx = needX ? TensorAccess.wrap(MatmulKernels.multiply(gd, TensorAccess.data(w), rows, out, in),
                x.shape()) : null;
        Tensor gw = needW ? TensorAccess.wrap(MatmulKernels.multiplyTN(gd, TensorAccess.data(x), out, rows, in),
                w.shape()) : null;
        return new Tensor[] {gx, gw};
    }

    /** The number of rows of a row-major tensor read as a matrix [rows, last dimension]. */
    private static int leadingRows(Shape s) {
        int rows = 1;
        for (int d = 0; d < s.rank() - 1; d++) {
            rows *= s.dim(d);
        }
        return rows;
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

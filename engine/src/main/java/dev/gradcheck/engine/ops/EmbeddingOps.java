package dev.gradcheck.engine.ops;

import static dev.gradcheck.engine.op.AttrSpec.required;

import dev.gradcheck.engine.Attrs;
import dev.gradcheck.engine.Ops;
import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.ShapeException;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.op.AttrSpec.Type;
import dev.gradcheck.engine.op.Domain;
import dev.gradcheck.engine.op.IndexRange;
import dev.gradcheck.engine.op.ForwardRules;
import dev.gradcheck.engine.op.InputSpec;
import dev.gradcheck.engine.op.OpDef;
import dev.gradcheck.engine.op.Sample;
import dev.gradcheck.engine.op.Samplers;
import java.util.Arrays;

/**
 * embedding (rows of a weight matrix picked by int64 indices) and its internal adjoint
 * embedding_dense_backward (gradients scattered back into rows); each is the other's backward,
 * so embedding is differentiable to any order.
 */
final class EmbeddingOps {
    private EmbeddingOps() {
    }

    static final OpDef EMBEDDING = OpDef.builder("embedding")
            .summary("weight[input]: the rows of weight picked by int64 indices, as torch.nn.functional.embedding")
            .inputs(InputSpec.index("input", IndexRange.into("embedding index", 1, 0, null)), InputSpec.any("weight"))
            .shape((op, in, a) -> {
                Shape w = in[1];
                if (w.rank() != 2) {
                    throw new ShapeException(op + ": weight must be 2-D (num_embeddings, embedding_dim), got weight "
                            + w + " with indices " + in[0]);
                }
                int[] d = Arrays.copyOf(in[0].dims(), in[0].rank() + 1);
                d[in[0].rank()] = w.dim(1);
                return Shape.of(d);
            })
            .forward(a -> {
                double[] idx = a.in(0);
                double[] w = a.in(1);
                Shape ws = a.shape(1);
                int dim = ws.dim(1);
                double[] out = new double[a.out().size()];
                for (int i = 0; i < idx.length; i++) {
                    int row = checkIndex("embedding", idx[i], ws.dim(0), ws, a.shape(0));
                    System.arraycopy(w, row * dim, out, i * dim, dim);
                }
                return out;
            })
            .backward(c -> new Tensor[] {null, c.needs(1)
                    ? Ops.apply("embedding_dense_backward", Attrs.of("num_weights", c.input(1).shape().dim(0)),
                            c.grad(), c.input(0))
                    : null})
            .twiceDifferentiable()
            .forwardRule(ForwardRules.LINEAR)
            .picksRowsOf(1)
            .samples((rng, m) -> {
                int rows = 1 + rng.nextInt(5);
                int dim = 1 + rng.nextInt(4);
                Shape idx = Samplers.shape(rng, 0, 2, 4);
                return new Sample(new Tensor[] {Samplers.indices(rng, idx, rows),
                    Samplers.tensor(rng, Shape.of(rows, dim), Domain.REAL, m)}, Attrs.EMPTY);
            })
            .build();

    static final OpDef EMBEDDING_DENSE_BACKWARD = OpDef.builder("embedding_dense_backward")
            .summary("internal: scatter-adds grad_output rows into a (num_weights, embedding_dim) gradient; "
                    + "the adjoint of embedding")
            .inputs(InputSpec.real("grad_output"), InputSpec.index("indices"))
            .attrs(required("num_weights", Type.INT))
            .shape((op, in, a) -> {
                Shape g = in[0];
                Shape idx = in[1];
                int n = a.getInt("num_weights");
                if (n < 0) {
                    throw new ShapeException(op + ": num_weights must be non-negative, got " + n);
                }
                if (g.rank() != idx.rank() + 1 || !Arrays.equals(Arrays.copyOf(g.dims(), idx.rank()), idx.dims())) {
                    throw new ShapeException(op + ": grad_output " + g + " must be the indices' shape " + idx
                            + " followed by embedding_dim");
                }
                return Shape.of(n, g.dim(-1));
            })
            .forward(a -> {
                double[] g = a.in(0);
                double[] idx = a.in(1);
                int dim = a.out().dim(1);
                int rows = a.out().dim(0);
                double[] out = new double[a.out().size()];
                for (int i = 0; i < idx.length; i++) {
                    int row = checkIndex("embedding_dense_backward", idx[i], rows, a.out(), a.shape(1));
                    for (int j = 0; j < dim; j++) {
                        out[row * dim + j] += g[i * dim + j];
                    }
                }
                return out;
            })
            .backward(c -> new Tensor[] {c.needs(0)
                    ? Ops.apply("embedding", Attrs.EMPTY, c.input(1), c.grad()) : null, null})
            .twiceDifferentiable()
            .forwardRule(ForwardRules.LINEAR)
            .internal()
            .samples((rng, m) -> {
                int rows = 1 + rng.nextInt(5);
                int dim = 1 + rng.nextInt(4);
                Shape idx = Samplers.shape(rng, 0, 2, 4);
                int[] gd = Arrays.copyOf(idx.dims(), idx.rank() + 1);
                gd[idx.rank()] = dim;
                return new Sample(new Tensor[] {Samplers.tensor(rng, Shape.of(gd), Domain.REAL, m),
                    Samplers.indices(rng, idx, rows)}, Attrs.of("num_weights", rows));
            })
            .build();

    private static int checkIndex(String op, double v, int rows, Shape weight, Shape indices) {
        if (v < 0 || v >= rows) {
            throw new IllegalArgumentException(op + ": index " + (long) v + " is out of range for weight " + weight
                    + " (valid indices are 0.." + (rows - 1) + "; indices " + indices + ")");
        }
        return (int) v;
    }
}

package dev.gradcheck.engine.ops;

import static dev.gradcheck.engine.op.AttrSpec.optional;

import dev.gradcheck.engine.Attrs;
import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.ShapeException;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.op.AttrSpec.Type;
import dev.gradcheck.engine.op.Domain;
import dev.gradcheck.engine.op.ForwardRules;
import dev.gradcheck.engine.op.InputSpec;
import dev.gradcheck.engine.op.OpDef;
import dev.gradcheck.engine.op.Sample;
import dev.gradcheck.engine.op.Samplers;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * flatten (a run of dimensions merged into one) and stack (tensors of one shape joined along a
 * new dimension). Neither computes on the values; their backward rules are reshape and narrow.
 */
final class LayoutOps {
    private LayoutOps() {
    }

    static final OpDef FLATTEN = OpDef.builder("flatten")
            .summary("merges dimensions start_dim..end_dim (inclusive; negative counts from the end) into one, "
                    + "as torch.flatten; a 0-d input becomes [1]")
            .inputs(InputSpec.any("input"))
            .attrs(optional("start_dim", Type.INT, 0), optional("end_dim", Type.INT, -1))
            .shape((op, in, a) -> flattened(op, in[0], a.getInt("start_dim"), a.getInt("end_dim")))
            .forward(a -> a.in(0).clone())
            .backward(c -> new Tensor[] {c.grad().reshape(c.input(0).shape().dims())})
            .twiceDifferentiable()
            .forwardRule(ForwardRules.LINEAR)
            .samples((rng, m) -> {
                Shape s = Samplers.shape(rng, 0, 4, 3);
                int r = Math.max(s.rank(), 1);
                int start = rng.nextInt(r);
                int end = start + rng.nextInt(r - start);
                Attrs a = Attrs.of("start_dim", rng.nextBoolean() ? start - r : start,
                        "end_dim", rng.nextBoolean() ? end - r : end);
                return new Sample(new Tensor[] {Samplers.tensor(rng, s, Domain.REAL, m)},
                        rng.nextInt(4) == 0 ? Attrs.EMPTY : a);
            })
            .build();

    static final OpDef STACK = OpDef.builder("stack")
            .summary("joins tensors of one shape along a new dimension dim (in [-rank-1, rank]), as torch.stack")
            .variadic(InputSpec.any("tensors"))
            .attrs(optional("dim", Type.INT, 0))
            .shape((op, in, a) -> {
                for (int i = 1; i < in.length; i++) {
                    if (!in[i].equals(in[0])) {
                        throw new ShapeException(op + ": " + Arrays.stream(in).map(Shape::toString)
                                .collect(Collectors.joining(", ")) + ": every tensor must have the same shape, but "
                                + "tensor 0 is " + in[0] + " and tensor " + i + " is " + in[i]);
                    }
                }
                int d = Shape.normalizeDim(a.getInt("dim"), in[0].rank() + 1, op, in[0]);
                return Shape.of(inserted(in[0].dims(), d, in.length));
            })
            .forward(a -> {
                Shape s = a.shape(0);
                int d = Shape.normalizeDim(a.attrs().getInt("dim"), s.rank() + 1, "stack", s);
                // the output as (outer, count, inner): tensor i fills the slots of index i
                int outer = 1;
                for (int k = 0; k < d; k++) {
                    outer *= s.dim(k);
                }
                int inner = 1;
                for (int k = d; k < s.rank(); k++) {
                    inner *= s.dim(k);
                }
                int count = a.count();
                double[] out = new double[a.out().size()];
                for (int i = 0; i < count; i++) {
                    for (int o = 0; o < outer; o++) {
                        System.arraycopy(a.in(i), o * inner, out, (o * count + i) * inner, inner);
                    }
                }
                return out;
            })
            .backward(c -> {
                Shape s = c.input(0).shape();
                int d = Shape.normalizeDim(c.attrs().getInt("dim"), s.rank() + 1, "stack", s);
                Tensor[] g = new Tensor[c.count()];
                for (int i = 0; i < g.length; i++) {
                    g[i] = c.needs(i) ? c.grad().narrow(d, i, 1).reshape(s.dims()) : null;
                }
                return g;
            })
            .twiceDifferentiable()
            .forwardRule(ForwardRules.LINEAR)
            .samples((rng, m) -> {
                Shape s = Samplers.shape(rng, 0, 3, 4);
                int d = rng.nextInt(s.rank() + 1);
                Tensor[] parts = new Tensor[1 + rng.nextInt(3)];
                for (int i = 0; i < parts.length; i++) {
                    parts[i] = Samplers.tensor(rng, s, Domain.REAL, m);
                }
                return new Sample(parts, Attrs.of("dim", rng.nextBoolean() ? d - s.rank() - 1 : d));
            })
            .build();

    /** The shape of flatten(start_dim, end_dim), with PyTorch's checks. */
    static Shape flattened(String op, Shape x, int startDim, int endDim) {
        int start = x.normalizeDim(startDim, op);
        int end = x.normalizeDim(endDim, op);
        if (x.rank() == 0) {
            return Shape.of(1);
        }
        if (start > end) {
            throw new ShapeException(op + ": start_dim " + startDim + " comes after end_dim " + endDim + " (input " + x
                    + ")");
        }
        int[] d = x.dims();
        long merged = 1;
        for (int k = start; k <= end; k++) {
            merged = Math.multiplyExact(merged, (long) d[k]);
        }
        if (merged > Integer.MAX_VALUE) {
            // only possible for an empty input, e.g. [0, 65536, 65536] flattened from 1
            throw new ShapeException(op + ": flattening dimensions " + start + ".." + end + " of input " + x
                    + " gives a dimension of " + merged + ", more than the engine's int dimensions hold");
        }
        int[] out = new int[d.length - (end - start)];
        System.arraycopy(d, 0, out, 0, start);
        out[start] = (int) merged;
        System.arraycopy(d, end + 1, out, start + 1, d.length - end - 1);
        return Shape.of(out);
    }

    private static int[] inserted(int[] dims, int at, int value) {
        int[] out = new int[dims.length + 1];
        System.arraycopy(dims, 0, out, 0, at);
        out[at] = value;
        System.arraycopy(dims, at, out, at + 1, dims.length - at);
        return out;
    }

    static List<OpDef> all() {
        return List.of(FLATTEN, STACK);
    }
}

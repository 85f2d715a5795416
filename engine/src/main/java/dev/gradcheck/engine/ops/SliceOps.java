package dev.gradcheck.engine.ops;

import static dev.gradcheck.engine.op.AttrSpec.optional;
import static dev.gradcheck.engine.op.AttrSpec.required;

import dev.gradcheck.engine.Attrs;
import dev.gradcheck.engine.Ops;
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
import java.util.List;

/**
 * slice, PyTorch's {@code aten::slice(input, dim, start, end, step)}: what Python's
 * {@code input[..., start:end:step]} computes along one dimension, and what TorchScript and
 * torch.fx graphs (and ONNX Slice with positive steps) call it. Its internal adjoint
 * slice_backward (PyTorch's name too) puts a gradient back into a zero tensor of the input's
 * shape; each is the other's backward.
 */
final class SliceOps {
    private SliceOps() {
    }

    static final OpDef SLICE = OpDef.builder("slice")
            .summary("entries start, start+step, ... below end of dimension dim, as input[start:end:step] along dim "
                    + "(aten::slice); start and end default to the whole dimension, count from the end when negative "
                    + "and are clamped to it; step must be positive")
            .inputs(InputSpec.any("input"))
            .attrs(optional("dim", Type.INT, 0), optional("start", Type.INT, null), optional("end", Type.INT, null),
                    optional("step", Type.INT, 1))
            .shape((op, in, a) -> {
                Range r = Range.of(op, in[0], a);
                return in[0].with(r.dim, r.length());
            })
            .forward(a -> {
                Range r = Range.of("slice", a.shape(0), a.attrs());
                return slice(a.in(0), a.shape(0), r);
            })
            .backward(c -> {
                Range r = Range.of("slice", c.input(0).shape(), c.attrs());
                return new Tensor[] {Ops.apply("slice_backward", r.attrs().with("input_sizes",
                        c.input(0).shape().dims()), c.grad())};
            })
            .twiceDifferentiable()
            .forwardRule(ForwardRules.LINEAR)
            .samples((rng, m) -> {
                Shape s = Samplers.shape(rng, 1, 3, 5);
                int dim = Samplers.dim(rng, s.rank());
                int size = s.dim(s.normalizeDim(dim, "slice"));
                Attrs a = Attrs.of("dim", dim, "step", 1 + rng.nextInt(3));
                // start and end anywhere in [-size - 2, size + 2] (clamped), or left out (None)
                if (rng.nextInt(4) != 0) {
                    a = a.with("start", rng.nextInt(2 * size + 5) - size - 2);
                }
                if (rng.nextInt(4) != 0) {
                    a = a.with("end", rng.nextInt(2 * size + 5) - size - 2);
                }
                return new Sample(new Tensor[] {Samplers.tensor(rng, s, Domain.REAL, m)}, a);
            })
            .build();

    static final OpDef SLICE_BACKWARD = OpDef.builder("slice_backward")
            .summary("internal: zeros of shape input_sizes with grad placed at the entries slice(dim, start, end, step) "
                    + "reads; the adjoint of slice")
            .inputs(InputSpec.real("grad"))
            .attrs(required("input_sizes", Type.INTS), required("dim", Type.INT), required("start", Type.INT),
                    required("end", Type.INT), required("step", Type.INT))
            .shape((op, in, a) -> {
                Shape x = Shape.of(a.getInts("input_sizes"));
                Range r = Range.of(op, x, a);
                if (!in[0].equals(x.with(r.dim, r.length()))) {
                    throw new ShapeException(op + ": grad " + in[0] + " must have shape " + x.with(r.dim, r.length())
                            + " (the slice of input_sizes " + x + ")");
                }
                return x;
            })
            .forward(a -> {
                Range r = Range.of("slice_backward", a.out(), a.attrs());
                return unslice(a.in(0), a.out(), r);
            })
            .backward(c -> {
                Range r = Range.of("slice_backward", Shape.of(c.attrs().getInts("input_sizes")), c.attrs());
                return new Tensor[] {Ops.apply("slice", r.attrs(), c.grad())};
            })
            .twiceDifferentiable()
            .forwardRule(ForwardRules.LINEAR)
            .internal()
            .samples((rng, m) -> {
                Sample s = SLICE.samples().draw(rng, m);
                Shape x = s.inputs()[0].shape();
                Range r = Range.of("slice", x, SLICE.resolve(s.attrs()));
                Tensor g = Samplers.tensor(rng, x.with(r.dim, r.length()), Domain.REAL, m);
                return new Sample(new Tensor[] {g}, r.attrs().with("input_sizes", x.dims()));
            })
            .build();

    /** A slice along {@code dim}: start in [0, size], end in [start, size], step positive. */
    private record Range(int dim, int start, int end, int step) {
        /**
         * As PyTorch: None is the whole dimension; a negative start or end counts from the end; both
         * are then clamped to [0, size], and an end before start gives an empty slice.
         */
        static Range of(String op, Shape x, Attrs a) {
            if (x.rank() == 0) {
                throw new ShapeException(op + ": cannot be applied to a 0-d tensor (input " + x + ")");
            }
            int dim = x.normalizeDim(a.getInt("dim"), op);
            int step = a.getInt("step");
            if (step <= 0) {
                throw new IllegalArgumentException(op + ": step must be positive, got " + step + " (input " + x
                        + "); PyTorch's slice has no negative steps");
            }
            long size = x.dim(dim);
            long start = bound(a.get("start") == null ? 0 : a.getInt("start"), size);
            long end = Math.max(start, bound(a.get("end") == null ? size : a.getInt("end"), size));
            return new Range(dim, (int) start, (int) end, step);
        }

        private static long bound(long v, long size) {
            return Math.min(Math.max(v < 0 ? v + size : v, 0), size);
        }

        /** Entries taken: ceil((end - start) / step). */
        int length() {
            return (end - start + step - 1) / step;
        }

        /** The normalised attributes (dim, start, end, step). */
        Attrs attrs() {
            return Attrs.of("dim", dim, "start", start, "end", end, "step", step);
        }
    }

    private static double[] slice(double[] x, Shape xs, Range r) {
        int outer = outer(xs, r.dim);
        int inner = xs.strides()[r.dim];
        int n = r.length();
        double[] out = new double[outer * n * inner];
        for (int o = 0; o < outer; o++) {
            for (int j = 0; j < n; j++) {
                System.arraycopy(x, (o * xs.dim(r.dim) + r.start + j * r.step) * inner, out, (o * n + j) * inner, inner);
            }
        }
        return out;
    }

    /** The adjoint of {@link #slice}: the slices of {@code grad} written back in place, zeros elsewhere. */
    private static double[] unslice(double[] grad, Shape xs, Range r) {
        int outer = outer(xs, r.dim);
        int inner = xs.strides()[r.dim];
        int n = r.length();
        double[] out = new double[xs.size()];
        for (int o = 0; o < outer; o++) {
            for (int j = 0; j < n; j++) {
                System.arraycopy(grad, (o * n + j) * inner, out, (o * xs.dim(r.dim) + r.start + j * r.step) * inner, inner);
            }
        }
        return out;
    }

    private static int outer(Shape s, int dim) {
        int n = 1;
        for (int d = 0; d < dim; d++) {
            n *= s.dim(d);
        }
        return n;
    }

    static List<OpDef> all() {
        return List.of(SLICE, SLICE_BACKWARD);
    }
}

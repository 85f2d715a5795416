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
import java.util.Arrays;
import java.util.List;

/** Ops that move values without computing on them: reshape, transpose, permute, squeeze, … */
final class ShapeOps {
    private ShapeOps() {
    }

    static final OpDef RESHAPE = OpDef.builder("reshape")
            .summary("the same values in a new shape; one dimension may be -1 (inferred)")
            .inputs(InputSpec.any("input"))
            .attrs(required("shape", Type.INTS))
            .shape((op, in, a) -> reshaped(op, in[0], a.getInts("shape")))
            .forward(a -> a.in(0).clone())
            .backward(c -> new Tensor[] {c.grad().reshape(c.input(0).shape().dims())})
            .twiceDifferentiable()
            .forwardRule(ForwardRules.LINEAR)
            .samples((rng, m) -> {
                Shape s = Samplers.shape(rng, 0, 3, 4);
                int[] target = rng.nextBoolean() ? new int[] {s.size()} : new int[] {-1, 1};
                if (s.rank() >= 2 && rng.nextBoolean()) {
                    target = new int[] {s.dim(0), -1};
                }
                return new Sample(new Tensor[] {Samplers.tensor(rng, s, Domain.REAL, m)}, Attrs.of("shape", target));
            })
            .build();

    /** The shape {@code reshape(shape)} gives, with a -1 inferred. */
    static Shape reshaped(String op, Shape in, int[] shape) {
        int infer = -1;
        long known = 1;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] == -1) {
                if (infer >= 0) {
                    throw new ShapeException(op + ": shape " + Arrays.toString(shape) + " has more than one -1");
                }
                infer = i;
            } else if (shape[i] < 0) {
                throw new ShapeException(op + ": shape " + Arrays.toString(shape) + " has a negative dimension");
            } else {
                known = Math.multiplyExact(known, shape[i]);
            }
        }
        int[] out = shape.clone();
        if (infer >= 0) {
            if (known == 0 || in.size() % known != 0) {
                throw new ShapeException(op + ": shape " + Arrays.toString(shape) + " is invalid for an input of shape "
                        + in + " (" + in.size() + " elements)");
            }
            out[infer] = (int) (in.size() / known);
        } else if (known != in.size()) {
            throw new ShapeException(op + ": shape " + Arrays.toString(shape) + " is invalid for an input of shape "
                    + in + " (" + in.size() + " elements)");
        }
        return Shape.of(out);
    }


    static final OpDef TRANSPOSE = OpDef.builder("transpose")
            .summary("swaps dimensions dim0 and dim1 (negative dims count from the end)")
            .inputs(InputSpec.any("input"))
            .attrs(required("dim0", Type.INT), required("dim1", Type.INT))
            .shape((op, in, a) -> Shape.of(permuted(in[0].dims(), swap(op, in[0], a))))
            .forward(a -> permuteValues(a.in(0), a.shape(0), swap("transpose", a.shape(0), a.attrs())))
            .backward(c -> new Tensor[] {c.grad().transpose(c.attrs().getInt("dim0"), c.attrs().getInt("dim1"))})
            .twiceDifferentiable()
            .forwardRule(ForwardRules.LINEAR)
            .samples((rng, m) -> {
                Shape s = Samplers.shape(rng, 0, 3, 4);
                return new Sample(new Tensor[] {Samplers.tensor(rng, s, Domain.REAL, m)},
                        Attrs.of("dim0", Samplers.dim(rng, s.rank()), "dim1", Samplers.dim(rng, s.rank())));
            })
            .build();

    static final OpDef PERMUTE = OpDef.builder("permute")
            .summary("reorders the dimensions: output dimension i is input dimension dims[i]")
            .inputs(InputSpec.any("input"))
            .attrs(required("dims", Type.INTS))
            .shape((op, in, a) -> Shape.of(permuted(in[0].dims(), permutation(op, in[0], a.getInts("dims")))))
            .forward(a -> permuteValues(a.in(0), a.shape(0), permutation("permute", a.shape(0), a.attrs().getInts("dims"))))
            .backward(c -> {
                int[] p = permutation("permute", c.input(0).shape(), c.attrs().getInts("dims"));
                int[] inverse = new int[p.length];
                for (int i = 0; i < p.length; i++) {
                    inverse[p[i]] = i;
                }
                return new Tensor[] {c.grad().permute(inverse)};
            })
            .twiceDifferentiable()
            .forwardRule(ForwardRules.LINEAR)
            .samples((rng, m) -> {
                Shape s = Samplers.shape(rng, 0, 3, 4);
                int r = s.rank();
                int[] p = new int[r];
                for (int i = 0; i < r; i++) {
                    p[i] = i;
                }
                for (int i = r - 1; i > 0; i--) {
                    int j = rng.nextInt(i + 1);
                    int t = p[i];
                    p[i] = p[j];
                    p[j] = t;
                }
                for (int i = 0; i < r; i++) {
                    if (rng.nextBoolean()) {
                        p[i] -= r;
                    }
                }
                return new Sample(new Tensor[] {Samplers.tensor(rng, s, Domain.REAL, m)}, Attrs.of("dims", p));
            })
            .build();

    static final OpDef SQUEEZE = OpDef.builder("squeeze")
            .summary("removes dimension dim if its size is 1 (left alone otherwise), or every size-1 dimension "
                    + "when dim is absent")
            .inputs(InputSpec.any("input"))
            .attrs(optional("dim", Type.INT, null))
            .shape((op, in, a) -> squeezed(op, in[0], a))
            .forward(a -> a.in(0).clone())
            .backward(c -> new Tensor[] {c.grad().reshape(c.input(0).shape().dims())})
            .twiceDifferentiable()
            .forwardRule(ForwardRules.LINEAR)
            .samples((rng, m) -> {
                Shape s = shapeWithOnes(rng);
                Attrs a = rng.nextInt(3) == 0 ? Attrs.EMPTY : Attrs.of("dim", Samplers.dim(rng, s.rank()));
                return new Sample(new Tensor[] {Samplers.tensor(rng, s, Domain.REAL, m)}, a);
            })
            .build();

    static final OpDef UNSQUEEZE = OpDef.builder("unsqueeze")
            .summary("inserts a dimension of size 1 at position dim (in [-rank-1, rank])")
            .inputs(InputSpec.any("input"))
            .attrs(required("dim", Type.INT))
            .shape((op, in, a) -> {
                int[] d = in[0].dims();
                int k = Shape.normalizeDim(a.getInt("dim"), d.length + 1, op, in[0]);
                int[] out = new int[d.length + 1];
                System.arraycopy(d, 0, out, 0, k);
                out[k] = 1;
                System.arraycopy(d, k, out, k + 1, d.length - k);
                return Shape.of(out);
            })
            .forward(a -> a.in(0).clone())
            .backward(c -> new Tensor[] {c.grad().reshape(c.input(0).shape().dims())})
            .twiceDifferentiable()
            .forwardRule(ForwardRules.LINEAR)
            .samples((rng, m) -> {
                Shape s = Samplers.shape(rng, 0, 3, 4);
                int dim = rng.nextInt(s.rank() + 1);
                if (rng.nextBoolean()) {
                    dim -= s.rank() + 1;
                }
                return new Sample(new Tensor[] {Samplers.tensor(rng, s, Domain.REAL, m)}, Attrs.of("dim", dim));
            })
            .build();

    static final OpDef CAT = OpDef.builder("cat")
            .summary("concatenates the inputs along dim; their other sizes must match (1-D empty tensors are "
                    + "skipped, as PyTorch)")
            .variadic(InputSpec.any("tensors"))
            .attrs(optional("dim", Type.INT, 0))
            .shape((op, in, a) -> catShape(op, in, a.getInt("dim")))
            .forward(a -> {
                Shape out = a.out();
                if (out.rank() == 1 && out.dim(0) == 0) {
                    return new double[0];
                }
                int dim = out.normalizeDim(a.attrs().getInt("dim"), "cat");
                return catValues(a.data(), a.shapes(), out, dim);
            })
            .backward(c -> {
                Shape out = c.output().shape();
                Tensor[] g = new Tensor[c.count()];
                if (out.rank() == 1 && out.dim(0) == 0) {
                    for (int i = 0; i < g.length; i++) {
                        g[i] = c.needs(i) ? c.input(i).zerosLike() : null;
                    }
                    return g;
                }
                int dim = out.normalizeDim(c.attrs().getInt("dim"), "cat");
                int offset = 0;
                for (int i = 0; i < g.length; i++) {
                    Shape s = c.input(i).shape();
                    if (skippedInCat(s)) {
                        g[i] = c.needs(i) ? c.input(i).zerosLike() : null;
                        continue;
                    }
                    int len = s.dim(dim);
                    g[i] = c.needs(i) ? c.grad().narrow(dim, offset, len) : null;
                    offset += len;
                }
                return g;
            })
            .twiceDifferentiable()
            .forwardRule(ForwardRules.LINEAR)
            .samples((rng, m) -> {
                Shape s = Samplers.shape(rng, 1, 3, 4);
                int dim = Samplers.dim(rng, s.rank());
                int k = s.normalizeDim(dim, "cat");
                Tensor[] parts = new Tensor[1 + rng.nextInt(3)];
                for (int i = 0; i < parts.length; i++) {
                    parts[i] = Samplers.tensor(rng, s.with(k, 1 + rng.nextInt(3)), Domain.REAL, m);
                }
                return new Sample(parts, Attrs.of("dim", dim));
            })
            .build();

    static final OpDef NARROW = OpDef.builder("narrow")
            .summary("the slice start .. start+length-1 of dimension dim (a negative start counts from the end)")
            .inputs(InputSpec.any("input"))
            .attrs(required("dim", Type.INT), required("start", Type.INT), required("length", Type.INT))
            .shape((op, in, a) -> {
                int[] r = narrowRange(op, in[0], a);
                return in[0].with(r[0], r[2]);
            })
            .forward(a -> {
                int[] r = narrowRange("narrow", a.shape(0), a.attrs());
                return narrowValues(a.in(0), a.shape(0), r[0], r[1], r[2]);
            })
            .backward(c -> {
                Shape in = c.input(0).shape();
                int[] r = narrowRange("narrow", in, c.attrs());
                int dim = r[0];
                int before = r[1];
                int after = in.dim(dim) - r[1] - r[2];
                List<Tensor> parts = new java.util.ArrayList<>();
                if (before > 0) {
                    parts.add(Tensor.zeros(in.with(dim, before).dims()));
                }
                parts.add(c.grad());
                if (after > 0) {
                    parts.add(Tensor.zeros(in.with(dim, after).dims()));
                }
                Tensor g = parts.size() == 1 ? c.grad()
                        : Ops.apply("cat", Attrs.of("dim", dim), parts.toArray(new Tensor[0]));
                return new Tensor[] {g};
            })
            .twiceDifferentiable()
            .forwardRule(ForwardRules.LINEAR)
            .samples((rng, m) -> {
                Shape s = Samplers.shape(rng, 1, 3, 4);
                int dim = Samplers.dim(rng, s.rank());
                int size = s.dim(s.normalizeDim(dim, "narrow"));
                int start = rng.nextInt(size);
                int length = 1 + rng.nextInt(size - start);
                if (rng.nextBoolean()) {
                    start -= size;
                }
                return new Sample(new Tensor[] {Samplers.tensor(rng, s, Domain.REAL, m)},
                        Attrs.of("dim", dim, "start", start, "length", length));
            })
            .build();

    /** {@code dims} reordered: element i of the result is {@code dims[perm[i]]}. */
    private static int[] permuted(int[] dims, int[] perm) {
        int[] out = new int[perm.length];
        for (int i = 0; i < perm.length; i++) {
            out[i] = dims[perm[i]];
        }
        return out;
    }

    /** The permutation transpose(dim0, dim1) applies, dims normalised. */
    private static int[] swap(String op, Shape s, Attrs a) {
        int d0 = s.normalizeDim(a.getInt("dim0"), op);
        int d1 = s.normalizeDim(a.getInt("dim1"), op);
        int[] p = new int[s.rank()];
        for (int i = 0; i < p.length; i++) {
            p[i] = i;
        }
        if (p.length > 0) {
            p[d0] = d1;
            p[d1] = d0;
        }
        return p;
    }

    /** {@code dims} checked to be a permutation of the input's dimensions, normalised. */
    private static int[] permutation(String op, Shape s, int[] dims) {
        if (dims.length != s.rank()) {
            throw new ShapeException(op + ": dims " + Arrays.toString(dims) + " has " + dims.length
                    + " entries but the input of shape " + s + " has " + s.rank() + " dimensions");
        }
        int[] p = new int[dims.length];
        boolean[] seen = new boolean[dims.length];
        for (int i = 0; i < dims.length; i++) {
            p[i] = s.normalizeDim(dims[i], op);
            if (seen[p[i]]) {
                throw new ShapeException(op + ": dims " + Arrays.toString(dims) + " repeats dimension " + p[i]
                        + " (input shape " + s + ")");
            }
            seen[p[i]] = true;
        }
        return p;
    }

    private static Shape squeezed(String op, Shape s, Attrs a) {
        Object dim = a.get("dim");
        if (dim != null) {
            int k = s.normalizeDim(a.getInt("dim"), op);
            return s.rank() > 0 && s.dim(k) == 1 ? Shape.of(remove(s.dims(), k)) : s;
        }
        return Shape.of(Arrays.stream(s.dims()).filter(d -> d != 1).toArray());
    }

    private static int[] remove(int[] d, int k) {
        int[] out = new int[d.length - 1];
        System.arraycopy(d, 0, out, 0, k);
        System.arraycopy(d, k + 1, out, k, d.length - k - 1);
        return out;
    }

    /** A random shape of rank 0..3 where about half the dimensions are 1. */
    private static Shape shapeWithOnes(java.util.random.RandomGenerator rng) {
        Shape s = Samplers.shape(rng, 0, 3, 4);
        int[] d = s.dims();
        for (int i = 0; i < d.length; i++) {
            if (rng.nextBoolean()) {
                d[i] = 1;
            }
        }
        return Shape.of(d);
    }

    /** PyTorch's legacy rule: a 1-D tensor with no elements is ignored by cat, whatever its rank. */
    private static boolean skippedInCat(Shape s) {
        return s.rank() == 1 && s.dim(0) == 0;
    }

    /** The shape of {@code cat(inputs, dim)}, with PyTorch's checks; the messages list every shape. */
    static Shape catShape(String op, Shape[] in, int dim) {
        Shape first = null;
        int firstIndex = -1;
        for (int i = 0; i < in.length; i++) {
            if (in[i].rank() == 0) {
                throw new ShapeException(op + ": " + list(in) + ": zero-dimensional tensor (at position " + i
                        + ") cannot be concatenated");
            }
            if (first == null && !skippedInCat(in[i])) {
                first = in[i];
                firstIndex = i;
            }
        }
        if (first == null) {
            return Shape.of(0);
        }
        int k = first.normalizeDim(dim, op);
        int total = 0;
        for (int i = 0; i < in.length; i++) {
            Shape s = in[i];
            if (skippedInCat(s)) {
                continue;
            }
            if (s.rank() != first.rank()) {
                throw new ShapeException(op + ": " + list(in) + ": tensors must have the same number of dimensions: "
                        + "tensor " + firstIndex + " has " + first.rank() + " and tensor " + i + " has " + s.rank());
            }
            for (int d = 0; d < s.rank(); d++) {
                if (d != k && s.dim(d) != first.dim(d)) {
                    throw new ShapeException(op + ": " + list(in) + ": sizes of tensors must match except in "
                            + "dimension " + k + "; expected size " + first.dim(d) + " but got size " + s.dim(d)
                            + " for tensor number " + i + " in the list (dimension " + d + ")");
                }
            }
            total = Math.addExact(total, s.dim(k));
        }
        return first.with(k, total);
    }

    private static String list(Shape[] in) {
        return Arrays.stream(in).map(Shape::toString).collect(java.util.stream.Collectors.joining(", "));
    }

    /** {dim, start, length} of a narrow, normalised and checked as PyTorch does. */
    private static int[] narrowRange(String op, Shape s, Attrs a) {
        if (s.rank() == 0) {
            throw new ShapeException(op + ": cannot be applied to a 0-dim tensor (input shape [])");
        }
        int dim = s.normalizeDim(a.getInt("dim"), op);
        int size = s.dim(dim);
        int start = a.getInt("start");
        int length = a.getInt("length");
        if (start < -size || start > size) {
            throw new ShapeException(op + ": start " + start + " is out of range for dimension " + dim + " of shape "
                    + s + " (expected to be in range of [" + -size + ", " + size + "])");
        }
        if (start < 0) {
            start += size;
        }
        if (length < 0) {
            throw new ShapeException(op + ": length must be non-negative, got " + length + " (input shape " + s + ")");
        }
        if ((long) start + length > size) {
            throw new ShapeException(op + ": start (" + start + ") + length (" + length + ") exceeds dimension size ("
                    + size + ") of dimension " + dim + " of shape " + s);
        }
        return new int[] {dim, start, length};
    }


    /** The values of {@code x} (shape {@code s}) with dimensions reordered by {@code perm}. */
    static double[] permuteValues(double[] x, Shape s, int[] perm) {
        int rank = perm.length;
        int[] dims = permuted(s.dims(), perm);
        int[] own = s.strides();
        int[] st = new int[rank];
        for (int i = 0; i < rank; i++) {
            st[i] = own[perm[i]];
        }
        double[] r = new double[x.length];
        StridedWalk w = new StridedWalk(dims, st);
        for (int i = 0; i < r.length; i++) {
            r[i] = x[w.offset(0)];
            w.next();
        }
        return r;
    }

    /** Inputs laid side by side along {@code dim} (skipped 1-D empty ones contribute nothing). */
    static double[] catValues(double[][] data, Shape[] shapes, Shape out, int dim) {
        double[] r = new double[out.size()];
        int outer = 1;
        for (int d = 0; d < dim; d++) {
            outer *= out.dim(d);
        }
        int inner = out.size() == 0 ? 0 : out.strides()[dim];
        int rowOut = out.dim(dim) * inner;
        int offset = 0;
        for (int i = 0; i < data.length; i++) {
            if (skippedInCat(shapes[i])) {
                continue;
            }
            int chunk = shapes[i].dim(dim) * inner;
            for (int o = 0; o < outer; o++) {
                System.arraycopy(data[i], o * chunk, r, o * rowOut + offset, chunk);
            }
            offset += chunk;
        }
        return r;
    }

    /** Elements {@code start .. start+length-1} of dimension {@code dim}. */
    static double[] narrowValues(double[] x, Shape s, int dim, int start, int length) {
        int outer = 1;
        for (int d = 0; d < dim; d++) {
            outer *= s.dim(d);
        }
        int inner = s.strides()[dim];
        int rowIn = s.dim(dim) * inner;
        int chunk = length * inner;
        double[] r = new double[outer * chunk];
        for (int o = 0; o < outer; o++) {
            System.arraycopy(x, o * rowIn + start * inner, r, o * chunk, chunk);
        }
        return r;
    }

    static List<OpDef> all() {
        return List.of(RESHAPE, TRANSPOSE, PERMUTE, SQUEEZE, UNSQUEEZE, CAT, NARROW);
    }
}

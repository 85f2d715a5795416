package dev.gradcheck.engine.ops;

import static dev.gradcheck.engine.op.AttrSpec.optional;
import static dev.gradcheck.engine.op.AttrSpec.required;

import dev.gradcheck.engine.Attrs;
import dev.gradcheck.engine.Ops;
import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.ShapeException;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.op.AttrSpec;
import dev.gradcheck.engine.op.AttrSpec.Type;
import dev.gradcheck.engine.op.Domain;
import dev.gradcheck.engine.op.InputSpec;
import dev.gradcheck.engine.op.OpDef;
import dev.gradcheck.engine.op.Sample;
import dev.gradcheck.engine.op.Samplers;
import java.util.Arrays;
import java.util.List;

/**
 * pad in constant mode, as torch.nn.functional.pad: {@code pad} lists (before, after) amounts for
 * the last dimension first, then the one before it, and so on (PyTorch's order; ONNX's Pad lists
 * every begin amount, first dimension first, then every end amount); a negative amount crops. Its backward is pad again with every amount negated (what
 * was added is cut off, what was cut off comes back as zeros), so it differentiates to any order.
 */
final class PadOps {
    private PadOps() {
    }

    static final OpDef PAD = OpDef.builder("pad")
            .summary("adds pad[2i] entries before and pad[2i+1] after dimension -1-i, filled with value (0 when "
                    + "None); negative amounts crop; only mode \"constant\"")
            .inputs(InputSpec.real("input"))
            .attrs(required("pad", Type.INTS), AttrSpec.choice("mode", "constant"), optional("value", Type.FLOAT, null))
            .shape((op, in, a) -> padded(op, in[0], a.getInts("pad")))
            .forward(a -> {
                Double v = a.attrs().getOptionalDouble("value");
                return pad(a.in(0), a.shape(0), a.out(), befores(a.shape(0), a.attrs().getInts("pad")), v == null ? 0 : v);
            })
            .backward(c -> {
                int[] negated = Arrays.stream(c.attrs().getInts("pad")).map(p -> -p).toArray();
                return new Tensor[] {Ops.apply("pad", Attrs.of("pad", negated), c.grad())};
            })
            .twiceDifferentiable()
            .forwardRule(c -> Ops.apply("pad", Attrs.of("pad", c.attrs().getInts("pad")), c.tangent(0))) // linear but for the fill value
            .samples((rng, m) -> {
                Shape s = Samplers.shape(rng, 1, 3, 4);
                int[] pad = new int[2 * (1 + rng.nextInt(s.rank()))];
                for (int i = 0; i < pad.length; i++) {
                    // -1..2, but never cropping a dimension below one entry
                    int size = s.dim(s.rank() - 1 - i / 2);
                    pad[i] = rng.nextInt(4) - 1;
                    if (i % 2 == 1 && size + pad[i - 1] + pad[i] < 1) {
                        pad[i] = 1 - size - pad[i - 1];
                    }
                }
                Attrs a = rng.nextBoolean() ? Attrs.of("pad", pad) : Attrs.of("pad", pad, "value", m * rng.nextGaussian());
                return new Sample(new Tensor[] {Samplers.tensor(rng, s, Domain.REAL, m)}, a);
            })
            .build();

    /** The padded shape, with PyTorch's checks; sizes computed in long so that no amount overflows. */
    static Shape padded(String op, Shape x, int[] pad) {
        if (pad.length % 2 != 0) {
            throw new ShapeException(op + ": pad " + Arrays.toString(pad) + " must have an even length ((before, "
                    + "after) pairs, last dimension first), got " + pad.length + " entries (input " + x + ")");
        }
        if (pad.length / 2 > x.rank()) {
            throw new ShapeException(op + ": pad " + Arrays.toString(pad) + " pads " + pad.length / 2
                    + " dimensions but the input " + x + " has only " + x.rank());
        }
        int[] out = x.dims();
        for (int i = 0; i < pad.length / 2; i++) {
            int d = x.rank() - 1 - i;
            long size = (long) x.dim(d) + pad[2 * i] + pad[2 * i + 1];
            if (size < 0 || size > Integer.MAX_VALUE) {
                throw new ShapeException(op + ": dimension " + d + " of input " + x + " would have size " + size
                        + " after padding by (" + pad[2 * i] + ", " + pad[2 * i + 1] + ") (pad " + Arrays.toString(pad) + ")");
            }
            out[d] = (int) size;
        }
        return Shape.of(out);
    }

    /** Per dimension of {@code x}, the amount added before it (0 for dimensions pad leaves alone). */
    private static int[] befores(Shape x, int[] pad) {
        int[] b = new int[x.rank()];
        for (int i = 0; i < pad.length / 2; i++) {
            b[x.rank() - 1 - i] = pad[2 * i];
        }
        return b;
    }

    /**
     * The output filled with {@code value}, then the entries of x that survive the cropping copied
     * in: input index i of dimension d lands at i + before[d].
     */
    private static double[] pad(double[] x, Shape xs, Shape out, int[] before, double value) {
        double[] r = new double[out.size()];
        Arrays.fill(r, value);
        int rank = xs.rank();
        int[] count = new int[rank];
        int[] xStrides = xs.strides();
        int[] outStrides = out.strides();
        int xBase = 0;
        int outBase = 0;
        for (int d = 0; d < rank; d++) {
            int lo = Math.max(0, -before[d]);
            int hi = Math.min(xs.dim(d), out.dim(d) - before[d]);
            count[d] = Math.max(0, hi - lo);
            xBase += lo * xStrides[d];
            outBase += (lo + before[d]) * outStrides[d];
        }
        int n = Shape.of(count).size();
        StridedWalk w = new StridedWalk(count, xStrides, outStrides);
        for (int i = 0; i < n; i++) {
            r[outBase + w.offset(1)] = x[xBase + w.offset(0)];
            w.next();
        }
        return r;
    }

    static List<OpDef> all() {
        return List.of(PAD);
    }
}

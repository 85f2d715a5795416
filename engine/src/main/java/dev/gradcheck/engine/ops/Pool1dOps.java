package dev.gradcheck.engine.ops;

import static dev.gradcheck.engine.op.AttrSpec.optional;
import static dev.gradcheck.engine.op.AttrSpec.required;

import dev.gradcheck.engine.Attrs;
import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.ShapeException;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.op.AttrSpec.Type;
import dev.gradcheck.engine.op.BackwardContext;
import dev.gradcheck.engine.op.Domain;
import dev.gradcheck.engine.op.ForwardArgs;
import dev.gradcheck.engine.op.ForwardRules;
import dev.gradcheck.engine.op.InputSpec;
import dev.gradcheck.engine.op.OpDef;
import dev.gradcheck.engine.op.Sample;
import dev.gradcheck.engine.op.Samplers;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * max_pool1d and avg_pool1d over (N, C, L) or (C, L) inputs, with PyTorch's attributes and
 * checks. Each is its 2-d pool over the input viewed as (N, C, 1, L) with a 1 x K window: the 2-d
 * op's forward and backward are applied to that view, so the two agree by construction and the
 * 1-d ops differentiate to any order as the 2-d ones do.
 */
final class Pool1dOps {
    private Pool1dOps() {
    }

    static final OpDef MAX_POOL1D = OpDef.builder("max_pool1d")
            .summary("the maximum of each kernel_size window along the last dimension (stride defaults to kernel_size; "
                    + "padding counts as -inf; ceil_mode keeps a last partial window); ties: the first maximum gets "
                    + "the gradient; return_indices is not supported")
            .inputs(InputSpec.real("input"))
            .attrs(required("kernel_size", Type.INTS), optional("stride", Type.INTS, null),
                    optional("padding", Type.INTS, 0), optional("dilation", Type.INTS, 1),
                    optional("ceil_mode", Type.BOOL, false))
            .shape((op, in, a) -> new Window("max_pool1d", in[0], a, true).outShape())
            .forward(a -> new Window("max_pool1d", a.shape(0), a.attrs(), true).forward(PoolOps.MAX_POOL2D, a))
            .backward(c -> new Window("max_pool1d", c.input(0).shape(), c.attrs(), true).backward(PoolOps.MAX_POOL2D, c))
            .twiceDifferentiable()
            .kinks("two entries of a window tie for the maximum")
            .samples((rng, m) -> sample(rng, m, true))
            .build();

    static final OpDef AVG_POOL1D = OpDef.builder("avg_pool1d")
            .summary("the mean of each kernel_size window along the last dimension (stride defaults to kernel_size; "
                    + "ceil_mode keeps a last partial window); padding zeros count toward the divisor unless "
                    + "count_include_pad is false")
            .inputs(InputSpec.real("input"))
            .attrs(required("kernel_size", Type.INTS), optional("stride", Type.INTS, null),
                    optional("padding", Type.INTS, 0), optional("ceil_mode", Type.BOOL, false),
                    optional("count_include_pad", Type.BOOL, true))
            .shape((op, in, a) -> new Window("avg_pool1d", in[0], a, false).outShape())
            .forward(a -> new Window("avg_pool1d", a.shape(0), a.attrs(), false).forward(PoolOps.AVG_POOL2D, a))
            .backward(c -> new Window("avg_pool1d", c.input(0).shape(), c.attrs(), false).backward(PoolOps.AVG_POOL2D, c))
            .twiceDifferentiable()
            .forwardRule(ForwardRules.LINEAR)
            .samples((rng, m) -> sample(rng, m, false))
            .build();

    /** A 1-d pool's window over its input, checked as PyTorch checks it, and its 2-d view. */
    private static final class Window {
        final Shape x;
        final int kernel;
        final int stride;
        final int padding;
        final int dilation;
        final boolean ceil;
        final int outLength;
        final Attrs attrs;

        /**
         * @param emptyAllowed whether no window fitting gives an empty output (PyTorch 1.13's
         *     max_pool1d) rather than an error (its avg_pool1d)
         */
        Window(String op, Shape x, Attrs a, boolean emptyAllowed) {
            this.x = x;
            this.attrs = a;
            if (x.rank() != 2 && x.rank() != 3) {
                throw new ShapeException(op + ": expected a 2-D (C, L) or 3-D (N, C, L) input, got " + x.rank()
                        + "-D input " + x);
            }
            kernel = Conv1dOps.single(op, a, "kernel_size");
            stride = a.get("stride") == null ? kernel : Conv1dOps.single(op, a, "stride");
            padding = Conv1dOps.single(op, a, "padding");
            dilation = a.has("dilation") ? Conv1dOps.single(op, a, "dilation") : 1;
            ceil = a.getBool("ceil_mode");
            if (kernel <= 0 || stride <= 0 || dilation <= 0) {
                throw new ShapeException(op + ": kernel_size, stride and dilation must be positive, got kernel_size "
                        + kernel + ", stride " + stride + ", dilation " + dilation + " (input " + x + ")");
            }
            if (padding < 0 || padding > kernel / 2) {
                throw new ShapeException(op + ": pad should be at least 0 and at most half of kernel size, but got "
                        + "padding " + padding + " and kernel_size " + kernel + " (input " + x + ")");
            }
            long out = outLength(x.dim(-1));
            if (out < (emptyAllowed ? 0 : 1)) {
                throw new ShapeException(op + ": input " + x + ": the length " + x.dim(-1) + " padded by " + padding
                        + " on each side is smaller than the kernel " + kernel + " with dilation " + dilation
                        + " (output length would be " + out + ")");
            }
            outLength = (int) out;
        }

        /** PyTorch's pooling_output_shape, in long: floor, or ceil with the last window starting inside. */
        private long outLength(long length) {
            long span = length + 2L * padding - (long) dilation * (kernel - 1) - 1;
            long out = Math.floorDiv(ceil ? span + stride - 1 : span, stride) + 1;
            if (ceil && (out - 1) * stride >= length + padding) {
                out--;
            }
            return out;
        }

        Shape outShape() {
            return x.with(x.rank() - 1, outLength);
        }

        Shape view2d(Shape s) {
            return Shape.of(x.rank() == 3 ? s.dim(0) : 1, s.dim(-2), 1, s.dim(-1));
        }

        /** The 2-d pool's attributes for a 1 x kernel window, resolved by the 2-d op. */
        Attrs attrs2d(OpDef pool2d) {
            Attrs a = Attrs.of("kernel_size", new int[] {1, kernel}, "stride", new int[] {1, stride},
                    "padding", new int[] {0, padding}, "ceil_mode", ceil);
            if (pool2d.attrs().containsKey("dilation")) {
                a = a.with("dilation", new int[] {1, dilation});
            }
            if (pool2d.attrs().containsKey("count_include_pad")) {
                a = a.with("count_include_pad", attrs.getBool("count_include_pad"));
            }
            return pool2d.resolve(a);
        }

        double[] forward(OpDef pool2d, ForwardArgs a) {
            Shape out = outShape();
            if (out.size() == 0) {
                return new double[0];
            }
            return pool2d.forward().apply(new ForwardArgs(a.data(), new Shape[] {view2d(x)}, attrs2d(pool2d), view2d(out)));
        }

        Tensor[] backward(OpDef pool2d, BackwardContext c) {
            Shape out = outShape();
            if (out.size() == 0) {
                return new Tensor[] {c.input(0).zerosLike()};
            }
            Tensor[] g = pool2d.backward().apply(new BackwardContext(
                    new Tensor[] {c.input(0).reshape(view2d(x).dims())}, c.output().reshape(view2d(out).dims()),
                    c.grad().reshape(view2d(out).dims()), attrs2d(pool2d), c.needsGrad()));
            return new Tensor[] {g[0].reshape(x.dims())};
        }
    }

    /** A window of 1..3 (dilated 1..2 for max), padding within half of it, an input where the first window fits. */
    private static Sample sample(RandomGenerator rng, double m, boolean max) {
        int k = 1 + rng.nextInt(3);
        int padding = rng.nextInt(k / 2 + 1);
        int dilation = max ? 1 + rng.nextInt(2) : 1;
        int length = Math.max(1, dilation * (k - 1) + 1 - padding) + rng.nextInt(4);
        Shape x = rng.nextBoolean() ? Shape.of(1 + rng.nextInt(2), 1 + rng.nextInt(2), length)
                : Shape.of(1 + rng.nextInt(2), length);
        Attrs a = Attrs.of("kernel_size", rng.nextBoolean() ? k : new int[] {k}, "padding", padding);
        if (rng.nextBoolean()) {
            a = a.with("stride", 1 + rng.nextInt(3));
        }
        if (rng.nextInt(3) == 0) {
            a = a.with("ceil_mode", true);
        }
        if (max) {
            a = a.with("dilation", dilation);
        } else if (rng.nextBoolean()) {
            a = a.with("count_include_pad", false);
        }
        return new Sample(new Tensor[] {Samplers.tensor(rng, x, Domain.REAL, m)}, a);
    }

    static List<OpDef> all() {
        return List.of(MAX_POOL1D, AVG_POOL1D);
    }
}

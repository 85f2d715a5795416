package dev.gradcheck.engine;

import dev.gradcheck.engine.internal.TensorAccess;
import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * A double-precision, row-major n-d tensor (any rank, 0-d scalars included) that records the ops
 * applied to it, so that {@link #backward()} can compute gradients.
 *
 * <p>Values are immutable once made: {@link #data()} returns a copy and every op returns a new
 * tensor. Ops follow PyTorch's names and semantics, with NumPy/PyTorch broadcasting.
 *
 * <pre>{@code
 * Tensor w = Tensor.of(new double[] {1, 2, 3, 4}, 2, 2).requiresGrad();
 * Tensor loss = x.matmul(w).tanh().sum();
 * loss.backward();
 * Tensor dw = w.grad();
 * }</pre>
 */
public final class Tensor {
    static {
        TensorAccess.install(new TensorAccess.Bridge() {
            @Override
            public double[] data(Tensor t) {
                return t.data;
            }

            @Override
            public Tensor wrap(double[] data, Shape shape, DType dtype) {
                if (data.length != shape.size()) {
                    throw new IllegalArgumentException(data.length + " values do not fill shape " + shape);
                }
                return new Tensor(data, shape, dtype);
            }
        });
    }

    private final double[] data;
    private final Shape shape;
    private final DType dtype;
    private boolean requiresGrad;
    private Node node;
    private Tensor grad;

    Tensor(double[] data, Shape shape, DType dtype) {
        this.data = data;
        this.shape = shape;
        this.dtype = dtype;
    }

    // ---------------------------------------------------------------- factories

    /**
     * A float64 tensor holding a copy of {@code data} in row-major order.
     *
     * @throws IllegalArgumentException when the number of values does not fill the shape
     */
    public static Tensor of(double[] data, int... shape) {
        Shape s = Shape.of(shape);
        if (data.length != s.size()) {
            throw new IllegalArgumentException("Tensor.of: " + data.length + " values do not fill shape " + s
                    + " (" + s.size() + " elements)");
        }
        return new Tensor(data.clone(), s, DType.FLOAT64);
    }

    /** A float64 tensor of the given shape holding a copy of {@code data}. */
    public static Tensor of(double[] data, Shape shape) {
        return of(data, shape.dims());
    }

    /** An int64 tensor (indices, class targets) of the given shape. */
    public static Tensor ofLongs(long[] values, int... shape) {
        Shape s = Shape.of(shape);
        if (values.length != s.size()) {
            throw new IllegalArgumentException("Tensor.ofLongs: " + values.length + " values do not fill shape " + s);
        }
        double[] d = new double[values.length];
        for (int i = 0; i < d.length; i++) {
            if (Math.abs(values[i]) > (1L << 53)) {
                throw new IllegalArgumentException("Tensor.ofLongs: " + values[i] + " is beyond 2^53");
            }
            d[i] = values[i];
        }
        return new Tensor(d, s, DType.INT64);
    }

    /** A 0-d float64 tensor. */
    public static Tensor scalar(double value) {
        return new Tensor(new double[] {value}, Shape.SCALAR, DType.FLOAT64);
    }

    /** A tensor of the given shape filled with {@code value}. */
    public static Tensor full(double value, int... shape) {
        Shape s = Shape.of(shape);
        double[] d = new double[s.size()];
        Arrays.fill(d, value);
        return new Tensor(d, s, DType.FLOAT64);
    }

    /** Zeros of the given shape. */
    public static Tensor zeros(int... shape) {
        Shape s = Shape.of(shape);
        return new Tensor(new double[s.size()], s, DType.FLOAT64);
    }

    /** Ones of the given shape. */
    public static Tensor ones(int... shape) {
        return full(1.0, shape);
    }

    /** Zeros of this tensor's shape (float64). */
    public Tensor zerosLike() {
        return new Tensor(new double[shape.size()], shape, DType.FLOAT64);
    }

    /** Ones of this tensor's shape (float64). */
    public Tensor onesLike() {
        return full(1.0, shape.dims());
    }

    /** 0, 1, …, n−1 as a 1-d float64 tensor. */
    public static Tensor arange(int n) {
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = i;
        }
        return new Tensor(d, Shape.of(n), DType.FLOAT64);
    }

    /** Standard normal values from {@code rng}. */
    public static Tensor randn(RandomGenerator rng, int... shape) {
        Shape s = Shape.of(shape);
        double[] d = new double[s.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = rng.nextGaussian();
        }
        return new Tensor(d, s, DType.FLOAT64);
    }

    /** Uniform values in [low, high) from {@code rng}. */
    public static Tensor uniform(RandomGenerator rng, double low, double high, int... shape) {
        Shape s = Shape.of(shape);
        double[] d = new double[s.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = low + (high - low) * rng.nextDouble();
        }
        return new Tensor(d, s, DType.FLOAT64);
    }

    // ---------------------------------------------------------------- properties

    /** The shape. */
    public Shape shape() {
        return shape;
    }

    /** The dtype. */
    public DType dtype() {
        return dtype;
    }

    /** The number of dimensions. */
    public int rank() {
        return shape.rank();
    }

    /** The number of elements. */
    public int size() {
        return shape.size();
    }

    /** A copy of the values, row-major. */
    public double[] data() {
        return data.clone();
    }

    /**
     * True when this tensor holds exactly {@code values}, entry by entry in row-major order (as
     * {@link java.util.Arrays#equals(double[], double[])} on {@link #data()}), without copying them.
     */
    public boolean dataEquals(double[] values) {
        return java.util.Arrays.equals(data, values);
    }

    /** The backing array, for the engine's own dispatch. */
    double[] storage() {
        return data;
    }

    /** The value of a one-element tensor. */
    public double item() {
        if (data.length != 1) {
            throw new IllegalStateException("item() needs a tensor with one element, got shape " + shape);
        }
        return data[0];
    }

    /** The value at a multi-dimensional index (negative indices count from the end). */
    public double get(int... index) {
        if (index.length != shape.rank()) {
            throw new IllegalArgumentException("get: index " + Arrays.toString(index) + " has " + index.length
                    + " dimensions, tensor has shape " + shape);
        }
        int flat = 0;
        int[] strides = shape.strides();
        for (int i = 0; i < index.length; i++) {
            int k = index[i] < 0 ? index[i] + shape.dim(i) : index[i];
            if (k < 0 || k >= shape.dim(i)) {
                throw new IndexOutOfBoundsException("get: index " + Arrays.toString(index) + " is out of bounds for shape " + shape);
            }
            flat += k * strides[i];
        }
        return data[flat];
    }

    // ---------------------------------------------------------------- autograd

    /**
     * Marks this leaf tensor as one whose gradient is wanted (PyTorch's {@code requires_grad_()}).
     *
     * @return this tensor
     */
    public Tensor requiresGrad() {
        return requiresGrad(true);
    }

    /** Sets whether this leaf tensor's gradient is wanted. */
    public Tensor requiresGrad(boolean wanted) {
        if (node != null) {
            throw new IllegalStateException("requiresGrad can only be set on a leaf tensor; this one was made by "
                    + node.op.name() + " (use detach() first)");
        }
        if (wanted && dtype != DType.FLOAT64) {
            throw new IllegalStateException("only float64 tensors can require gradients; this one is " + dtype.label());
        }
        this.requiresGrad = wanted;
        return this;
    }

    /** True when gradients flow to this tensor (a leaf marked so, or a result of one). */
    public boolean isGradRequired() {
        return requiresGrad;
    }

    /** True when this tensor was not made by an op that recorded the graph. */
    public boolean isLeaf() {
        return node == null;
    }

    /** The name of the op that made this tensor, or null for a leaf. */
    public String opName() {
        return node == null ? null : node.op.name();
    }

    Node node() {
        return node;
    }

    void attach(Node n) {
        this.node = n;
        this.requiresGrad = true;
    }

    /** The gradient accumulated by {@link #backward()} calls, or null if none. */
    public Tensor grad() {
        return grad;
    }

    void accumulateGrad(Tensor g) {
        grad = grad == null ? g : grad.add(g);
    }

    /** Clears the accumulated gradient (PyTorch's {@code zero_grad(set_to_none=True)}). */
    public void zeroGrad() {
        grad = null;
    }

    /** This tensor's values, cut from the graph: a leaf that does not require grad. */
    public Tensor detach() {
        return new Tensor(data, shape, dtype);
    }

    /** Backpropagates from this one-element tensor (gradient 1) into every leaf that requires grad. */
    public void backward() {
        if (data.length != 1) {
            throw new IllegalStateException("backward() without a gradient needs a one-element output; this one has shape "
                    + shape + " (pass gradOutput of that shape)");
        }
        backward(new Tensor(new double[] {1.0}, shape, DType.FLOAT64), false);
    }

    /** Backpropagates {@code gradOutput} (of this tensor's shape) into every leaf that requires grad. */
    public void backward(Tensor gradOutput) {
        backward(gradOutput, false);
    }

    /**
     * Backpropagates {@code gradOutput}; with {@code createGraph} the gradients themselves are
     * recorded, so they can be differentiated again.
     */
    public void backward(Tensor gradOutput, boolean createGraph) {
        Autograd.backward(this, gradOutput, createGraph);
    }

    // ---------------------------------------------------------------- elementwise arithmetic

    public Tensor add(Tensor other) {
        return Ops.apply("add", Attrs.EMPTY, this, other);
    }

    public Tensor add(double value) {
        return add(scalar(value));
    }

    public Tensor sub(Tensor other) {
        return Ops.apply("sub", Attrs.EMPTY, this, other);
    }

    public Tensor sub(double value) {
        return sub(scalar(value));
    }

    /** {@code value - this}. */
    public Tensor rsub(double value) {
        return scalar(value).sub(this);
    }

    public Tensor mul(Tensor other) {
        return Ops.apply("mul", Attrs.EMPTY, this, other);
    }

    public Tensor mul(double value) {
        return mul(scalar(value));
    }

    public Tensor div(Tensor other) {
        return Ops.apply("div", Attrs.EMPTY, this, other);
    }

    public Tensor div(double value) {
        return div(scalar(value));
    }

    public Tensor neg() {
        return Ops.apply("neg", Attrs.EMPTY, this);
    }

    public Tensor pow(double exponent) {
        return Ops.apply("pow", Attrs.of("exponent", exponent), this);
    }

    public Tensor pow(Tensor exponent) {
        return Ops.apply("pow", Attrs.EMPTY, this, exponent);
    }

    public Tensor square() {
        return pow(2.0);
    }

    public Tensor maximum(Tensor other) {
        return Ops.apply("maximum", Attrs.EMPTY, this, other);
    }

    public Tensor minimum(Tensor other) {
        return Ops.apply("minimum", Attrs.EMPTY, this, other);
    }

    // ---------------------------------------------------------------- elementwise functions

    public Tensor exp() {
        return Ops.apply("exp", Attrs.EMPTY, this);
    }

    public Tensor log() {
        return Ops.apply("log", Attrs.EMPTY, this);
    }

    public Tensor sqrt() {
        return Ops.apply("sqrt", Attrs.EMPTY, this);
    }

    public Tensor abs() {
        return Ops.apply("abs", Attrs.EMPTY, this);
    }

    public Tensor sin() {
        return Ops.apply("sin", Attrs.EMPTY, this);
    }

    public Tensor cos() {
        return Ops.apply("cos", Attrs.EMPTY, this);
    }

    public Tensor tanh() {
        return Ops.apply("tanh", Attrs.EMPTY, this);
    }

    public Tensor sigmoid() {
        return Ops.apply("sigmoid", Attrs.EMPTY, this);
    }

    public Tensor erf() {
        return Ops.apply("erf", Attrs.EMPTY, this);
    }

    public Tensor relu() {
        return Ops.apply("relu", Attrs.EMPTY, this);
    }

    public Tensor leakyRelu(double negativeSlope) {
        return Ops.apply("leaky_relu", Attrs.of("negative_slope", negativeSlope), this);
    }

    /** Exact GELU ({@code approximate="none"}). */
    public Tensor gelu() {
        return Ops.apply("gelu", Attrs.EMPTY, this);
    }

    /** GELU with {@code approximate} "none" or "tanh". */
    public Tensor gelu(String approximate) {
        return Ops.apply("gelu", Attrs.of("approximate", approximate), this);
    }

    public Tensor softplus() {
        return Ops.apply("softplus", Attrs.EMPTY, this);
    }

    /** Clamps to [min, max]; either bound may be null (None). */
    public Tensor clamp(Double min, Double max) {
        return Ops.apply("clamp", Attrs.of("min", min, "max", max), this);
    }

    // ---------------------------------------------------------------- linear algebra

    /** Matrix product with PyTorch's {@code matmul} rules (1-d, 2-d, batched with broadcasting). */
    public Tensor matmul(Tensor other) {
        return Ops.apply("matmul", Attrs.EMPTY, this, other);
    }

    // ---------------------------------------------------------------- reductions

    /** The sum of all elements, as a 0-d tensor. */
    public Tensor sum() {
        return Ops.apply("sum", Attrs.EMPTY, this);
    }

    public Tensor sum(int dim, boolean keepdim) {
        return Ops.apply("sum", Attrs.of("dim", dim, "keepdim", keepdim), this);
    }

    public Tensor sum(int[] dims, boolean keepdim) {
        return Ops.apply("sum", Attrs.of("dim", dims, "keepdim", keepdim), this);
    }

    public Tensor mean() {
        return Ops.apply("mean", Attrs.EMPTY, this);
    }

    public Tensor mean(int dim, boolean keepdim) {
        return Ops.apply("mean", Attrs.of("dim", dim, "keepdim", keepdim), this);
    }

    public Tensor mean(int[] dims, boolean keepdim) {
        return Ops.apply("mean", Attrs.of("dim", dims, "keepdim", keepdim), this);
    }

    public Tensor amax(int dim, boolean keepdim) {
        return Ops.apply("amax", Attrs.of("dim", dim, "keepdim", keepdim), this);
    }

    public Tensor logsumexp(int dim, boolean keepdim) {
        return Ops.apply("logsumexp", Attrs.of("dim", dim, "keepdim", keepdim), this);
    }

    public Tensor softmax(int dim) {
        return Ops.apply("softmax", Attrs.of("dim", dim), this);
    }

    public Tensor logSoftmax(int dim) {
        return Ops.apply("log_softmax", Attrs.of("dim", dim), this);
    }

    // ---------------------------------------------------------------- shape

    /** The same values in a new shape; one dimension may be -1 (inferred). */
    public Tensor reshape(int... shape) {
        return Ops.apply("reshape", Attrs.of("shape", shape), this);
    }

    public Tensor transpose(int dim0, int dim1) {
        return Ops.apply("transpose", Attrs.of("dim0", dim0, "dim1", dim1), this);
    }

    public Tensor permute(int... dims) {
        return Ops.apply("permute", Attrs.of("dims", dims), this);
    }

    /** Removes every dimension of size 1. */
    public Tensor squeeze() {
        return Ops.apply("squeeze", Attrs.EMPTY, this);
    }

    public Tensor squeeze(int dim) {
        return Ops.apply("squeeze", Attrs.of("dim", dim), this);
    }

    public Tensor unsqueeze(int dim) {
        return Ops.apply("unsqueeze", Attrs.of("dim", dim), this);
    }

    public Tensor narrow(int dim, int start, int length) {
        return Ops.apply("narrow", Attrs.of("dim", dim, "start", start, "length", length), this);
    }

    /** Broadcasts to {@code size} (-1 keeps a dimension), as PyTorch's {@code expand}. */
    public Tensor expand(int... size) {
        return Ops.apply("expand", Attrs.of("size", size), this);
    }

    /** Sums broadcast dimensions away to reach {@code size}, as PyTorch's {@code sum_to_size}. */
    public Tensor sumToSize(int... size) {
        return Ops.apply("sum_to_size", Attrs.of("size", size), this);
    }

    /** Sums broadcast dimensions away to reach {@code shape}. */
    public Tensor sumToSize(Shape shape) {
        return shape.equals(this.shape) ? this : sumToSize(shape.dims());
    }

    // ---------------------------------------------------------------- printing

    /**
     * PyTorch-like: {@code tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=true)}, long dimensions
     * cut with an ellipsis.
     */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("tensor(");
        appendNested(sb, 0, 0);
        if (dtype != DType.FLOAT64) {
            sb.append(", dtype=").append(dtype.label());
        }
        if (rank() > 1 || size() > 6) {
            sb.append(", shape=").append(shape);
        }
        if (requiresGrad) {
            sb.append(node == null ? ", requires_grad=true" : ", grad_fn=" + node.op.name());
        }
        return sb.append(')').toString();
    }

    private void appendNested(StringBuilder sb, int dim, int offset) {
        if (dim == rank()) {
            double v = data[offset];
            sb.append(dtype == DType.INT64 ? String.valueOf((long) v) : formatValue(v));
            return;
        }
        int n = shape.dim(dim);
        int stride = shape.strides()[dim];
        sb.append('[');
        for (int i = 0; i < n; i++) {
            if (n > 6 && i == 3) {
                sb.append("..., ");
                i = n - 3;
            }
            appendNested(sb, dim + 1, offset + i * stride);
            if (i < n - 1) {
                sb.append(", ");
            }
        }
        sb.append(']');
    }

    private static String formatValue(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return String.format(java.util.Locale.ROOT, "%.1f", v);
        }
        return String.format(java.util.Locale.ROOT, "%.6g", v);
    }
}

/**
 * The reference autograd engine: double-precision tensors, reverse mode with higher-order
 * gradients, the op registry and its metadata. Every op here is its reference definition; faster
 * implementations are installed beside them through {@link dev.gradcheck.engine.op.FastPaths}
 * (found as {@link dev.gradcheck.engine.op.FastPathProvider} services). Zero-copy tensor storage
 * ({@code dev.gradcheck.engine.internal}) is open to the fast kernels alone.
 */
// commons-math3 has no module name of its own; the kernels module is compiled after this one
@SuppressWarnings({"requires-automatic", "module"})
module dev.gradcheck.engine {
    requires commons.math3;

    exports dev.gradcheck.engine;
    exports dev.gradcheck.engine.io;
    exports dev.gradcheck.engine.nn;
    exports dev.gradcheck.engine.nn.examples;
    exports dev.gradcheck.engine.op;
    exports dev.gradcheck.engine.ops;
    exports dev.gradcheck.engine.internal to dev.gradcheck.kernels;

    uses dev.gradcheck.engine.op.FastPathProvider;
}

/**
 * The fast paths of the engine's ops (packed multi-threaded matmul, vectorised tanh, fused
 * first-order backward passes, elementwise loops) and the incremental evaluators, installed over
 * the reference ops as a {@link dev.gradcheck.engine.op.FastPathProvider} service.
 */
module dev.gradcheck.kernels {
    requires transitive dev.gradcheck.engine;

    exports dev.gradcheck.kernels;
    exports dev.gradcheck.kernels.incremental;

    provides dev.gradcheck.engine.op.FastPathProvider with dev.gradcheck.kernels.KernelFastPaths;
}

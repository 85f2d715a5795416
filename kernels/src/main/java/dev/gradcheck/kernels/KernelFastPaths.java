package dev.gradcheck.kernels;

import dev.gradcheck.engine.op.FastPath;
import dev.gradcheck.engine.op.FastPathProvider;
import dev.gradcheck.engine.op.FastPaths;
import dev.gradcheck.engine.op.ForwardArgs;
import dev.gradcheck.engine.op.OpRegistry;

/**
 * Installs this module's fast paths over the engine's reference ops, each over the op it
 * implements: {@code tanh} (the vectorised kernel, within {@link TanhKernel#MAX_ULPS} ulp; a fused
 * first-order backward), {@code matmul} and {@code linear} (packed multi-threaded products; fused
 * first-order backward passes), {@code add}, {@code sub} and {@code mul} (loops per layout). Found
 * by {@link java.util.ServiceLoader} as a {@link FastPathProvider}, so having this module on the
 * class path is enough; {@link #install(int)} installs them again with another matmul thread count.
 */
public final class KernelFastPaths implements FastPathProvider {
    private static volatile int matmulThreads;

    /** Called by {@link java.util.ServiceLoader}. */
    public KernelFastPaths() {
    }

    /** Installs the fast paths with {@link MatmulKernels#defaultThreads()} matmul threads. */
    @Override
    public void install() {
        install(MatmulKernels.defaultThreads());
    }

    /**
     * Installs (or installs again) every fast path of this module, products on up to
     * {@code threads} threads. Results do not depend on the thread count.
     */
    public static synchronized void install(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("matmul threads must be at least 1, got " + threads);
        }
        MatmulPaths matmul = new MatmulPaths(threads);
        FastPaths.install(OpRegistry.get("tanh"), TanhPaths.tanh());
        FastPaths.install(OpRegistry.get("matmul"), matmul.matmul());
        FastPaths.install(OpRegistry.get("linear"), matmul.linear());
        FastPaths.install(OpRegistry.get("add"), arithmetic(Arithmetic.Op.ADD, true));
        FastPaths.install(OpRegistry.get("sub"), arithmetic(Arithmetic.Op.SUB, true));
        FastPaths.install(OpRegistry.get("mul"), arithmetic(Arithmetic.Op.MUL, false));
        matmulThreads = threads;
    }

    /** The thread count the installed matmul and linear fast paths use. */
    public static int matmulThreads() {
        FastPaths.installed(); // installs the defaults if nothing has yet
        return matmulThreads;
    }

    /** The loops of {@link Arithmetic}; for an op with {@code alpha}, only where alpha is 1. */
    private static FastPath arithmetic(Arithmetic.Op op, boolean hasAlpha) {
        return FastPath.ofForward((ForwardArgs a) -> hasAlpha && a.attrs().getDouble("alpha") != 1 ? null
                : Arithmetic.zip(op, a.in(0), a.shape(0), a.in(1), a.shape(1), a.out()));
    }
}

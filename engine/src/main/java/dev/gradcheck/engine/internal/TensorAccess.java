package dev.gradcheck.engine.internal;

import dev.gradcheck.engine.DType;
import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.Tensor;

/**
 * Zero-copy access to tensor storage for the engine's own kernels, optimisers and loaders. Not
 * public API: a tensor's values are immutable to users ({@link Tensor#data()} is a copy).
 */
public final class TensorAccess {
    /** The operations {@link Tensor} grants. */
    public interface Bridge {
        double[] data(Tensor t);

        Tensor wrap(double[] data, Shape shape, DType dtype);
    }

    private static volatile Bridge bridge;

    private TensorAccess() {
    }

    /** Called once by {@link Tensor}'s static initialiser. */
    public static void install(Bridge b) {
        if (bridge != null) {
            throw new IllegalStateException("TensorAccess already installed");
        }
        bridge = b;
    }

    private static Bridge bridge() {
        if (bridge == null) {
            Tensor.scalar(0); // initialises Tensor, which installs the bridge
        }
        return bridge;
    }

    /** The tensor's backing array itself, not a copy. Do not modify unless you own the tensor. */
    public static double[] data(Tensor t) {
        return bridge().data(t);
    }

    /** A float64 tensor over {@code data} itself (no copy); the caller hands over the array. */
    public static Tensor wrap(double[] data, Shape shape) {
        return bridge().wrap(data, shape, DType.FLOAT64);
    }

    /** A tensor of the given dtype over {@code data} itself (no copy). */
    public static Tensor wrap(double[] data, Shape shape, DType dtype) {
        return bridge().wrap(data, shape, dtype);
    }
}

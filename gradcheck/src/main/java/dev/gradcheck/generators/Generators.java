package dev.gradcheck.generators;

import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.op.Domain;
import dev.gradcheck.engine.op.InputSpec;
import dev.gradcheck.engine.op.OpDef;
import dev.gradcheck.engine.op.Sample;
import dev.gradcheck.engine.op.Samplers;
import java.util.random.RandomGenerator;

/**
 * Random arguments for property tests of ops, driven by any seeded {@link RandomGenerator} (so they
 * work with JUnit, QuickTheories — see {@link QuickTheoriesGens} — or a plain loop). Every method
 * is deterministic for a given generator state, and builds on the engine's own
 * {@link Samplers} and {@link OpDef#samples()}, so values respect the same domains and kink margins
 * the engine's ops are sampled with.
 *
 * <pre>{@code
 * RandomGenerator rng = new SplittableRandom(42);
 * Shape[] pair = Generators.broadcastPair(rng, 3, 4);          // e.g. [2, 3, 4] and [3, 1]
 * Tensor x = Generators.tensor(rng, pair[0], Domain.POSITIVE, 1); // values > 0, for log or sqrt
 * Sample s = Generators.sample(OpRegistry.get("softmax"), rng, 1);
 * }</pre>
 */
public final class Generators {
    private Generators() {
    }

    /**
     * A random shape of rank {@code minRank..maxRank}, each dimension in {@code 1..maxDim}.
     *
     * @throws IllegalArgumentException when the bounds are empty or negative
     */
    public static Shape shape(RandomGenerator rng, int minRank, int maxRank, int maxDim) {
        if (minRank < 0 || maxRank < minRank || maxDim < 1) {
            throw new IllegalArgumentException("shape: need 0 <= minRank <= maxRank and maxDim >= 1, got minRank="
                    + minRank + ", maxRank=" + maxRank + ", maxDim=" + maxDim);
        }
        return Samplers.shape(rng, minRank, maxRank, maxDim);
    }

    /**
     * Two shapes that broadcast together (NumPy/PyTorch rules): a random shape of rank
     * {@code 0..maxRank} and a partner made of a suffix of it with some dimensions set to 1, in random
     * order. {@code Shape.broadcast(op, pair[0], pair[1])} never throws for the result.
     */
    public static Shape[] broadcastPair(RandomGenerator rng, int maxRank, int maxDim) {
        Shape a = shape(rng, 0, maxRank, maxDim);
        Shape b = Samplers.broadcastPartner(rng, a);
        return rng.nextBoolean() ? new Shape[] {a, b} : new Shape[] {b, a};
    }

    /**
     * One value in {@code domain} of typical size {@code magnitude}, at least
     * {@link Samplers#KINK_MARGIN}{@code * max(1, magnitude)} away from each of the domain's kinks.
     */
    public static double value(RandomGenerator rng, Domain domain, double magnitude) {
        return Samplers.value(rng, domain, magnitude);
    }

    /**
     * One value in {@code domain} of typical size {@code magnitude}, at least {@code margin} away
     * from every kink of the domain and from every point in {@code extraKinks} (e.g. the other
     * operand of {@code maximum}). Gives up after 1000 draws.
     *
     * @throws IllegalStateException when no such value was found (the margin is too wide)
     */
    public static double awayFromKinks(RandomGenerator rng, Domain domain, double magnitude, double margin,
            double... extraKinks) {
        for (int attempt = 0; attempt < 1000; attempt++) {
            double v = Samplers.value(rng, domain, magnitude);
            if (farFrom(v, domain.kinks(), margin) && farFrom(v, extraKinks, margin)) {
                return v;
            }
        }
        throw new IllegalStateException("awayFromKinks: no value in the domain at magnitude " + magnitude
                + " keeps " + margin + " away from the kinks");
    }

    private static boolean farFrom(double v, double[] kinks, double margin) {
        for (double k : kinks) {
            if (Math.abs(v - k) < margin) {
                return false;
            }
        }
        return true;
    }

    /** A float64 tensor of {@code shape} with values in {@code domain}, away from its kinks. */
    public static Tensor tensor(RandomGenerator rng, Shape shape, Domain domain, double magnitude) {
        return Samplers.tensor(rng, shape, domain, magnitude);
    }

    /** A float64 tensor of random shape (rank {@code 0..maxRank}, dimensions {@code 1..maxDim}). */
    public static Tensor tensor(RandomGenerator rng, Domain domain, double magnitude, int maxRank, int maxDim) {
        return tensor(rng, shape(rng, 0, maxRank, maxDim), domain, magnitude);
    }

    /**
     * A tensor of {@code shape} for input {@code i} of {@code op}: int64 indices in
     * {@code [0, indexBound)} for an input that takes them (also for an
     * {@link InputSpec.Kind#INDEX_OR_REAL} one, whose real form {@link #tensor} draws), else values
     * in its domain.
     */
    public static Tensor input(RandomGenerator rng, OpDef op, int i, Shape shape, double magnitude, int indexBound) {
        InputSpec spec = op.input(i);
        return spec.accepts(dev.gradcheck.engine.DType.INT64) ? Samplers.indices(rng, shape, indexBound)
                : tensor(rng, shape, spec.domain(), magnitude);
    }

    /** Standard normal values of {@code shape}: a gradient output, or a direction for a JVP. */
    public static Tensor normal(RandomGenerator rng, Shape shape) {
        return Tensor.randn(rng, shape.dims());
    }

    /**
     * One valid set of arguments for {@code op} (shapes, attributes, values), from the op's own
     * sample generator.
     *
     * @throws IllegalArgumentException when the op has no sample generator (an internal helper)
     */
    public static Sample sample(OpDef op, RandomGenerator rng, double magnitude) {
        if (op.samples() == null) {
            throw new IllegalArgumentException(op.name() + ": the op has no sample generator");
        }
        return op.samples().draw(rng, magnitude);
    }
}

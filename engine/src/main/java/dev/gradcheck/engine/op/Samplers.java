package dev.gradcheck.engine.op;

import dev.gradcheck.engine.Attrs;
import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.Tensor;
import java.util.random.RandomGenerator;

/**
 * Building blocks for ops' {@link SampleGenerator sample generators} (for the built-in ops and
 * one's own): random shapes, broadcast-compatible shape pairs,
 * and values within a domain at a given magnitude, kept away from kinks.
 */
public final class Samplers {
    /** Values closer than this (relative to the magnitude) to a kink are moved away from it. */
    public static final double KINK_MARGIN = 0.05;

    private Samplers() {
    }

    /** A random shape of rank {@code minRank..maxRank}, each dimension in 1..{@code maxDim}. */
    public static Shape shape(RandomGenerator rng, int minRank, int maxRank, int maxDim) {
        int rank = minRank + rng.nextInt(maxRank - minRank + 1);
        int[] d = new int[rank];
        for (int i = 0; i < rank; i++) {
            d[i] = 1 + rng.nextInt(maxDim);
        }
        return Shape.of(d);
    }

    /** A shape that broadcasts with {@code s}: a suffix of it, some dimensions set to 1. */
    public static Shape broadcastPartner(RandomGenerator rng, Shape s) {
        int drop = rng.nextInt(s.rank() + 1);
        int[] d = new int[s.rank() - drop];
        for (int i = 0; i < d.length; i++) {
            d[i] = rng.nextInt(4) == 0 ? 1 : s.dim(i + drop);
        }
        return Shape.of(d);
    }

    /** One value in {@code domain} of typical size {@code magnitude}, away from kinks. */
    public static double value(RandomGenerator rng, Domain domain, double magnitude) {
        double v;
        if (domain.low() >= 0 && domain.high() <= 1) {
            v = 0.05 + 0.9 * rng.nextDouble();
        } else if (domain.low() >= 0) {
            v = domain.low() + magnitude * (0.2 + 1.8 * rng.nextDouble());
        } else {
            double m = magnitude * (0.3 + 1.2 * rng.nextDouble());
            v = rng.nextBoolean() ? m : -m;
        }
        for (double k : domain.kinks()) {
            double margin = KINK_MARGIN * Math.max(1, magnitude);
            if (Math.abs(v - k) < margin) {
                v = k + (v >= k ? margin : -margin) * (1 + rng.nextDouble());
            }
        }
        return v;
    }

    /** A float64 tensor of {@code shape} with values from {@link #value}. */
    public static Tensor tensor(RandomGenerator rng, Shape shape, Domain domain, double magnitude) {
        double[] d = new double[shape.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = value(rng, domain, magnitude);
        }
        return Tensor.of(d, shape);
    }

    /** An int64 tensor of {@code shape} with values in [0, high). */
    public static Tensor indices(RandomGenerator rng, Shape shape, int high) {
        long[] v = new long[shape.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = rng.nextInt(high);
        }
        return Tensor.ofLongs(v, shape.dims());
    }

    /** Samples for a one-input elementwise op over {@code domain}. */
    public static SampleGenerator unary(Domain domain) {
        return (rng, m) -> new Sample(new Tensor[] {tensor(rng, shape(rng, 0, 3, 4), domain, m)}, Attrs.EMPTY);
    }

    /** Samples for a two-input broadcasting op, the second input drawn from {@code second}. */
    public static SampleGenerator binary(Domain first, Domain second) {
        return (rng, m) -> {
            Shape a = shape(rng, 0, 3, 4);
            Shape b = broadcastPartner(rng, a);
            if (rng.nextBoolean()) {
                Shape t = a;
                a = b;
                b = t;
            }
            return new Sample(new Tensor[] {tensor(rng, a, first, m), tensor(rng, b, second, m)}, Attrs.EMPTY);
        };
    }

    /** A random valid {@code dim} for a tensor of rank {@code rank} (negative half the time). */
    public static int dim(RandomGenerator rng, int rank) {
        int r = Math.max(rank, 1);
        int d = rng.nextInt(r);
        return rng.nextBoolean() ? d - r : d;
    }
}

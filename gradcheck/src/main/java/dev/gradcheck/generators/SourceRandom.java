package dev.gradcheck.generators;

import java.util.random.RandomGenerator;
import org.quicktheories.core.RandomnessSource;
import org.quicktheories.impl.Constraint;

/**
 * A {@link RandomGenerator} whose every choice is one QuickTheories draw, so that QuickTheories'
 * shrinking reaches the generators: a bounded choice shrinks toward its lowest option (rank 0,
 * dimension 1, the first attribute value, {@code false}), {@code nextDouble()} toward 0.
 * Anything built from it by {@link Generators} or an {@code OpDef}'s sample generator therefore
 * shrinks toward the smallest shapes.
 */
final class SourceRandom implements RandomGenerator {
    private static final long DOUBLE_UNITS = 1L << 53;
    private final RandomnessSource source;

    SourceRandom(RandomnessSource source) {
        this.source = source;
    }

    @Override
    public long nextLong() {
        return source.next(Constraint.between(Long.MIN_VALUE, Long.MAX_VALUE).withShrinkPoint(0));
    }

    @Override
    public int nextInt() {
        return (int) source.next(Constraint.between(Integer.MIN_VALUE, Integer.MAX_VALUE).withShrinkPoint(0));
    }

    @Override
    public int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be positive, got " + bound);
        }
        return (int) source.next(Constraint.between(0, bound - 1L).withShrinkPoint(0));
    }

    @Override
    public int nextInt(int origin, int bound) {
        if (origin >= bound) {
            throw new IllegalArgumentException("origin " + origin + " must be below bound " + bound);
        }
        return (int) source.next(Constraint.between(origin, bound - 1L).withShrinkPoint(origin));
    }

    @Override
    public long nextLong(long bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be positive, got " + bound);
        }
        return source.next(Constraint.between(0, bound - 1).withShrinkPoint(0));
    }

    @Override
    public boolean nextBoolean() {
        return source.next(Constraint.between(0, 1).withShrinkPoint(0)) == 1;
    }

    @Override
    public double nextDouble() {
        return source.next(Constraint.between(0, DOUBLE_UNITS - 1).withShrinkPoint(0)) * 0x1.0p-53;
    }

    @Override
    public float nextFloat() {
        return (float) source.next(Constraint.between(0, (1 << 24) - 1).withShrinkPoint(0)) * 0x1.0p-24f;
    }

    @Override
    public double nextGaussian() {
        // Box-Muller on two shrinkable uniforms: shrinks toward small values, never loops
        double u = 1 - nextDouble();
        double v = nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}

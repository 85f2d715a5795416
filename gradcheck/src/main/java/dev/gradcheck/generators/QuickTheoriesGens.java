package dev.gradcheck.generators;

import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.op.Domain;
import dev.gradcheck.engine.op.OpDef;
import dev.gradcheck.engine.op.Sample;
import java.util.Arrays;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import org.quicktheories.core.Gen;

/**
 * QuickTheories {@link Gen} adapters for {@link Generators}. QuickTheories is an optional
 * dependency of gradcheck: add {@code org.quicktheories:quicktheories} (0.26) to your test scope to
 * use this class.
 *
 * <p>Each Gen draws every random choice through QuickTheories, so shrinking works: a failing
 * example shrinks toward lower ranks, dimensions of 1 and small values.
 *
 * <pre>{@code
 * qt().withFixedSeed(7).withExamples(200)
 *     .forAll(QuickTheoriesGens.samples(OpRegistry.get("tanh"), 1))
 *     .checkAssert(sample -> ...);
 * }</pre>
 */
@SuppressWarnings("exports") // QuickTheories is an optional dependency: who calls this has it
public final class QuickTheoriesGens {
    private QuickTheoriesGens() {
    }

    /**
     * A Gen from any function of a {@link RandomGenerator}; the function must draw all its
     * randomness from the generator it is given (then it shrinks too).
     */
    public static <T> Gen<T> fromRandom(Function<RandomGenerator, T> draw) {
        return source -> draw.apply(new SourceRandom(source));
    }

    /** Shapes of rank {@code minRank..maxRank}, dimensions {@code 1..maxDim}; shrinks toward {@code minRank} and 1s. */
    public static Gen<Shape> shapes(int minRank, int maxRank, int maxDim) {
        return fromRandom(rng -> Generators.shape(rng, minRank, maxRank, maxDim));
    }

    /** Pairs of broadcast-compatible shapes (see {@link Generators#broadcastPair}). */
    public static Gen<Shape[]> broadcastPairs(int maxRank, int maxDim) {
        Gen<Shape[]> gen = fromRandom(rng -> Generators.broadcastPair(rng, maxRank, maxDim));
        return gen.describedAs(p -> p[0] + " and " + p[1]);
    }

    /** Tensors of random shape with values in {@code domain}, away from its kinks. */
    public static Gen<Tensor> tensors(Domain domain, double magnitude, int maxRank, int maxDim) {
        Gen<Tensor> gen = fromRandom(rng -> Generators.tensor(rng, domain, magnitude, maxRank, maxDim));
        return gen.describedAs(t -> t.shape() + " " + Arrays.toString(t.data()));
    }

    /** Values in {@code domain} at least {@code margin} away from its kinks. */
    public static Gen<Double> valuesAwayFromKinks(Domain domain, double magnitude, double margin) {
        return fromRandom(rng -> Generators.awayFromKinks(rng, domain, magnitude, margin));
    }

    /**
     * Valid arguments for {@code op} from its own sample generator, described as shapes and
     * attributes ({@code [2, 3], [3] {alpha=2.0}}).
     *
     * @throws IllegalArgumentException when the op has no sample generator
     */
    public static Gen<Sample> samples(OpDef op, double magnitude) {
        if (op.samples() == null) {
            throw new IllegalArgumentException(op.name() + ": the op has no sample generator");
        }
        Gen<Sample> gen = fromRandom(rng -> Generators.sample(op, rng, magnitude));
        return gen.describedAs(s -> op.name() + "(" + s + ")");
    }
}

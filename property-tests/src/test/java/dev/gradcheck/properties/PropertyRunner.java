package dev.gradcheck.properties;

import static org.quicktheories.QuickTheory.qt;

import dev.gradcheck.engine.op.OpDef;
import dev.gradcheck.engine.op.Sample;
import dev.gradcheck.generators.Generators;
import dev.gradcheck.generators.QuickTheoriesGens;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;
import org.opentest4j.AssertionFailedError;
import org.quicktheories.core.Gen;

/**
 * Runs one property of one op under QuickTheories with a fixed seed and bounded examples. Draws
 * come from the op's own sample generator through {@link QuickTheoriesGens}, so a failure shrinks
 * toward lower ranks and dimensions of 1. Since shrinking changes one choice at a time it can stop
 * at a local minimum, so a manual shrink follows: {@link #MANUAL_DRAWS} more draws are tried and
 * the failing draw with the fewest input elements is reported first. The failure names the op,
 * the property, the seed, that draw (shapes, attributes, magnitude, values when small) with its
 * cause, the command that reruns it, and then QuickTheories' own report.
 */
final class PropertyRunner {
    /** Bounded: each shrink step reruns the property, and some properties cost many forwards. */
    static final int SHRINK_CYCLES = 200;
    /** Extra draws searched for a smaller failing sample after a failure. */
    static final int MANUAL_DRAWS = 400;

    private PropertyRunner() {
    }

    /**
     * One draw for {@code op}: a magnitude (1 six times in eight, else 10 or 100, to reach branches
     * taken only for large inputs), the op's sample at it, an auxiliary seed.
     */
    static OpDraw draw(OpDef op, RandomGenerator rng) {
        int m = rng.nextInt(8);
        double magnitude = m < 6 ? 1 : m == 6 ? 10 : 100;
        Sample sample = Generators.sample(op, rng, magnitude);
        return new OpDraw(op, magnitude, sample, rng.nextLong());
    }

    /** Shrinkable QuickTheories draws for {@code op}. */
    static Gen<OpDraw> draws(OpDef op) {
        return QuickTheoriesGens.fromRandom(rng -> draw(op, rng));
    }

    /**
     * Checks {@code property} of {@code op}.
     *
     * @throws AssertionFailedError when a draw falsifies it, or when every draw had to be skipped
     */
    static void run(OpDef op, OpProperty property, long seed, int examples) {
        AtomicInteger checked = new AtomicInteger();
        AtomicInteger skipped = new AtomicInteger();
        Smallest smallest = new Smallest();
        try {
            qt().withFixedSeed(seed).withExamples(examples).withShrinkCycles(SHRINK_CYCLES)
                    .forAll(draws(op))
                    .checkAssert(draw -> (checkOne(property, draw, smallest) ? checked : skipped).incrementAndGet());
        } catch (AssertionError e) {
            manualShrink(op, property, seed, smallest);
            throw new AssertionFailedError("op '" + op.name() + "', property '" + property.name() + "' falsified"
                    + " (seed " + seed + ", " + examples + " examples; rerun: "
                    + PropsConfig.rerunCommand(op.name(), seed, examples) + ")\n"
                    + "Smallest failing draw: " + smallest.draw + "\n"
                    + "  " + smallest.cause.getMessage() + "\n\n"
                    + "QuickTheories' report:\n" + e.getMessage(), e);
        } catch (RuntimeException e) {
            // only drawing runs outside checkOne: the op's sample generator failed
            throw new AssertionFailedError("op '" + op.name() + "', property '" + property.name() + "': the op's "
                    + "sample generator threw " + e + " (seed " + seed + ")", e);
        }
        if (Boolean.getBoolean("gradcheck.props.verbose")) {
            System.out.println(op.name() + ": " + property.name() + ": " + checked.get() + " draws checked, "
                    + skipped.get() + " skipped");
        }
        if (checked.get() == 0) {
            throw new AssertionFailedError("op '" + op.name() + "', property '" + property.name() + "': all "
                    + skipped.get() + " draws were skipped (forward not finite, or the finite-difference step "
                    + "straddled a kink), so nothing was checked (seed " + seed + ")");
        }
    }

    /** Checks one draw; an exception from the op counts as a failure; failures are offered to {@code smallest}. */
    private static boolean checkOne(OpProperty property, OpDraw draw, Smallest smallest) {
        try {
            return property.check(draw);
        } catch (AssertionError e) {
            smallest.offer(draw, e);
            throw e;
        } catch (RuntimeException | StackOverflowError e) {
            AssertionError failure = new AssertionError("threw " + e, e);
            smallest.offer(draw, failure);
            throw failure;
        }
    }

    /** Tries more draws and keeps any failing one with fewer input elements than the smallest so far. */
    private static void manualShrink(OpDef op, OpProperty property, long seed, Smallest smallest) {
        if (smallest.draw == null) {
            return;
        }
        for (int i = 0; i < MANUAL_DRAWS; i++) {
            OpDraw d = draw(op, new SplittableRandom(seed * 1_000_003L + i));
            if (d.elements() < smallest.draw.elements()) {
                try {
                    checkOne(property, d, smallest);
                } catch (AssertionError expected) {
                    // offered to smallest
                }
            }
        }
    }

    /** The failing draw with the fewest input elements seen so far, with its cause. */
    private static final class Smallest {
        OpDraw draw;
        AssertionError cause;

        void offer(OpDraw d, AssertionError e) {
            if (draw == null || d.elements() < draw.elements()) {
                draw = d;
                cause = e;
            }
        }
    }
}

package dev.gradcheck.properties;

import static org.quicktheories.QuickTheory.qt;

import dev.gradcheck.engine.op.OpDef;
import dev.gradcheck.engine.op.Sample;
import dev.gradcheck.generators.Generators;
import dev.gradcheck.generators.QuickTheoriesGens;
import java.util.concurrent.atomic.AtomicInteger;
import org.opentest4j.AssertionFailedError;
import org.quicktheories.core.Gen;

/**
 * Runs one property of one op under QuickTheories with a fixed seed and bounded examples. Draws
 * come from the op's own sample generator through {@link QuickTheoriesGens}, so a failure shrinks
 * toward lower ranks and dimensions of 1; the failure names the op, the property, the seed, the
 * smallest falsifying sample (shapes, attributes, magnitude, values when small) and the command
 * that reruns it.
 */
final class PropertyRunner {
    /** Bounded: each shrink step reruns the property, and some properties cost many forwards. */
    static final int SHRINK_CYCLES = 200;

    private PropertyRunner() {
    }

    /** Draws for {@code op}: magnitude 1 (three times in four) or 10, the op's sample, an auxiliary seed. */
    static Gen<OpDraw> draws(OpDef op) {
        return QuickTheoriesGens.fromRandom(rng -> {
            double magnitude = rng.nextInt(4) == 3 ? 10 : 1;
            Sample sample = Generators.sample(op, rng, magnitude);
            return new OpDraw(op, magnitude, sample, rng.nextLong());
        });
    }

    /**
     * Checks {@code property} of {@code op}.
     *
     * @throws AssertionFailedError when a draw falsifies it, or when every draw had to be skipped
     */
    static void run(OpDef op, OpProperty property, long seed, int examples) {
        AtomicInteger checked = new AtomicInteger();
        AtomicInteger skipped = new AtomicInteger();
        try {
            qt().withFixedSeed(seed).withExamples(examples).withShrinkCycles(SHRINK_CYCLES)
                    .forAll(draws(op))
                    .checkAssert(draw -> {
                        boolean used;
                        try {
                            used = property.check(draw);
                        } catch (RuntimeException | StackOverflowError e) {
                            throw new AssertionError("threw " + e, e);
                        }
                        (used ? checked : skipped).incrementAndGet();
                    });
        } catch (AssertionError e) {
            throw new AssertionFailedError("op '" + op.name() + "', property '" + property.name() + "' falsified"
                    + " (seed " + seed + ", " + examples + " examples; rerun: "
                    + PropsConfig.rerunCommand(op.name(), seed, examples) + ")\n" + e.getMessage(), e);
        }
        if (checked.get() == 0) {
            throw new AssertionFailedError("op '" + op.name() + "', property '" + property.name() + "': all "
                    + skipped.get() + " draws were skipped (forward not finite, or the finite-difference step "
                    + "straddled a kink), so nothing was checked (seed " + seed + ")");
        }
    }
}

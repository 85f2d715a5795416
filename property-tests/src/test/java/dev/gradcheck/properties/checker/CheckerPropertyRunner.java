package dev.gradcheck.properties.checker;

import static org.quicktheories.QuickTheory.qt;

import dev.gradcheck.properties.PropsConfig;
import java.util.function.Consumer;
import org.opentest4j.AssertionFailedError;
import org.quicktheories.core.Gen;

/**
 * Runs one property of the checker under QuickTheories with the module's fixed seed and bounded
 * examples ({@code -Dgradcheck.props.seed}, {@code -Dgradcheck.props.examples} for longer runs).
 * A failure names the property, the seed and the command that reruns it, then QuickTheories'
 * report with the smallest falsifying draw (shapes, values, the bug's choices, the checker seed).
 */
final class CheckerPropertyRunner {
    /** Bounded: each shrink step reruns the checker. */
    static final int SHRINK_CYCLES = 50;

    private CheckerPropertyRunner() {
    }

    static <T> void run(String property, Gen<T> draws, int defaultExamples, Consumer<T> check) {
        long seed = PropsConfig.seed();
        int examples = PropsConfig.examples(defaultExamples);
        java.util.concurrent.atomic.AtomicInteger checked = new java.util.concurrent.atomic.AtomicInteger();
        long t0 = System.nanoTime();
        try {
            qt().withFixedSeed(seed).withExamples(examples).withShrinkCycles(SHRINK_CYCLES).forAll(draws)
                    .checkAssert(d -> {
                        checked.incrementAndGet();
                        check.accept(d);
                    });
        } catch (AssertionError e) {
            throw new AssertionFailedError("checker property '" + property + "' falsified (seed " + seed + ", "
                    + examples + " examples; rerun: mvn -o -B test -pl property-tests -am"
                    + " -Dsurefire.failIfNoSpecifiedTests=false -Dtest=CheckerPropertiesTest"
                    + " -Dgradcheck.props.seed=" + seed + " -Dgradcheck.props.examples=" + examples + ")\n"
                    + e.getMessage(), e);
        }
        if (Boolean.getBoolean("gradcheck.props.verbose")) {
            System.out.printf(java.util.Locale.ROOT, "checker: %s: %d draws checked in %.0f ms%n", property,
                    checked.get(), (System.nanoTime() - t0) / 1e6);
        }
    }
}

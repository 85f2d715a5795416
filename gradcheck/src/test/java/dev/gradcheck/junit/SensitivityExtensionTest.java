package dev.gradcheck.junit;

import static dev.gradcheck.junit.GradientTestExtensionTest.assertContains;
import static dev.gradcheck.junit.GradientTestExtensionTest.failures;
import static dev.gradcheck.junit.GradientTestExtensionTest.names;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.gradcheck.SensitivityFixture;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.opentest4j.AssertionFailedError;

/**
 * Issue #9's acceptance through the JUnit extension: every planted bug (relative errors 1e-3,
 * 1e-4, 1e-5, a forgotten eps, 3.14 for π, a wrong branch for x &gt; 20) fails its
 * {@code @GradientTest} with default settings at every default seed, and the correct versions
 * of the same ops pass. Run by JUnit itself (EngineTestKit) on {@link SensitivityFixture}.
 */
class SensitivityExtensionTest {
    private static final List<Long> DEFAULT_SEEDS = List.of(0L, 1L, 2L);

    private static List<String> invocations(List<String> ops) {
        List<String> names = new ArrayList<>();
        for (String op : ops) {
            for (long seed : DEFAULT_SEEDS) {
                names.add(op + ": seed " + seed + ", shapes [4, 8]");
            }
        }
        names.sort(null);
        return names;
    }

    @Test
    void everyPlantedBugFailsAtEveryDefaultSeedAndTheCorrectOpsPass() {
        EngineExecutionResults r = GradientTestExtensionTest.run(SensitivityFixture.class);
        List<String> planted = SensitivityFixture.plantedNames();
        List<String> correct = SensitivityFixture.correctNames();
        assertEquals(6, planted.size(), planted::toString);

        Map<String, Throwable> failed = failures(r.testEvents());
        List<String> failedNames = new ArrayList<>(failed.keySet());
        failedNames.sort(null);
        assertEquals(invocations(planted), failedNames, "failed invocations");
        List<String> passed = names(r.testEvents().succeeded());
        passed.sort(null);
        assertEquals(invocations(correct), passed, "passed invocations");
        r.testEvents().assertStatistics(s -> s.started(3 * (planted.size() + correct.size()))
                .failed(3 * planted.size()).succeeded(3 * correct.size()));

        failed.forEach((name, e) -> {
            AssertionFailedError f = assertInstanceOf(AssertionFailedError.class, e, name);
            String op = name.substring(0, name.indexOf(": seed "));
            String seed = name.substring(name.indexOf(": seed ") + 7, name.indexOf(", shapes"));
            assertContains(f.getMessage(), "gradient check of '" + op + "' failed (seed " + seed + ", shapes [4, 8])");
            assertContains(f.getMessage(), "FAIL  " + op + "  ");
            // expected (numeric) and actual (analytic) of the worst entry, for IDE diffs
            assertEquals(true, f.isExpectedDefined() && f.isActualDefined(), name + ": expected/actual set");
        });
    }
}

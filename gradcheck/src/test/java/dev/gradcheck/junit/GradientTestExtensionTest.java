package dev.gradcheck.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.gradcheck.Status;
import dev.gradcheck.junit.fixtures.CorrectOpFixture;
import dev.gradcheck.junit.fixtures.DomainFixture;
import dev.gradcheck.junit.fixtures.FaultyOpsFixture;
import dev.gradcheck.junit.fixtures.FixtureOnly;
import dev.gradcheck.junit.fixtures.InjectionFixture;
import dev.gradcheck.junit.fixtures.MagnitudesFixture;
import dev.gradcheck.junit.fixtures.MisconfiguredFixture;
import dev.gradcheck.junit.fixtures.MisconfiguredSettingsFixture;
import dev.gradcheck.junit.fixtures.MoreSourcesFixture;
import dev.gradcheck.junit.fixtures.PlantedBugFixture;
import dev.gradcheck.junit.fixtures.ShapeCountFixture;
import dev.gradcheck.junit.fixtures.TimeoutFixture;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.Events;
import org.opentest4j.AssertionFailedError;

/** The extension run by JUnit itself (EngineTestKit) on the fixture classes: passed and failed events, messages. */
class GradientTestExtensionTest {
    static EngineExecutionResults run(Class<?> fixture) {
        return EngineTestKit.engine("junit-jupiter").configurationParameter(FixtureOnly.PARAMETER, "run")
                .selectors(selectClass(fixture)).execute();
    }

    static List<String> names(Events events) {
        return events.stream().map(e -> e.getTestDescriptor().getDisplayName()).collect(Collectors.toList());
    }

    static Throwable thrown(Event e) {
        return e.getPayload(TestExecutionResult.class).flatMap(TestExecutionResult::getThrowable).orElseThrow();
    }

    /** Failure messages by display name. */
    static Map<String, Throwable> failures(Events events) {
        Map<String, Throwable> m = new LinkedHashMap<>();
        events.failed().stream().forEach(e -> m.put(e.getTestDescriptor().getDisplayName(), thrown(e)));
        return m;
    }

    static void assertContains(String text, String part) {
        assertTrue(text.contains(part), () -> "expected the message to contain\n  " + part + "\nbut it was\n" + text);
    }

    @Test
    void correctOpsPassEveryInvocationNamedBySeedAndShapes() {
        EngineExecutionResults r = run(CorrectOpFixture.class);
        r.testEvents().assertStatistics(s -> s.started(8).succeeded(8).failed(0));
        List<String> expected = new java.util.ArrayList<>(List.of("seed 0, shapes [4, 8]", "seed 1, shapes [4, 8]",
                "seed 2, shapes [4, 8]", "seed 0, shapes [1]", "seed 1, shapes [1]", "seed 2, shapes [1]",
                "seed 5, shapes [3, 4], [4]", "seed 11, shapes [3, 4], [4]"));
        List<String> actual = names(r.testEvents().succeeded());
        expected.sort(null);
        actual.sort(null);
        assertEquals(expected, actual);
    }

    @Test
    void opsFromServiceLoaderInstanceMembersAndOtherClasses() {
        EngineExecutionResults r = run(MoreSourcesFixture.class);
        r.testEvents().assertStatistics(s -> s.started(3).succeeded(3).failed(0));
        List<String> actual = names(r.testEvents().succeeded());
        actual.sort(null);
        assertEquals(List.of("seed 0, shapes [2, 3]", "seed 2, shapes [4, 8]", "seed 4, shapes [3]"), actual);
    }

    @Test
    void plantedBugFailsWithDiagnosisSeedReproduceAndExpectedActual() {
        EngineExecutionResults r = run(PlantedBugFixture.class);
        r.testEvents().assertStatistics(s -> s.started(2).succeeded(1).failed(1));
        assertEquals(List.of("swish: seed 3, shapes [4, 8]"), names(r.testEvents().succeeded()));
        Map<String, Throwable> failed = failures(r.testEvents());
        assertEquals(List.of("doubled_swish: seed 3, shapes [4, 8]"), List.copyOf(failed.keySet()));
        AssertionFailedError e = assertInstanceOf(AssertionFailedError.class, failed.values().iterator().next());
        String m = e.getMessage();
        assertContains(m, "gradient check of 'doubled_swish' failed (seed 3, shapes [4, 8])\n");
        assertContains(m, "FAIL  doubled_swish  96 entries"); // 32 entries at each of 3 draws
        assertContains(m, "diagnosis: input 'input0': analytic = 2.0 x numeric on every entry: an extra factor of 2");
        assertContains(m, "reproduce: GradChecker.defaults().seed(3).assertCorrect(new dev.gradcheck.junit.JunitOps.DoubledSwish())");
        assertContains(m, "1 of 1 checks failed (seed 3)");
        // expected/actual: the worst entry's numeric and analytic values, the same as a direct check's
        assertTrue(e.isExpectedDefined() && e.isActualDefined(), "expected and actual set");
        var worst = GradChecker.defaults().seed(3).check(new JunitOps.DoubledSwish()).checks().get(0).worst().get(0);
        assertEquals(worst.numeric(), (Double) e.getExpected().getValue());
        assertEquals(worst.analytic(), (Double) e.getActual().getValue());
        assertEquals(2.0, worst.analytic() / worst.numeric(), 1e-3);
    }

    @Test
    void endlessLoopTimesOutAndTheNextOpStillRuns() throws InterruptedException {
        long t0 = System.nanoTime();
        EngineExecutionResults r = run(TimeoutFixture.class);
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertTrue(seconds < 10, "the run took " + seconds + " s");
        r.testEvents().assertStatistics(s -> s.started(2).succeeded(1).failed(1));
        assertEquals(List.of("swish: seed 0, shapes [4, 8]"), names(r.testEvents().succeeded()));
        Map<String, Throwable> failed = failures(r.testEvents());
        assertEquals(List.of("looping: seed 0, shapes [4, 8]"), List.copyOf(failed.keySet()));
        String m = failed.values().iterator().next().getMessage();
        assertContains(m, "gradient check of 'looping' failed (seed 0, shapes [4, 8])");
        assertContains(m, "ERROR looping");
        assertContains(m, "error: timed out after 1 s in forward (call 1) at dev.gradcheck.junit.JunitOps$Looping.forward(JunitOps.java:");
        assertContains(m, "an endless loop, or too slow for the timeout");
        GradAssertionsTest.assertNoRunawayThread("gradcheck-op-Looping");
    }

    @Test
    void faultyUserCodeGivesAMessagePerOpAndTheCorrectOpStillPasses() {
        EngineExecutionResults r = run(FaultyOpsFixture.class);
        r.testEvents().assertStatistics(s -> s.started(8).succeeded(1).failed(7));
        assertEquals(List.of("swish: seed 1, shapes [4, 8]"), names(r.testEvents().succeeded()));
        Map<String, Throwable> f = failures(r.testEvents());
        String at = ": seed 1, shapes [4, 8]";
        assertContains(f.get("throwing" + at).getMessage(),
                "error: backward threw IllegalStateException: backward not implemented for rank 2");
        assertInstanceOf(IllegalStateException.class, f.get("throwing" + at).getCause());
        assertContains(f.get("asserting" + at).getMessage(), "error: forward threw AssertionError: x must be positive");
        assertInstanceOf(AssertionError.class, f.get("asserting" + at).getCause());
        assertContains(f.get("sneaky" + at).getMessage(), "error: backward threw IOException: kernel.bin: no such file");
        assertInstanceOf(java.io.IOException.class, f.get("sneaky" + at).getCause());
        assertContains(f.get("nan_backward" + at).getMessage(), "analytic gradient is NaN at");
        assertContains(f.get("wrong_size" + at).getMessage(),
                "backward returned a gradient of 31 values for input 'input0' of shape [4, 8] (32 values)");
        assertContains(f.get("mutating" + at).getMessage(), "backward mutates its input (input 'input0' entry [0, 0] changed)");
        assertContains(f.get("nondeterministic" + at).getMessage(),
                "nondeterministic: two backward runs with the same gradOutput differ by");
        for (Throwable t : f.values()) {
            assertInstanceOf(AssertionFailedError.class, t);
            assertContains(t.getMessage(), "(seed 1)");
        }
    }

    @Test
    void injectedCheckerHasTheSettingsOfClassAndMethod() {
        EngineExecutionResults r = run(InjectionFixture.class);
        r.testEvents().assertStatistics(s -> s.started(4).succeeded(3).failed(1));
        Map<String, Throwable> f = failures(r.testEvents());
        String m = f.get("plantedBugThroughInjectedChecker(GradChecker)").getMessage();
        assertContains(m, "gradient check failed for 'doubled_swish (seed 7, shapes [4, 8])' (fail), "
                + "'doubled_swish (seed 8, shapes [4, 8])' (fail)");
        assertContains(m, "analytic = 2.0 x numeric on every sampled entry: an extra factor of 2");
        assertContains(m, "reproduce: GradChecker.defaults().seed(8).mode(Mode.SAMPLED).assertCorrect(");
    }

    @Test
    void opsAreDrawnFromTheirDeclaredDomains() {
        EngineExecutionResults r = run(DomainFixture.class);
        // each forward throws outside its domain: inputs drawn over the reals would be errors
        r.testEvents().assertStatistics(s -> s.started(6).succeeded(6).failed(0));
    }

    @Test
    void largeMagnitudesFindWhatTheDefaultOnesMiss() {
        EngineExecutionResults r = run(MagnitudesFixture.class);
        r.testEvents().assertStatistics(s -> s.started(3).succeeded(2).failed(1));
        Map<String, Throwable> f = failures(r.testEvents());
        assertEquals(List.of("seed 0, shapes [8]"), List.copyOf(f.keySet()));
        String m = f.get("seed 0, shapes [8]").getMessage();
        assertContains(m, "input0 (draw 2, |x|~1.00e+06)");
        // the reproduce line keeps the magnitudes: without them the bug would not show
        assertContains(m, "reproduce: GradChecker.defaults().seed(0).magnitudes(1.0, 1000.0, 1000000.0).assertCorrect(new "
                + "dev.gradcheck.junit.JunitOps.SquareWrongBeyond1e5())");
        assertEquals(Status.FAIL, GradChecker.defaults().seed(0).magnitudes(1.0, 1000.0, 1000000.0)
                .check(new JunitOps.SquareWrongBeyond1e5()).checks().get(0).status());
    }

    @Test
    void settingsThatMakeNoSenseFailNamingTheAttributeAndValue() {
        EngineExecutionResults r = run(MisconfiguredFixture.class);
        Map<String, Throwable> f = failures(r.containerEvents());
        String at = "@GradientTest on MisconfiguredFixture.";
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("zeroCount(Swish)", "zeroCount(): count = 0: must be at least 1 (it checks seeds 0 … count - 1)");
        expected.put("hugeCount(Swish)", "hugeCount(): count = 2147483647: at most 100000 (each seed is a test of its own");
        expected.put("seedsAndCount(Swish)", "seedsAndCount(): seeds = {1, 2} and count = 2: give one of them");
        expected.put("repeatedSeed(Swish)", "repeatedSeed(): seeds = {4, 5, 4}: seed 4 is given twice");
        expected.put("zeroThreads(Swish)", "zeroThreads(): threads = 0: must be at least 1");
        expected.put("negativeTimeout(Swish)", "negativeTimeout(): timeoutMillis = -5: must be at least 1 (milliseconds)");
        expected.put("negativeAtol(Swish)", "negativeAtol(): atol = -1.0E-6: must be a finite number, 0 or more");
        expected.put("infiniteRtol(Swish)", "infiniteRtol(): rtol = Infinity: must be a finite number, 0 or more");
        expected.put("zeroEps(Swish)", "zeroEps(): eps = 0.0: must be a positive finite number (the relative step)");
        expected.put("unknownTolerance(Swish)", "unknownTolerance(): tolerance = \"loose\": expected pytorch or model");
        expected.put("negativeMagnitude(Swish)",
                "negativeMagnitude(): magnitudes = {1.0, -3.0}: -3.0 is not a positive finite number");
        expected.put("moreMagnitudesThanDraws(Swish)", "moreMagnitudesThanDraws(): magnitudes = {1.0, 10.0, 100.0, 1000.0}: "
                + "4 magnitudes for 3 draws (one magnitude per draw, in turn): give at most 3, or more draws in options");
        for (Map.Entry<String, String> e : expected.entrySet()) {
            assertTrue(f.containsKey(e.getKey()), () -> e.getKey() + " did not fail: " + f.keySet());
            assertContains(f.get(e.getKey()).getMessage(), at + e.getValue());
        }
        // nothing ran in their place
        r.testEvents().assertStatistics(s -> s.started(0));
    }

    @Test
    void aClassSettingThatMakesNoSenseFailsWhatReadsIt() {
        EngineExecutionResults r = run(MisconfiguredSettingsFixture.class);
        Map<String, Throwable> containers = failures(r.containerEvents());
        assertContains(containers.get("gradientTest(Swish)").getMessage(), "@GradientTest on "
                + "MisconfiguredSettingsFixture.gradientTest(): count = 0 (@GradCheckSettings on "
                + "MisconfiguredSettingsFixture): must be at least 1");
        Map<String, Throwable> tests = failures(r.testEvents());
        assertContains(tests.get("injectedChecker(GradChecker)").getMessage(),
                "count = 0 (@GradCheckSettings on MisconfiguredSettingsFixture): must be at least 1");
    }

    @Test
    void configurationMistakesSayWhatToWrite() {
        EngineExecutionResults r = run(MisconfiguredFixture.class);
        Map<String, Throwable> f = failures(r.containerEvents());
        assertEquals(18, f.size(), f::toString);
        assertContains(f.get("throwingConstructor(ThrowingConstructor)").getMessage(),
                "@GradientTest on MisconfiguredFixture.throwingConstructor(): the constructor of "
                        + "dev.gradcheck.junit.JunitOps$ThrowingConstructor threw java.lang.IllegalStateException: no GPU found");
        assertContains(f.get("noOp(CustomOp)").getMessage(), "@GradientTest on MisconfiguredFixture.noOp(): no op to check: "
                + "declare a parameter of a concrete op class (e.g. swish(Swish op)), name a static factory or field "
                + "with op = \"…\", or set discover = true");
        assertContains(f.get("plainFunctionWithoutShapes(DifferentiableFunction)").getMessage(),
                "'FUNCTION' is a DifferentiableFunction without inputShapes(): give shapes = {\"[…]\"}");
        assertContains(f.get("badShapes(Swish)").getMessage(), "shapes \"4, 8\": expected '[' at position 0");
        assertContains(f.get("badMode(Swish)").getMessage(), "mode = \"fastest\": expected full, fast or sampled");
        assertContains(f.get("noSuchMember(CustomOp)").getMessage(), "@GradientTest on MisconfiguredFixture.noSuchMember(): "
                + "op = \"nope\": dev.gradcheck.junit.fixtures.MisconfiguredFixture has no static method nope() and no "
                + "static field nope");
    }

    @Test
    void aShapeSetWithAnotherCountOfShapesThanTheOpsInputsIsAMistakeOfTheAnnotation() {
        EngineExecutionResults r = run(ShapeCountFixture.class);
        Map<String, Throwable> f = failures(r.containerEvents());
        assertEquals(java.util.Set.of("oneShapeForTwoInputs(RowScaleOp)", "oneSetOfThreeShapes(RowScaleOp)"), f.keySet());
        assertContains(f.get("oneShapeForTwoInputs(RowScaleOp)").getMessage(), "@GradientTest on "
                + "ShapeCountFixture.oneShapeForTwoInputs(): shapes \"[3, 3]\" gives 1 shape, but op 'row_scale' takes "
                + "2 inputs (its inputShapes(): [2, 3], [3]): write one shape per input, e.g. \"[2, 3], [3]\"");
        assertContains(f.get("oneSetOfThreeShapes(RowScaleOp)").getMessage(), "@GradientTest on "
                + "ShapeCountFixture.oneSetOfThreeShapes(): shapes \"[2], [2], [2]\" gives 3 shapes, but op 'row_scale' "
                + "takes 2 inputs");
        // the op is not called with the wrong arrays, and a set of the right count is checked as given
        assertEquals(List.of("seed 0, shapes [4, 5], [5]"), names(r.testEvents().succeeded()));
        r.testEvents().assertStatistics(s -> s.started(1).succeeded(1));
    }
}

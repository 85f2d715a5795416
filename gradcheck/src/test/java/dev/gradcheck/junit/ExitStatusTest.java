package dev.gradcheck.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * User code that calls {@code System.exit(0)} while the extension runs it ends the test JVM; under
 * the JUnit Platform console launcher (what Gradle drives) the run's exit status was then 0, a
 * green build. gradcheck's shutdown hook names the culprit and makes the status
 * {@link UnderCheck#EXIT_STATUS}. Each case is one fixture method ({@code ExitingOpsFixture}) in a
 * console launcher of its own, as the exit ends that JVM.
 */
class ExitStatusTest {
    private static final String FIXTURE = "dev.gradcheck.junit.fixtures.ExitingOpsFixture";

    static Stream<Arguments> exits() {
        String inBackward = "the JVM is ending while op 'exits_in_backward' is being checked (in backward (call 1)): "
                + "System.exit was called at " + FIXTURE + "$ExitsInBackward.backward(ExitingOpsFixture.java:";
        return Stream.of(
                Arguments.of("exitInBackward(" + FIXTURE + "$ExitsInBackward)", "1.14.4", List.of("gradcheck: " + inBackward)),
                Arguments.of("exitInBackward(" + FIXTURE + "$ExitsInBackward)", "6.0.3", List.of("gradcheck: " + inBackward)),
                Arguments.of("exitInConstructor(" + FIXTURE + "$ExitsInConstructor)", "1.14.4", List.of("gradcheck: the JVM is ending while op " + FIXTURE
                        + "$ExitsInConstructor is being made (in its constructor): System.exit was called at " + FIXTURE
                        + "$ExitsInConstructor.<init>(ExitingOpsFixture.java:")),
                Arguments.of("exitInFactory(dev.gradcheck.CustomOp)", "1.14.4", List.of("gradcheck: the JVM is ending while op = \"exitingFactory\" "
                        + "is being read: System.exit was called at " + FIXTURE + ".exitingFactory(ExitingOpsFixture.java:")),
                // after the check: the exit comes from a thread the op started then and left running
                Arguments.of("exitAfterTheCheck(" + FIXTURE + "$LeavesAnExitingThread)", "1.14.4", List.of("gradcheck: the JVM is ending: System.exit was called at "
                        + FIXTURE + "$LeavesAnExitingThread.lambda$backward$0(ExitingOpsFixture.java:",
                        "), on thread 'exits-later', which was started while op 'leaves_an_exiting_thread' was being "
                                + "checked and left running. ")));
    }

    @ParameterizedTest(name = "{0} under junit-platform-console-standalone {1}")
    @MethodSource("exits")
    void anExitEndsTheRunWithAFailingStatusNamingTheCulprit(String method, String version, List<String> said)
            throws Exception {
        ConsoleLauncherTest.Launched run = ConsoleLauncherTest.launch(version, "--select-method", FIXTURE + "#" + method);
        assertEquals(UnderCheck.EXIT_STATUS, run.process().exitValue(), run.output());
        for (String part : said) {
            assertTrue(run.output().contains(part), () -> "expected\n  " + part + "\nin\n" + run.output());
        }
        assertTrue(run.output().contains("gradcheck ends it with exit status 70, whatever status was asked for"),
                run.output());
    }
}

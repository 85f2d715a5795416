package dev.gradcheck.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcheck.CheckOptions;
import dev.gradcheck.CheckReport;
import dev.gradcheck.CustomOp;
import dev.gradcheck.CustomOpCheck;
import dev.gradcheck.junit.fixtures.FaultSiteFixture;
import dev.gradcheck.junit.fixtures.PlantedBugFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/**
 * A failed check fails a test as AssertJ's assertions do: a message of at most 30 lines, the trace
 * led by the user's frames with gradcheck's own removed, and the full report saved beside it.
 */
class FailureMessageTest {
    private static final Pattern SAVED = Pattern.compile("full report \\((\\d+) lines\\): (.+)$", Pattern.MULTILINE);

    /** 22 wrong ops in one report: far more than 30 lines as a full report. */
    private static CheckReport manyFailures() {
        List<CustomOp> ops = new ArrayList<>();
        for (int k = 0; k < 22; k++) {
            final int factor = k + 2;
            ops.add(new JunitOps.Swish() {
                @Override
                public String name() {
                    return "times_" + factor;
                }

                @Override
                public double[][] backward(double[][] in, double[] g) {
                    double[][] d = super.backward(in, g);
                    for (int i = 0; i < d[0].length; i++) {
                        d[0][i] *= factor;
                    }
                    return d;
                }
            });
        }
        return CustomOpCheck.run(ops, CheckOptions.defaults().withDraws(1).withThreads(1).withTaylor(false));
    }

    @Test
    void aReportWithManyFailuresGivesAShortMessageAndSavesTheRest() throws IOException {
        CheckReport r = manyFailures();
        AssertionFailedError e = null;
        try {
            r.assertPasses();
        } catch (AssertionFailedError thrown) {
            e = thrown;
        }
        assertTrue(e != null, "no failure");
        String m = e.getMessage();
        StackTraceElement[] trace = e.getStackTrace();
        long lines = m.lines().count();
        assertTrue(lines <= 30, () -> lines + " lines:\n" + m);
        assertTrue(m.startsWith("gradient check failed for 'times_2' (fail), 'times_3' (fail)"), m);
        assertTrue(m.contains("22 of 22 checks failed (seed 0)"), m);
        Matcher saved = SAVED.matcher(m);
        assertTrue(saved.find(), m);
        Path file = Path.of(saved.group(2));
        assertTrue(Files.isRegularFile(file), file::toString);
        String full = Files.readString(file);
        assertTrue(full.contains("FAIL  times_23"), full);
        assertEquals(Integer.parseInt(saved.group(1)), full.lines().count(), "header line plus the report");
        assertEquals(r.toText(), full.substring(full.indexOf('\n') + 1));
        // the trace leads with this test, gradcheck's own frames removed
        assertEquals(FailureMessageTest.class.getName(), trace[0].getClassName(), () -> trace[0].toString());
        for (StackTraceElement f : trace) {
            assertTrue(!f.getClassName().startsWith("dev.gradcheck.") || f.getClassName().contains("Test"),
                    () -> "a gradcheck frame is left: " + f);
        }
    }

    /** The op's class, method and whether the frame has the line (what threw or looped has it). */
    private record Site(Class<?> op, String method, boolean line) {
    }

    @Test
    void anExtensionFailureLeadsWithTheMethodAtFaultWithItsLineWhenKnown() {
        Map<String, Throwable> failed = GradientTestExtensionTest.failures(
                GradientTestExtensionTest.run(FaultSiteFixture.class).testEvents());
        Map<String, Site> expected = new java.util.LinkedHashMap<>();
        expected.put("looping", new Site(JunitOps.Looping.class, "forward", true));
        expected.put("asserting", new Site(JunitOps.Asserting.class, "forward", true));
        expected.put("throwing", new Site(JunitOps.Throwing.class, "backward", true));
        expected.put("NameThrowing", new Site(JunitOps.NameThrowing.class, "name", true));
        expected.put("null_shapes", new Site(JunitOps.NullShapes.class, "inputShapes", false));
        expected.put("nan_forward", new Site(JunitOps.NanForward.class, "forward", false));
        expected.put("mutating_forward", new Site(JunitOps.MutatingForward.class, "forward", false));
        expected.put("mutating", new Site(JunitOps.Mutating.class, "backward", false));
        expected.put("doubled_swish", new Site(JunitOps.DoubledSwish.class, "backward", false));
        expected.put("wrong_sign_jvp", new Site(JunitOps.WrongSignJvp.class, "jvp", false));
        assertEquals(expected.size(), failed.size(), failed::toString);
        for (Map.Entry<String, Throwable> f : failed.entrySet()) {
            String op = f.getKey().substring(0, f.getKey().indexOf(':'));
            Site site = expected.get(op);
            assertTrue(site != null, f.getKey());
            StackTraceElement[] trace = f.getValue().getStackTrace();
            String where = f.getKey() + ": " + trace[0] + "\n" + f.getValue().getMessage();
            assertEquals(site.op().getName(), trace[0].getClassName(), where);
            assertEquals(site.method(), trace[0].getMethodName(), where);
            assertEquals("JunitOps.java", trace[0].getFileName(), where);
            assertEquals(site.line(), trace[0].getLineNumber() > 0, where);
            assertEquals(FaultSiteFixture.class.getName(), trace[1].getClassName(), where);
            assertEquals("faultyOps", trace[1].getMethodName(), where);
        }
        // a timeout's cause holds the looping thread's stack, as JUnit's assertTimeoutPreemptively does
        Throwable loop = failed.get("looping: seed 1, shapes [4, 8]").getCause();
        assertInstanceOf(java.util.concurrent.TimeoutException.class, loop);
        assertEquals("forward (call 1) did not return within 1 s: the stack of its thread at the deadline",
                loop.getMessage());
        assertEquals(JunitOps.Looping.class.getName(), loop.getStackTrace()[0].getClassName());
    }

    @Test
    void anExtensionFailureLeadsWithTheOpsBackwardAndTheTestMethod() {
        Map<String, Throwable> failed = GradientTestExtensionTest.failures(
                GradientTestExtensionTest.run(PlantedBugFixture.class).testEvents());
        AssertionFailedError e = assertInstanceOf(AssertionFailedError.class, failed.values().iterator().next());
        StackTraceElement[] trace = e.getStackTrace();
        assertEquals(JunitOps.DoubledSwish.class.getName(), trace[0].getClassName(), () -> trace[0].toString());
        assertEquals("backward", trace[0].getMethodName());
        assertEquals("JunitOps.java", trace[0].getFileName());
        assertEquals(PlantedBugFixture.class.getName(), trace[1].getClassName());
        assertEquals("ops", trace[1].getMethodName());
        assertTrue(e.getMessage().lines().count() <= 30, e::getMessage);
        assertTrue(SAVED.matcher(e.getMessage()).find(), e::getMessage);
    }
}

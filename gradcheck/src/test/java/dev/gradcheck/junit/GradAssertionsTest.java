package dev.gradcheck.junit;

import static dev.gradcheck.junit.GradAssertions.assertAllGradientsCorrect;
import static dev.gradcheck.junit.GradAssertions.assertGradientsCorrect;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcheck.CheckOptions;
import dev.gradcheck.CheckReport;
import dev.gradcheck.CheckResult;
import dev.gradcheck.CustomOp;
import dev.gradcheck.DifferentiableFunction;
import dev.gradcheck.Mode;
import dev.gradcheck.Status;
import dev.gradcheck.engine.Tensor;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

class GradAssertionsTest {
    /** A runaway op thread is stopped where the JVM can (Java 17 to 19); elsewhere it is at least a daemon. */
    static void assertNoRunawayThread(String name) throws InterruptedException {
        Set<Thread> alive = Set.of();
        for (int k = 0; k < 40; k++) {
            alive = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith(name))
                    .filter(Thread::isAlive).collect(Collectors.toSet());
            if (alive.isEmpty()) {
                return;
            }
            Thread.sleep(50);
        }
        if (Runtime.version().feature() < 20) {
            throw new AssertionError("threads still running after the timeout: " + alive);
        }
        assertTrue(alive.stream().allMatch(Thread::isDaemon), "left running, but as daemons: " + alive);
    }

    @Test
    void correctOpPasses() {
        CheckReport r = assertGradientsCorrect(new JunitOps.Swish(), 0, 1, 2);
        assertEquals(3, r.checks().size());
        assertEquals("swish (seed 2, shapes [4, 8])", r.checks().get(2).name());
        assertTrue(r.passed());
    }

    @Test
    void plainFunctionAtGivenShapes() {
        CheckReport r = assertGradientsCorrect(new JunitOps.RowScale(), new int[] {2, 3}, new int[] {3});
        assertEquals("RowScale", r.checks().get(0).name());
        // two inputs, at each of the default draws (|x| ~ 1, 10, 100)
        assertEquals(2 * CheckOptions.defaults().draws(), r.checks().get(0).inputs().size());
        assertArrayEquals(new int[] {2, 3}, r.checks().get(0).inputs().get(0).shape());
    }

    @Test
    void plainFunctionWithoutShapesIsAnError() {
        CheckReport r = GradChecker.defaults().check(new JunitOps.RowScale());
        assertEquals(Status.ERROR, r.checks().get(0).status());
        assertEquals("no input shapes: a plain DifferentiableFunction needs shapes(\"[…]\")", r.checks().get(0).error());
    }

    @Test
    void failureCarriesExpectedActualAndTheReport() {
        AssertionFailedError e = assertThrows(AssertionFailedError.class,
                () -> assertGradientsCorrect(new JunitOps.DoubledSwish(), CheckOptions.defaults().withSeed(4)));
        CheckResult c = GradChecker.defaults().seed(4).check(new JunitOps.DoubledSwish()).checks().get(0);
        assertEquals(c.worst().get(0).numeric(), (Double) e.getExpected().getValue());
        assertEquals(c.worst().get(0).analytic(), (Double) e.getActual().getValue());
        assertTrue(e.getMessage().startsWith("gradient check failed for 'doubled_swish' (fail)\nFAIL  doubled_swish"),
                e.getMessage());
        assertTrue(e.getMessage().contains("an extra factor of 2"), e.getMessage());
        assertTrue(e.getMessage().contains("1 of 1 checks failed (seed 4)"), e.getMessage());
    }

    @Test
    void multiOpRunGoesOnAfterAHangAndAnException() throws InterruptedException {
        List<CustomOp> ops = List.of(new JunitOps.Looping(), new JunitOps.Throwing(), new JunitOps.Swish());
        long t0 = System.nanoTime();
        CheckReport r = GradChecker.defaults().timeout(Duration.ofMillis(1000)).checkAll(ops);
        assertTrue((System.nanoTime() - t0) / 1e9 < 8, "took too long");
        assertEquals(List.of(Status.ERROR, Status.ERROR, Status.PASS),
                r.checks().stream().map(CheckResult::status).collect(Collectors.toList()));
        assertTrue(r.checks().get(0).error().startsWith("timed out after 1 s in forward (call 1) at "
                + "dev.gradcheck.junit.JunitOps$Looping.forward("), r.checks().get(0).error());
        assertNoRunawayThread("gradcheck-op-Looping");
        long spins = JunitOps.Looping.spins;
        assertTrue(spins > 0, "the loop ran");
        Thread.sleep(100);
        if (Runtime.version().feature() < 20) {
            assertEquals(spins, JunitOps.Looping.spins, "the endless loop was stopped");
        }
        AssertionFailedError e = assertThrows(AssertionFailedError.class, () -> assertAllGradientsCorrect(
                List.of(new JunitOps.Throwing(), new JunitOps.Swish(), new JunitOps.WrongSize())));
        assertTrue(e.getMessage().startsWith("gradient check failed for 'throwing' (error), 'wrong_size' (error)\n"),
                e.getMessage());
        assertFalse(e.isExpectedDefined(), "no entry to compare for an error");
        assertTrue(e.getCause() instanceof IllegalStateException, String.valueOf(e.getCause()));
    }

    /** Hangs only in the numeric phase, so on a worker thread of the checker's pool. */
    static final class SlowLater extends JunitOps.Swish {
        private final java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();

        @Override
        public String name() {
            return "slow_later";
        }

        @Override
        public double[] forward(double[][] in) {
            if (calls.incrementAndGet() > 5) {
                while (in.length >= 0) {
                    Thread.onSpinWait();
                }
            }
            return super.forward(in);
        }
    }

    /** Sleeps in backward until interrupted, then returns the right gradient: the next call sleeps again. */
    static final class SleepsUntilInterrupted extends JunitOps.Swish {
        @Override
        public String name() {
            return "sleeps_until_interrupted";
        }

        @Override
        public double[][] backward(double[][] in, double[] g) {
            try {
                Thread.sleep(Long.MAX_VALUE);
            } catch (InterruptedException e) {
                // swallowed: the op goes on, into its next call
            }
            return super.backward(in, g);
        }
    }

    @Test
    void aTimeoutNamesTheCallRunningAtTheDeadline() {
        // same seed, same report: named before the op, interrupted, moves on to a later call
        for (int run = 0; run < 3; run++) {
            CheckResult c = GradChecker.defaults().timeout(Duration.ofMillis(300)).check(new SleepsUntilInterrupted())
                    .checks().get(0);
            assertEquals(Status.ERROR, c.status());
            assertTrue(c.error().startsWith("timed out after 300 ms in backward (call 1) at "), c.error());
        }
    }

    @Test
    void timeoutStopsWorkerThreadsToo() throws InterruptedException {
        CheckReport r = GradChecker.defaults().threads(2).timeout(Duration.ofMillis(1000)).check(new SlowLater());
        CheckResult c = r.checks().get(0);
        assertEquals(Status.ERROR, c.status());
        assertTrue(c.error().startsWith("timed out after 1 s in forward (call "), c.error());
        assertTrue(c.error().contains("JunitOps") || c.error().contains("SlowLater"), c.error());
        assertNoRunawayThread("gradcheck-worker");
        assertNoRunawayThread("gradcheck-op-SlowLater");
    }

    @Test
    void engineFunctions() throws InterruptedException {
        java.util.SplittableRandom rng = new java.util.SplittableRandom(1);
        Tensor x = Tensor.randn(rng, 3, 4);
        Tensor w = Tensor.randn(rng, 4, 2);
        CheckReport r = assertGradientsCorrect(xs -> xs[0].matmul(xs[1]).tanh().sum(), x, w);
        assertEquals("function", r.checks().get(0).name());
        assertEquals(List.of("input0", "input1"),
                r.checks().get(0).inputs().stream().map(CheckResult::name).collect(Collectors.toList()));
        CheckReport seeds = GradChecker.defaults().seeds(0, 1).check("tanh", xs -> xs[0].tanh(), x);
        assertEquals(List.of("tanh (seed 0)", "tanh (seed 1)"),
                seeds.checks().stream().map(CheckResult::name).collect(Collectors.toList()));
        assertTrue(seeds.passed(), seeds::toText);

        CheckReport hang = GradChecker.defaults().timeout(Duration.ofMillis(200)).check("hang", xs -> {
            while (xs.length >= 0) {
                Thread.onSpinWait();
            }
            return xs[0];
        }, x);
        String error = hang.checks().get(0).error();
        assertTrue(error.startsWith("timed out after 200 ms in the function (call 1) at dev.gradcheck.junit."
                + "GradAssertionsTest.lambda$engineFunctions$"), error);
        assertNoRunawayThread("gradcheck-op-hang");
    }

    @Test
    void settingsReachTheChecker() {
        GradChecker g = GradChecker.defaults().seeds(3, 4).shapes("[2]", "[3, 1]").mode(Mode.FAST);
        assertArrayEquals(new long[] {3, 4}, g.seeds());
        assertEquals(2, g.shapeSets().size());
        assertEquals(1, GradChecker.defaults().options().threads());
        CheckReport r = g.check(new JunitOps.Swish());
        assertEquals(List.of("swish (seed 3, shapes [2])", "swish (seed 4, shapes [2])", "swish (seed 3, shapes [3, 1])",
                "swish (seed 4, shapes [3, 1])"), r.checks().stream().map(CheckResult::name).collect(Collectors.toList()));
        assertTrue(r.passed(), r::toText);
        assertEquals("GradChecker.defaults().seed(4).shapes(\"[3, 1]\").mode(Mode.FAST).assertCorrect("
                + "new dev.gradcheck.junit.JunitOps.Swish())", r.checks().get(3).reproduce());
    }

    @Test
    void reproduceTemplateOfTheOptionsIsKept() {
        CheckOptions o = CheckOptions.defaults().withThreads(1).withSeed(5)
                .withReproduce("gradcheck ops --jar my-ops.jar --op {name} --seed {seed}");
        CheckReport r = GradChecker.defaults().options(o).seed(5).timeout(Duration.ofMillis(1000))
                .checkAll(List.of(new JunitOps.Looping(), new JunitOps.DoubledSwish()));
        assertEquals(List.of("gradcheck ops --jar my-ops.jar --op looping --seed 5",
                "gradcheck ops --jar my-ops.jar --op doubled_swish --seed 5"),
                r.checks().stream().map(CheckResult::reproduce).collect(Collectors.toList()));
        assertEquals("gradcheck ops --jar my-ops.jar --op doubled_swish --seed 5",
                r.checks().get(1).inputs().get(0).reproduce());
    }

    @Test
    void shapeSetsParse() {
        assertArrayEquals(new int[][] {{4, 8}}, ShapeSets.parse("[4, 8]"));
        assertArrayEquals(new int[][] {{2, 3}, {3}}, ShapeSets.parse("[2, 3], [3]"));
        assertArrayEquals(new int[][] {{}}, ShapeSets.parse("[]"));
        assertArrayEquals(new int[][] {{2, 3}, {3}}, ShapeSets.parse(" [2 3] [3] "));
        assertEquals("[2, 3], [3]", ShapeSets.format(new int[][] {{2, 3}, {3}}));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ShapeSets.parse("[2, -1]"));
        assertEquals("shapes \"[2, -1]\": negative dimension -1 (write one shape per input, e.g. \"[4, 8]\" or "
                + "\"[2, 3], [3]\")", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ShapeSets.parse("[2, x]"));
        assertThrows(IllegalArgumentException.class, () -> ShapeSets.parse("[2, 3"));
        assertThrows(IllegalArgumentException.class, () -> ShapeSets.parse(""));
    }

    @Test
    void lambdaIsNamedFunction() {
        DifferentiableFunction square = new DifferentiableFunction() {
            @Override
            public double[] forward(double[][] in) {
                return new double[] {in[0][0] * in[0][0]};
            }

            @Override
            public double[][] backward(double[][] in, double[] g) {
                return new double[][] {{2 * in[0][0] * g[0]}};
            }
        };
        CheckReport r = GradChecker.defaults().shapes(new int[] {1}).check(square);
        assertEquals("function", r.checks().get(0).name());
        assertTrue(r.passed());
        assertNull(r.checks().get(0).error());
    }
}

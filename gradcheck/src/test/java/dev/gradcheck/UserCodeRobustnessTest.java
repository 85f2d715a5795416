package dev.gradcheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcheck.testing.LambdaOp;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * What the library API does with ops that misbehave besides computing (found by an outside
 * tester): an op checked at no input, an op that sets the interrupt flag of the thread calling it,
 * a {@code name()} of null, and an op whose own code starts a check of itself.
 */
class UserCodeRobustnessTest {
    private static final CheckOptions TWO_THREADS = CheckOptions.defaults().withThreads(2);

    /** y = x² (times {@code factor} in the backward), with {@code forward} and {@code backward} run first. */
    private static LambdaOp.Builder square(String name, double factor, Runnable forward, Runnable backward) {
        return LambdaOp.named(name).shape(2, 3).forward(in -> {
            forward.run();
            double[] y = new double[6];
            for (int i = 0; i < 6; i++) {
                y[i] = in[0][i] * in[0][i];
            }
            return y;
        }).backward((in, g) -> {
            backward.run();
            double[] d = new double[6];
            for (int i = 0; i < 6; i++) {
                d[i] = factor * 2 * in[0][i] * g[i];
            }
            return new double[][] {d};
        });
    }

    private static final Runnable NOTHING = () -> { };

    private static boolean onWorker() {
        return Thread.currentThread().getName().startsWith("gradcheck-worker");
    }

    @Test
    void anOpWithNoInputsIsAnError() {
        CustomOp none = LambdaOp.named("no_inputs").shapes().forward(in -> new double[] {1})
                .backward((in, g) -> new double[0][]).build();
        CheckReport r = CustomOpCheck.run(List.of(none), CheckOptions.defaults());
        assertFalse(r.passed(), r::toText);
        assertEquals(Status.ERROR, r.checks().get(0).status(), r::toText);
        assertTrue(r.checks().get(0).error().contains("the shape set has no inputs"), r::toText);
    }

    @Test
    void anInterruptSetByTheOpIsItsErrorAndTheNextOpIsChecked() {
        Runnable interrupt = () -> Thread.currentThread().interrupt();
        Runnable onWorkers = () -> {
            if (onWorker()) {
                interrupt.run();
            }
        };
        for (CheckOptions o : List.of(TWO_THREADS, CheckOptions.defaults().withThreads(1))) {
            CheckReport r = CustomOpCheck.run(List.of(square("in_backward", 3, NOTHING, interrupt).build(),
                    square("in_forward", 3, interrupt, NOTHING).build(),
                    square("on_a_worker", 3, onWorkers, NOTHING).build(),
                    square("right", 1, NOTHING, NOTHING).build()), o);
            String text = "threads " + o.threads() + ":\n" + r.toText();
            assertFalse(Thread.interrupted(), "the flag leaked to the caller; " + text);
            assertEquals(Status.ERROR, r.checks().get(0).status(), text);
            assertEquals("backward of op 'in_backward' set the interrupt flag of the thread calling it"
                    + " (Thread.interrupt); gradcheck cannot trust a check of an op that does (the flag was cleared)",
                    r.checks().get(0).error(), text);
            assertEquals(Status.ERROR, r.checks().get(1).status(), text);
            assertTrue(r.checks().get(1).error().startsWith("forward of op 'in_forward' set the interrupt flag"), text);
            // on one thread no worker runs the op: nothing to see
            assertEquals(o.threads() > 1 ? Status.ERROR : Status.FAIL, r.checks().get(2).status(), text);
            assertEquals(Status.PASS, r.checks().get(3).status(), text);
        }
    }

    @Test
    void anInterruptFromOutsideIsNotTheOps() {
        Thread.currentThread().interrupt();
        try {
            CheckResult r = CustomOpCheck.check(square("right", 1, NOTHING, NOTHING).build(),
                    CheckOptions.defaults().withThreads(1));
            assertEquals(Status.PASS, r.status(), r::toString);
            assertTrue(Thread.currentThread().isInterrupted(), "the caller's interrupt was swallowed");
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void aNullNameIsTheClassName() {
        LambdaOp nameless = new LambdaOp(square("x", 3, NOTHING, NOTHING)) {
            @Override
            public String name() {
                return null;
            }
        };
        CheckResult r = CustomOpCheck.check(nameless, CheckOptions.defaults());
        assertEquals(nameless.getClass().getName(), r.name(), r::toString);
        assertEquals(Status.FAIL, r.status(), r::toString);
    }

    @Test
    void anOpThatChecksItselfInBackwardIsAnErrorAtOnce() {
        AtomicReference<CheckResult> inner = new AtomicReference<>();
        AtomicReference<CustomOp> self = new AtomicReference<>();
        self.set(square("checks_itself", 1, NOTHING,
                () -> inner.compareAndSet(null, CustomOpCheck.check(self.get(), CheckOptions.defaults()))).build());
        // without the guard each nested check runs the backward again: exponential, minutes or more
        CheckResult r = assertTimeoutPreemptively(Duration.ofSeconds(60),
                () -> CustomOpCheck.check(self.get(), CheckOptions.defaults()));
        assertEquals(Status.ERROR, r.status(), r::toString);
        assertTrue(r.error().startsWith("backward re-enters the checker: the code of op 'checks_itself' calls"
                + " CustomOpCheck on the op while it is being checked"), r::error);
        assertEquals(Status.ERROR, inner.get().status(), () -> inner.get().toString());
        assertTrue(inner.get().error().contains("is already being checked on this thread"), inner.get()::error);
    }

    @Test
    void anOpThatChecksItselfInAForwardOnAWorkerIsAnError() {
        AtomicReference<CustomOp> self = new AtomicReference<>();
        self.set(square("checks_itself_on_a_worker", 1, () -> {
            if (onWorker()) {
                CustomOpCheck.check(self.get(), TWO_THREADS);
            }
        }, NOTHING).build());
        CheckResult r = assertTimeoutPreemptively(Duration.ofSeconds(60),
                () -> CustomOpCheck.check(self.get(), TWO_THREADS));
        assertEquals(Status.ERROR, r.status(), r::toString);
        assertTrue(r.error().startsWith("forward re-enters the checker"), r::error);
    }

    @Test
    void aCheckOfAnotherOpFromInsideAnOpIsAllowed() {
        CustomOp helper = square("helper", 1, NOTHING, NOTHING).build();
        AtomicReference<CheckResult> inner = new AtomicReference<>();
        CustomOp outer = square("outer", 1, NOTHING,
                () -> inner.compareAndSet(null, CustomOpCheck.check(helper, CheckOptions.defaults().withDraws(1))))
                .build();
        CheckResult r = CustomOpCheck.check(outer, CheckOptions.defaults());
        assertEquals(Status.PASS, r.status(), r::toString);
        assertEquals(Status.PASS, inner.get().status(), () -> inner.get().toString());
    }
}

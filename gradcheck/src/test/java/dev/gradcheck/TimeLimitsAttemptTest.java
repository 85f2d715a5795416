package dev.gradcheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** {@link TimeLimits#attempt}: the outcome of a task under a deadline, and the threads it stops. */
class TimeLimitsAttemptTest {
    @Test
    void aValueOrAnExceptionIsTheOutcome() {
        TimeLimits.Outcome<Integer> ok = TimeLimits.attempt("gradcheck-test-ok", Duration.ofSeconds(5), () -> 42,
                List::of);
        assertEquals(42, ok.value());
        assertFalse(ok.timedOut());
        assertNull(ok.thrown());
        IllegalStateException boom = new IllegalStateException("boom");
        TimeLimits.Outcome<Integer> threw = TimeLimits.attempt("gradcheck-test-boom", Duration.ofSeconds(5), () -> {
            throw boom;
        }, List::of);
        assertSame(boom, threw.thrown());
        assertSame(boom, assertThrows(IllegalStateException.class, () -> threw.orThrow("boom")));
    }

    @Test
    void aLoopTimesOutWithTheStackOfTheThreadInsideAndEveryThreadIsStopped() throws InterruptedException {
        CountDownLatch started = new CountDownLatch(1);
        AtomicReference<Thread> helper = new AtomicReference<>();
        Thread h = new Thread(TimeLimitsAttemptTest::spinHelper, "gradcheck-test-helper");
        h.setDaemon(true);
        helper.set(h);
        TimeLimits.Outcome<Object> out = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> TimeLimits.attempt(
                "gradcheck-test-loop", Duration.ofMillis(200), () -> {
                    h.start();
                    started.countDown();
                    while (true) {
                        Thread.onSpinWait();
                    }
                }, () -> Set.of(helper.get())));
        assertTrue(started.await(1, java.util.concurrent.TimeUnit.SECONDS));
        assertTrue(out.timedOut());
        assertTrue(Arrays.stream(out.stackAtTimeout()).anyMatch(f -> f.getMethodName().equals("spinHelper")),
                "the stack of the named thread inside the task: " + Arrays.toString(out.stackAtTimeout()));
        TimeLimits.TimedOutException e = assertThrows(TimeLimits.TimedOutException.class, () -> out.orThrow("loop"));
        assertEquals("loop timed out after 200 ms", e.getMessage());
        if (Runtime.version().feature() < 20) {
            assertTimeoutPreemptively(Duration.ofSeconds(5), () -> h.join(), "stopped on JDK " + Runtime.version());
        }
        assertTrue(h.isDaemon());
    }

    private static void spinHelper() {
        while (true) {
            Thread.onSpinWait();
        }
    }
}

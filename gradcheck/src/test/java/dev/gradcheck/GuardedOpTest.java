package dev.gradcheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** {@link TimeLimits} and {@link GuardedOp}: a hang becomes a "timed out" error, everything else passes through. */
class GuardedOpTest {
    /** y = x^2; {@code hang} makes forward loop forever. */
    static final class Square implements CustomOp {
        private final boolean hang;

        Square(boolean hang) {
            this.hang = hang;
        }

        @Override
        public String name() {
            return hang ? "hangs" : "square";
        }

        @Override
        public int[][] inputShapes() {
            return new int[][] {{2, 2}};
        }

        @Override
        public double[] forward(double[][] in) {
            double[] y = new double[in[0].length];
            long k = 0;
            while (hang && y.length > 0) {
                k++;
            }
            for (int i = 0; i < y.length; i++) {
                y[i] = in[0][i] * in[0][i] + k;
            }
            return y;
        }

        @Override
        public double[][] backward(double[][] in, double[] g) {
            double[] d = new double[in[0].length];
            for (int i = 0; i < d.length; i++) {
                d[i] = 2 * in[0][i] * g[i];
            }
            return new double[][] {d};
        }
    }

    @Test
    void aResultOrExceptionPassesThrough() {
        assertEquals(42, TimeLimits.call("answer", 5_000, () -> 42));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> TimeLimits.call("boom", 5_000, () -> {
                    throw new IllegalStateException("boom");
                }));
        assertEquals("boom", e.getMessage());
        assertEquals(7, TimeLimits.call("no limit", 0, () -> 7), "0 = no limit, on this thread");
    }

    @Test
    void anEndlessLoopTimesOutAndItsWorkerIsStopped() {
        AtomicReference<Thread> worker = new AtomicReference<>();
        TimeLimits.TimedOutException e = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertThrows(
                TimeLimits.TimedOutException.class, () -> TimeLimits.run("spin", 200, () -> {
                    worker.set(Thread.currentThread());
                    long k = 0;
                    while (worker.get() != null) {
                        k++;
                    }
                    System.out.println(k);
                })));
        assertEquals("spin timed out after 200 ms", e.getMessage());
        assertEquals(200, e.timeoutMs());
        Thread t = worker.get();
        assertTrue(t.isDaemon(), "a stuck worker never keeps the JVM alive");
        if (Runtime.version().feature() < 20) {
            assertTimeoutPreemptively(Duration.ofSeconds(5), () -> t.join(), "stopped on JDK " + Runtime.version());
            assertFalse(t.isAlive());
        }
    }

    @Test
    void guardedOpPassesACorrectOpAndTimesOutAHangingOne() {
        CheckReport good = CustomOpCheck.run(java.util.List.of(GuardedOp.of(new Square(false), 5_000)),
                CheckOptions.defaults());
        assertTrue(good.passed(), good.toText());

        GuardedOp hang = GuardedOp.of(new Square(true), 300);
        CheckResult r = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> CustomOpCheck.check(hang, CheckOptions.defaults().withThreads(1)));
        assertEquals(Status.ERROR, r.status(), r.toString());
        assertTrue(r.error().contains("forward of op 'hangs' timed out after 300 ms"), r.error());
        // spent: later calls fail at once instead of waiting the limit again
        long t0 = System.nanoTime();
        assertThrows(TimeLimits.TimedOutException.class, () -> hang.forward(new double[][] {{1, 2, 3, 4}}));
        assertTrue((System.nanoTime() - t0) / 1e6 < 200, "fails fast once spent");
    }

    @Test
    void theWrappedOpsDomainIsKept() {
        Domain index = Domain.integers(0, 3);
        Square square = new Square(false);
        CustomOp lookup = new CustomOp() {
            @Override
            public String name() {
                return "square_on_indices";
            }

            @Override
            public int[][] inputShapes() {
                return square.inputShapes();
            }

            @Override
            public double[] forward(double[][] in) {
                return square.forward(in);
            }

            @Override
            public double[][] backward(double[][] in, double[] g) {
                return square.backward(in, g);
            }

            @Override
            public Domain domain(int input) {
                return index;
            }
        };
        GuardedOp guarded = GuardedOp.of(lookup, 2_000);
        assertTrue(guarded.domain(0) == index, "the checker draws inside the op's declared domain");
        CheckResult bare = CustomOpCheck.check(lookup, CheckOptions.defaults());
        CheckResult wrapped = CustomOpCheck.check(guarded, CheckOptions.defaults());
        assertEquals(bare.status(), wrapped.status(), wrapped::toString);
        assertEquals(bare.inputs().get(0).error(), wrapped.inputs().get(0).error(), wrapped::toString);
    }
}

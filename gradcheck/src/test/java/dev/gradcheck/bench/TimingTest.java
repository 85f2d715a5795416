package dev.gradcheck.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** How samples are taken (the order of calls); no timing is asserted. */
class TimingTest {
    @Test
    void interleavedAlternatesTheTwoBodiesSampleBySample() {
        StringBuilder calls = new StringBuilder();
        // no warm-up and no minimum sample length: a warm-up call and a calibration call each, then
        // one call per sample
        Timing.Pair p = Timing.interleaved(() -> calls.append(busy('a')), () -> calls.append(busy('b')), 0, 0, 5);
        assertEquals("aabb" + "ab".repeat(5), calls.toString(), "calls in order");
        assertTrue(p.a().wallMs() >= 0 && p.b().wallMs() >= 0, "times measured: " + p);
        assertTrue(p.wallRatio() > 0, "ratio of each pair, b over a: " + p);
    }

    /** {@code c}, after about ten microseconds of work (so that a call takes measurable time). */
    private static char busy(char c) {
        long end = System.nanoTime() + 10_000;
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
        return c;
    }
}

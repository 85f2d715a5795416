package dev.gradcheck.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;

/**
 * Timing: warm-up, then the median of samples, each long enough to be measured. Wall-clock time,
 * and the calling thread's CPU time beside it: on a machine shared with other work the CPU time of
 * a one-thread case is the steadier figure (it leaves out time spent waiting for a core).
 */
final class Timing {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** Median milliseconds per call: wall clock, and CPU time of the calling thread (NaN if unknown). */
    record Result(double wallMs, double cpuMs) {
    }

    private Timing() {
    }

    static Result median(Runnable body, double warmupMs, double minSampleMs, int samples) {
        long warmEnd = System.nanoTime() + (long) (warmupMs * 1e6);
        do {
            body.run();
        } while (System.nanoTime() < warmEnd);
        // calls per sample: enough to last minSampleMs, judged from one timed call
        long t0 = System.nanoTime();
        body.run();
        double one = Math.max(1e-6, (System.nanoTime() - t0) / 1e6);
        int perSample = (int) Math.max(1, Math.min(1_000_000, Math.ceil(minSampleMs / one)));
        boolean cpu = THREADS.isCurrentThreadCpuTimeSupported();
        double[] wall = new double[samples];
        double[] cpuMs = new double[samples];
        for (int s = 0; s < samples; s++) {
            long c0 = cpu ? THREADS.getCurrentThreadCpuTime() : 0;
            long start = System.nanoTime();
            for (int i = 0; i < perSample; i++) {
                body.run();
            }
            wall[s] = (System.nanoTime() - start) / 1e6 / perSample;
            cpuMs[s] = cpu ? (THREADS.getCurrentThreadCpuTime() - c0) / 1e6 / perSample : Double.NaN;
        }
        return new Result(median(wall), median(cpuMs));
    }

    /** The calling thread's CPU time in nanoseconds (0 where the JVM cannot tell). */
    static long cpuNanos() {
        return THREADS.isCurrentThreadCpuTimeSupported() ? THREADS.getCurrentThreadCpuTime() : 0;
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
}

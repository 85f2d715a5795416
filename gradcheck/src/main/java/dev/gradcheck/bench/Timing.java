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
        int perSample = calibrate(body, warmupMs, minSampleMs);
        boolean cpu = THREADS.isCurrentThreadCpuTimeSupported();
        double[] wall = new double[samples];
        double[] cpuMs = new double[samples];
        for (int s = 0; s < samples; s++) {
            sample(body, perSample, cpu, wall, cpuMs, s);
        }
        return new Result(median(wall), median(cpuMs));
    }

    /**
     * Two bodies timed in alternating samples (a, b, a, b, …), and the median of the per-pair ratios
     * b / a: a machine whose speed drifts (other work on the host) moves both sides of a pair
     * alike, so the ratio stays steady where the ratio of two separate medians would not.
     */
    record Pair(Result a, Result b, double wallRatio, double cpuRatio) {
    }

    static Pair interleaved(Runnable a, Runnable b, double warmupMs, double minSampleMs, int samples) {
        int perA = calibrate(a, warmupMs, minSampleMs);
        int perB = calibrate(b, warmupMs, minSampleMs);
        boolean cpu = THREADS.isCurrentThreadCpuTimeSupported();
        double[][] wall = new double[2][samples];
        double[][] cpuMs = new double[2][samples];
        double[] wallRatio = new double[samples];
        double[] cpuRatio = new double[samples];
        for (int s = 0; s < samples; s++) {
            sample(a, perA, cpu, wall[0], cpuMs[0], s);
            sample(b, perB, cpu, wall[1], cpuMs[1], s);
            wallRatio[s] = wall[1][s] / wall[0][s];
            cpuRatio[s] = cpuMs[1][s] / cpuMs[0][s];
        }
        return new Pair(new Result(median(wall[0]), median(cpuMs[0])), new Result(median(wall[1]), median(cpuMs[1])),
                median(wallRatio), median(cpuRatio));
    }

    /** Warms {@code body} up, then returns how many calls last {@code minSampleMs}, judged from one timed call. */
    private static int calibrate(Runnable body, double warmupMs, double minSampleMs) {
        long warmEnd = System.nanoTime() + (long) (warmupMs * 1e6);
        do {
            body.run();
        } while (System.nanoTime() < warmEnd);
        long t0 = System.nanoTime();
        body.run();
        double one = Math.max(1e-6, (System.nanoTime() - t0) / 1e6);
        return (int) Math.max(1, Math.min(1_000_000, Math.ceil(minSampleMs / one)));
    }

    /** One sample of {@code perSample} calls into {@code wall[s]} and {@code cpuMs[s]} (ms per call). */
    private static void sample(Runnable body, int perSample, boolean cpu, double[] wall, double[] cpuMs, int s) {
        long c0 = cpu ? THREADS.getCurrentThreadCpuTime() : 0;
        long start = System.nanoTime();
        for (int i = 0; i < perSample; i++) {
            body.run();
        }
        wall[s] = (System.nanoTime() - start) / 1e6 / perSample;
        cpuMs[s] = cpu ? (THREADS.getCurrentThreadCpuTime() - c0) / 1e6 / perSample : Double.NaN;
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

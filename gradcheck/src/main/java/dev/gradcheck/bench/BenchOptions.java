package dev.gradcheck.bench;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * What {@link Bench#run} measures and how often. Immutable; the {@code with…} methods return
 * changed copies.
 *
 * <p>Defaults: every {@link Case}; matmul at n = 128, 256, 512 on 1 thread and on all available
 * processors; the four {@link MlpSpec#STANDARD} MLPs; forward+backward on one thread (as the
 * PyTorch reference runs), 2 s of warm-up per case (with 0.5 s the JIT was not settled: one kernel measured 12 to 29 GFLOP/s from run to run), medians of 7 samples of at least 50 ms each;
 * fast checks after at least 1 warm-up run and 4 s of them, with 5 timed runs; full checks (models of at most 30,000
 * parameters, as the reference script) with 1 timed run; checks on 1 thread and on all processors;
 * PyTorch's tolerance and absolute step, so both sides do the same numeric work.
 */
public final class BenchOptions {
    /** The measurements. */
    public enum Case {
        /** Matrix product GFLOP/s, square n x n. */
        MATMUL,
        /** One forward and backward pass of each MLP. */
        FWD_BWD,
        /** The same in anomaly mode (a finite check after every op, forward and backward). */
        ANOMALY,
        /** A FAST-mode gradient check of each MLP's parameters. */
        CHECK_FAST,
        /**
         * A FULL-mode gradient check (every entry) of each small MLP's parameters, through the
         * MLP's model file as {@code gradcheck check} does it.
         */
        CHECK_FULL
    }

    private Set<Case> cases = EnumSet.allOf(Case.class);
    private int[] matmulSizes = {128, 256, 512};
    private int[] matmulThreads = defaultThreads();
    private List<MlpSpec> mlps = MlpSpec.STANDARD;
    private int engineThreads = 1;
    private int[] checkThreads = defaultThreads();
    private double warmupMs = 2000;
    private double minSampleMs = 50;
    private int samples = 7;
    private int checkWarmups = 1;
    private int checkSamples = 5;
    private int fullSamples = 1;
    private long maxFullParams = 30_000;
    private int probes = 4;
    private long seed = 0;

    private static int[] defaultThreads() {
        int n = Runtime.getRuntime().availableProcessors();
        return n > 1 ? new int[] {1, n} : new int[] {1};
    }

    private BenchOptions() {
    }

    /** The defaults. */
    public static BenchOptions defaults() {
        return new BenchOptions();
    }

    private BenchOptions copy() {
        BenchOptions c = new BenchOptions();
        c.cases = EnumSet.copyOf(cases);
        c.matmulSizes = matmulSizes.clone();
        c.matmulThreads = matmulThreads.clone();
        c.mlps = mlps;
        c.engineThreads = engineThreads;
        c.checkThreads = checkThreads.clone();
        c.warmupMs = warmupMs;
        c.minSampleMs = minSampleMs;
        c.samples = samples;
        c.checkWarmups = checkWarmups;
        c.checkSamples = checkSamples;
        c.fullSamples = fullSamples;
        c.maxFullParams = maxFullParams;
        c.probes = probes;
        c.seed = seed;
        return c;
    }

    public Set<Case> cases() {
        return EnumSet.copyOf(cases);
    }

    /** Only these cases (at least one). */
    public BenchOptions withCases(Set<Case> c) {
        if (c.isEmpty()) {
            throw new IllegalArgumentException("bench: no case selected");
        }
        BenchOptions o = copy();
        o.cases = EnumSet.copyOf(c);
        return o;
    }

    /**
     * Cases by name, case-insensitive, e.g. {@code "matmul,fwd_bwd"}; also {@code all} and
     * {@code checks} (both check modes).
     *
     * @throws IllegalArgumentException naming an unknown case and the known ones
     */
    public BenchOptions withCases(String names) {
        EnumSet<Case> set = EnumSet.noneOf(Case.class);
        for (String raw : names.split(",")) {
            String n = raw.trim().toUpperCase(java.util.Locale.ROOT).replace('-', '_');
            if (n.isEmpty()) {
                continue;
            }
            if (n.equals("ALL")) {
                set.addAll(EnumSet.allOf(Case.class));
            } else if (n.equals("CHECKS")) {
                set.add(Case.CHECK_FAST);
                set.add(Case.CHECK_FULL);
            } else {
                try {
                    set.add(Case.valueOf(n));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("bench: unknown case '" + raw.trim() + "'; known: all, checks, "
                            + Arrays.toString(Case.values()).toLowerCase(java.util.Locale.ROOT));
                }
            }
        }
        return withCases(set);
    }

    public int[] matmulSizes() {
        return matmulSizes.clone();
    }

    public BenchOptions withMatmulSizes(int... n) {
        BenchOptions o = copy();
        o.matmulSizes = positive(n, "matmul size");
        return o;
    }

    public int[] matmulThreads() {
        return matmulThreads.clone();
    }

    /** The thread counts matmul is measured with. */
    public BenchOptions withMatmulThreads(int... t) {
        BenchOptions o = copy();
        o.matmulThreads = positive(t, "thread count");
        return o;
    }

    public List<MlpSpec> mlps() {
        return mlps;
    }

    public BenchOptions withMlps(List<MlpSpec> m) {
        BenchOptions o = copy();
        o.mlps = List.copyOf(m);
        return o;
    }

    /** Threads the engine's matrix products use in the MLP cases (1: as PyTorch's one-thread runs). */
    public int engineThreads() {
        return engineThreads;
    }

    public BenchOptions withEngineThreads(int t) {
        BenchOptions o = copy();
        o.engineThreads = positive(new int[] {t}, "thread count")[0];
        return o;
    }

    /** The checker thread counts each check is measured with. */
    public int[] checkThreads() {
        return checkThreads.clone();
    }

    public BenchOptions withCheckThreads(int... t) {
        BenchOptions o = copy();
        o.checkThreads = positive(t, "thread count");
        return o;
    }

    public double warmupMs() {
        return warmupMs;
    }

    public double minSampleMs() {
        return minSampleMs;
    }

    public int samples() {
        return samples;
    }

    /**
     * Timing of the short cases (matmul, forward+backward): warm-up time, the least duration of
     * one sample (short calls are repeated within it) and the number of samples the median is of.
     */
    public BenchOptions withTiming(double warmup, double minSample, int count) {
        BenchOptions o = copy();
        o.warmupMs = Math.max(0, warmup);
        o.minSampleMs = Math.max(0, minSample);
        o.samples = positive(new int[] {count}, "sample count")[0];
        return o;
    }

    public int checkWarmups() {
        return checkWarmups;
    }

    public int checkSamples() {
        return checkSamples;
    }

    public int fullSamples() {
        return fullSamples;
    }

    /** Runs of each check: untimed warm-ups, timed FAST runs, timed FULL runs (medians). */
    public BenchOptions withCheckRuns(int warmups, int fast, int full) {
        BenchOptions o = copy();
        o.checkWarmups = Math.max(0, warmups);
        o.checkSamples = positive(new int[] {fast}, "sample count")[0];
        o.fullSamples = positive(new int[] {full}, "sample count")[0];
        return o;
    }

    /** Models with more parameters skip the FULL check (a million numeric derivatives take long). */
    public long maxFullParams() {
        return maxFullParams;
    }

    public BenchOptions withMaxFullParams(long n) {
        BenchOptions o = copy();
        o.maxFullParams = n;
        return o;
    }

    /** Projections per input in FAST mode. */
    public int probes() {
        return probes;
    }

    public BenchOptions withProbes(int k) {
        BenchOptions o = copy();
        o.probes = positive(new int[] {k}, "probe count")[0];
        return o;
    }

    /** The seed of the MLPs' values and of the checks. */
    public long seed() {
        return seed;
    }

    public BenchOptions withSeed(long s) {
        BenchOptions o = copy();
        o.seed = s;
        return o;
    }

    private static int[] positive(int[] v, String what) {
        if (v.length == 0) {
            throw new IllegalArgumentException("bench: at least one " + what + " is needed");
        }
        for (int x : v) {
            if (x < 1) {
                throw new IllegalArgumentException("bench: " + what + " must be at least 1, got " + x);
            }
        }
        return v.clone();
    }
}

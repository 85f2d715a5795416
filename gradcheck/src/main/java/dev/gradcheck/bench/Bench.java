package dev.gradcheck.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gradcheck.CheckReport;
import dev.gradcheck.GradCheck;
import dev.gradcheck.Mode;
import dev.gradcheck.Tolerance;
import dev.gradcheck.engine.AnomalyMode;
import dev.gradcheck.engine.Autograd;
import dev.gradcheck.engine.GradMode;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.kernels.KernelFastPaths;
import dev.gradcheck.model.Limits;
import dev.gradcheck.model.LossFunction;
import dev.gradcheck.model.Model;
import dev.gradcheck.model.ModelLoader;
import dev.gradcheck.model.incremental.IncrementalLoss;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Map;
import java.util.Random;

/**
 * The standard in-process timing suite behind {@code gradcheck bench}: after warm-up, medians of
 * repeated runs, one JSON object per line on the given stream.
 *
 * <pre>{@code
 * Bench.run(System.out, BenchOptions.defaults().withCases("matmul,fwd_bwd"));
 * }</pre>
 *
 * <p>Lines, each with {@code "bench"} first:
 * <ul>
 * <li>{@code env}: Java version, available processors, the options in force;</li>
 * <li>{@code matmul}: {@code n}, {@code threads}, {@code median_ms}, {@code gflops} (2n³ / time);</li>
 * <li>{@code fwd_bwd} and {@code anomaly_fwd_bwd}: one MLP's loss and its gradients with respect to
 * every parameter ({@code mlp} as widths, {@code params}, {@code batch}, {@code threads},
 * {@code median_ms}; the anomaly line adds {@code overhead}, the median of its ratios to the plain
 * pass over samples taken in turn, plain then anomaly mode, so that a drift in the machine's speed
 * moves both sides of each ratio alike);</li>
 * <li>{@code check_fast} and {@code check_full}: a gradient check of the MLP's parameters with
 * PyTorch's tolerance and absolute step ({@code threads} of the checker, {@code median_ms} of the
 * whole call, {@code elapsed_ms} the report's own, {@code passed}, {@code runs}).</li>
 * </ul>
 * Figures are wall-clock times in milliseconds. The suite changes the engine's matmul thread count
 * while it runs and restores it at the end; do not run it beside other engine work in one JVM.
 */
public final class Bench {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final PrintStream out;
    private final BenchOptions o;

    private Bench(PrintStream out, BenchOptions o) {
        this.out = out;
        this.o = o;
    }

    /** Runs the cases of {@code options}, printing one JSON line per measurement to {@code out}. */
    public static void run(PrintStream out, BenchOptions options) {
        int saved = KernelFastPaths.matmulThreads();
        try {
            new Bench(out, options).runAll();
        } finally {
            KernelFastPaths.install(saved);
        }
    }

    /**
     * Runs the suite from the command line (until the CLI's {@code gradcheck bench} is there):
     * arguments {@code key=value}: {@code cases=} ({@code all}, {@code checks}, or names such as
     * {@code matmul,fwd_bwd}), {@code mlps=} (widths such as {@code 64-128-128-10,512-1024-512-10},
     * each with an optional {@code @batch}), {@code probes=}, {@code check-threads=} and
     * {@code matmul-threads=} (comma-separated), {@code engine-threads=}, {@code samples=}.
     */
    public static void main(String[] args) {
        BenchOptions o = BenchOptions.defaults();
        for (String a : args) {
            String[] kv = a.split("=", 2);
            if (kv.length != 2) {
                throw new IllegalArgumentException("bench: arguments are key=value, got '" + a + "'");
            }
            String v = kv[1];
            switch (kv[0]) {
                case "cases" -> o = o.withCases(v);
                case "mlps" -> o = o.withMlps(MlpSpec.parseList(v));
                case "probes" -> o = o.withProbes(Integer.parseInt(v));
                case "check-threads" -> o = o.withCheckThreads(ints(v));
                case "matmul-threads" -> o = o.withMatmulThreads(ints(v));
                case "engine-threads" -> o = o.withEngineThreads(Integer.parseInt(v));
                case "samples" -> o = o.withTiming(o.warmupMs(), o.minSampleMs(), Integer.parseInt(v));
                default -> throw new IllegalArgumentException("bench: unknown option '" + kv[0] + "'; known: cases, "
                        + "mlps, probes, check-threads, matmul-threads, engine-threads, samples");
            }
        }
        run(System.out, o);
    }

    private static int[] ints(String v) {
        return java.util.Arrays.stream(v.split(",")).mapToInt(s -> Integer.parseInt(s.trim())).toArray();
    }

    private void runAll() {
        ObjectNode env = line("env");
        env.put("java", System.getProperty("java.version"));
        env.put("vm", System.getProperty("java.vm.name"));
        env.put("processors", Runtime.getRuntime().availableProcessors());
        env.put("cases", o.cases().toString().toLowerCase(java.util.Locale.ROOT));
        env.put("engine_threads", o.engineThreads());
        env.put("samples", o.samples());
        env.put("min_sample_ms", o.minSampleMs());
        env.put("warmup_ms", o.warmupMs());
        print(env);
        if (o.cases().contains(BenchOptions.Case.MATMUL)) {
            for (int t : o.matmulThreads()) {
                for (int n : o.matmulSizes()) {
                    matmul(n, t);
                }
            }
        }
        for (MlpSpec spec : o.mlps()) {
            mlp(spec);
        }
    }

    private void matmul(int n, int threads) {
        KernelFastPaths.install(threads);
        Random rng = new Random(o.seed() + n);
        Tensor a = Tensor.randn(rng, n, n);
        Tensor b = Tensor.randn(rng, n, n);
        Timing.Result r;
        try (GradMode.Scope s = GradMode.disabled()) {
            r = Timing.median(() -> a.matmul(b), o.warmupMs(), o.minSampleMs(), o.samples());
        }
        ObjectNode l = line("matmul");
        l.put("n", n);
        l.put("threads", threads);
        l.put("median_ms", r.wallMs());
        l.put("gflops", 2.0 * n * n * n / (r.wallMs() * 1e6));
        if (threads == 1) {
            l.put("cpu_ms", r.cpuMs());
            l.put("cpu_gflops", 2.0 * n * n * n / (r.cpuMs() * 1e6));
        }
        print(l);
    }

    private void mlp(MlpSpec spec) {
        KernelFastPaths.install(o.engineThreads());
        MlpSpec.Instance inst = spec.build(o.seed());
        Tensor[] ps = inst.params();
        for (Tensor p : ps) {
            p.requiresGrad();
        }
        Runnable fwdBwd = () -> Autograd.grad(inst.loss().apply(ps), ps);
        if (o.cases().contains(BenchOptions.Case.ANOMALY)) {
            // plain and anomaly mode in alternating samples, so that the overhead compares like with like
            Runnable anomaly = () -> {
                try (AnomalyMode.Session s = AnomalyMode.start()) {
                    fwdBwd.run();
                }
            };
            Timing.Pair p = Timing.interleaved(fwdBwd, anomaly, o.warmupMs(), o.minSampleMs(), o.samples());
            if (o.cases().contains(BenchOptions.Case.FWD_BWD)) {
                printTimes("fwd_bwd", spec, p.a());
            }
            ObjectNode l = mlpLine("anomaly_fwd_bwd", spec, o.engineThreads());
            times(l, p.b());
            l.put("overhead", p.wallRatio());
            if (o.engineThreads() == 1) {
                l.put("cpu_overhead", p.cpuRatio());
            }
            print(l);
        } else if (o.cases().contains(BenchOptions.Case.FWD_BWD)) {
            printTimes("fwd_bwd", spec, Timing.median(fwdBwd, o.warmupMs(), o.minSampleMs(), o.samples()));
        }
        if (o.cases().contains(BenchOptions.Case.CHECK_FAST)) {
            for (int t : o.checkThreads()) {
                check(spec, Mode.FAST, t, o.checkSamples());
            }
        }
        if (o.cases().contains(BenchOptions.Case.CHECK_FULL) && spec.params() <= o.maxFullParams()) {
            for (int t : o.checkThreads()) {
                check(spec, Mode.FULL, t, o.fullSamples());
            }
        }
    }

    private void check(MlpSpec spec, Mode mode, int threads, int runs) {
        // the path of `gradcheck check`: the model file's loss, whose perturbations recompute only
        // what they reach (FULL: the entries a single-entry change reaches; FAST: the nodes
        // downstream of the moved param)
        Model m = ModelLoader.parse(spec.modelJson(), Path.of(spec.fileName()), Path.of("."),
                Limits.DEFAULT);
        Map<String, Tensor> values = m.initialValues(o.seed());
        LossFunction f = m.lossFunction(values, new ArrayList<>(m.params().keySet()));
        GradCheck g = GradCheck.of(IncrementalLoss.of(f)).at(f.point()).names(f.names().toArray(String[]::new));
        g = g.tolerance(Tolerance.pytorch()).relativeStep(false)
                .mode(mode).probes(o.probes()).threads(threads).seed(o.seed());
        if (mode == Mode.FAST) {
            // the JIT needs more than one run: at least checkWarmups runs and twice the warm-up time
            long end = System.nanoTime() + (long) (2 * o.warmupMs() * 1e6);
            for (int w = 0; w < o.checkWarmups() || (o.checkWarmups() > 0 && System.nanoTime() < end); w++) {
                g.check();
            }
        }
        double[] wall = new double[runs];
        double[] own = new double[runs];
        double[] cpu = new double[runs];
        boolean passed = true;
        for (int r = 0; r < runs; r++) {
            long c0 = Timing.cpuNanos();
            long t0 = System.nanoTime();
            CheckReport rep = g.check();
            wall[r] = (System.nanoTime() - t0) / 1e6;
            cpu[r] = (Timing.cpuNanos() - c0) / 1e6;
            own[r] = rep.elapsedMs();
            passed &= rep.passed();
        }
        ObjectNode l = mlpLine(mode == Mode.FAST ? "check_fast" : "check_full", spec, threads);
        l.put("median_ms", Timing.median(wall));
        l.put("elapsed_ms", Timing.median(own));
        if (threads == 1) {
            l.put("cpu_ms", Timing.median(cpu));
        }
        l.put("passed", passed);
        l.put("runs", runs);
        if (mode == Mode.FAST) {
            l.put("probes", o.probes());
        }
        print(l);
    }

    private void printTimes(String bench, MlpSpec spec, Timing.Result r) {
        ObjectNode l = mlpLine(bench, spec, o.engineThreads());
        times(l, r);
        print(l);
    }

    private void times(ObjectNode l, Timing.Result r) {
        l.put("median_ms", r.wallMs());
        if (o.engineThreads() == 1) {
            l.put("cpu_ms", r.cpuMs());
        }
    }

    private ObjectNode mlpLine(String bench, MlpSpec spec, int threads) {
        ObjectNode l = line(bench);
        l.put("mlp", spec.label());
        l.put("params", spec.params());
        l.put("batch", spec.batch());
        l.put("threads", threads);
        return l;
    }

    private static ObjectNode line(String bench) {
        ObjectNode l = JSON.createObjectNode();
        l.put("bench", bench);
        return l;
    }

    private void print(ObjectNode l) {
        out.println(l.toString());
        out.flush();
    }
}

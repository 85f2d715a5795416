package dev.gradcheck.cli;

import dev.gradcheck.bench.Bench;
import dev.gradcheck.bench.BenchOptions;
import dev.gradcheck.bench.MlpSpec;
import dev.gradcheck.model.Limits;
import dev.gradcheck.model.ModelFileException;
import dev.gradcheck.model.ModelLoader;
import dev.gradcheck.report.TerminalText;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.LongSupplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code gradcheck bench}: the standard timing suite, one JSON object per line. */
@ExitsWith({ExitCodes.PASS, ExitCodes.USAGE, ExitCodes.INVALID_FILE, ExitCodes.INTERNAL_ERROR})
@Command(name = "bench", mixinStandardHelpOptions = true,
        header = "Run the standard timing suite, printing one JSON object per line.",
        description = {
            "Times, in process after warm-up (medians of repeats, wall and CPU time): matmul GFLOP/s at n = 128, 256, 512;"
                + " and for the MLPs of the PyTorch reference bench (64-128-128-10, batch 32, and larger, up to the"
                + " 1,055,242-parameter 512-1024-512-10 at batch 64; tanh, cross-entropy): forward+backward, the same in"
                + " anomaly mode, a fast-mode check and (up to 30,000 parameters) a full-mode check, with PyTorch's"
                + " tolerance and step so that both sides do the same numeric work.",
            "Compare with PyTorch in the same run, as a ratio: see docs/performance.md.",
            "Before any work, bench estimates the heap its largest MLP needs and refuses (exit 3) when this JVM's is"
                + " smaller, naming the MLP, the estimate and the heap to give it (GRADCHECK_JAVA_OPTS=-Xmx...)."},
        footerHeading = "%nExamples:%n",
        footer = {
            "  gradcheck bench",
            "  gradcheck bench --cases matmul,fwd_bwd,anomaly --mlps 64-128-128-10@32",
            "  gradcheck bench --cases matmul --format text"
        })
public final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @picocli.CommandLine.ParentCommand
    Main main;

    @Option(names = "--cases", paramLabel = "LIST",
            description = "Which measurements: all (default), checks, or names among matmul, fwd_bwd, anomaly, "
                    + "check_fast, check_full.")
    String cases;

    @Option(names = "--mlps", paramLabel = "LIST",
            description = "MLP widths, each with an optional @batch, e.g. 64-128-128-10@32,512-1024-512-10@64 "
                    + "(default: the reference bench's four).")
    String mlps;

    @Option(names = "--probes", paramLabel = "K", description = "Probes of the fast-mode checks.")
    Integer probes;

    @Option(names = "--check-threads", paramLabel = "LIST", split = ",",
            description = "Thread counts for the checks (default: 1 and all processors).")
    int[] checkThreads;

    @Option(names = "--matmul-threads", paramLabel = "LIST", split = ",",
            description = "Thread counts for matmul (default: 1 and all processors).")
    int[] matmulThreads;

    @Option(names = "--samples", paramLabel = "N", description = "Timed samples per case (the median is reported).")
    Integer samples;

    @Option(names = "--debug", description = "Print stack traces of internal errors.")
    boolean debug;

    @Option(names = "--format", paramLabel = "FMT", defaultValue = "json",
            description = "json: one JSON object per line as each is measured (default); text: a table, a row per "
                    + "measurement, printed when the suite ends (on a terminal, stderr shows each measurement made).")
    OutputMixin.Format format;

    /** This JVM's heap limit in bytes (tests give another figure). */
    LongSupplier maxHeap = () -> Runtime.getRuntime().maxMemory();

    @Override
    public Integer call() {
        return CommandRunner.run(spec, debug, BenchHeap.OUT_OF_MEMORY_REMEDY, () -> {
            BenchOptions o = options();
            // refused before any work: a run that cannot fit would print some lines, then run out of memory
            Optional<String> refusal = BenchHeap.refusal(o, maxHeap.getAsLong());
            if (refusal.isPresent()) {
                spec.commandLine().getErr().println("gradcheck bench: error: " + refusal.get());
                spec.commandLine().getErr().flush();
                return ExitCodes.INVALID_FILE;
            }
            BenchTable table = format == OutputMixin.Format.text ? new BenchTable() : null;
            // the table is drawn once every row is in; meanwhile a terminal shows each measurement made
            PrintWriter status = table != null && Main.terminal(main).interactive() ? spec.commandLine().getErr() : null;
            LineForwarder lines = new LineForwarder(spec.commandLine().getOut(), table, status);
            try {
                Bench.run(new PrintStream(lines, true, StandardCharsets.UTF_8), o);
            } finally {
                lines.close();
                if (table != null) {
                    // the rows measured so far, also when the suite failed part way
                    spec.commandLine().getOut().print(table.table());
                    spec.commandLine().getOut().flush();
                }
            }
            ReportOutput.toStdout(spec.commandLine().getOut(), ""); // the figures were lost if stdout failed
            return ExitCodes.PASS;
        });
    }

    private BenchOptions options() {
        BenchOptions o = BenchOptions.defaults();
        if (cases != null) {
            o = given("--cases", o, b -> b.withCases(cases));
        }
        if (mlps != null) {
            o = given("--mlps", o, b -> b.withMlps(MlpSpec.parseList(mlps)));
        }
        if (probes != null) {
            o = given("--probes", o, b -> b.withProbes(probes));
        }
        if (checkThreads != null) {
            o = given("--check-threads", o, b -> b.withCheckThreads(checkThreads));
        }
        if (matmulThreads != null) {
            o = given("--matmul-threads", o, b -> b.withMatmulThreads(matmulThreads));
        }
        if (samples != null) {
            o = given("--samples", o, b -> b.withTiming(b.warmupMs(), b.minSampleMs(), samples));
        }
        if (o.cases().contains(BenchOptions.Case.CHECK_FAST) || o.cases().contains(BenchOptions.Case.CHECK_FULL)) {
            o.mlps().forEach(BenchCommand::withinModelLimits);
        }
        return o;
    }

    /** {@code o} with one option applied; a value it rejects is a usage error naming that option. */
    private static BenchOptions given(String option, BenchOptions o, java.util.function.UnaryOperator<BenchOptions> set) {
        try {
            return set.apply(o);
        } catch (IllegalArgumentException e) {
            String m = e.getMessage();
            throw new UsageException(option + ": " + (m.startsWith("bench: ") ? m.substring("bench: ".length()) : m));
        }
    }

    /**
     * The check cases load each MLP as a model file, so it must fit the model-file limits: refused
     * before any work, naming the MLP as given to {@code --mlps} (the file is bench's own, made up).
     */
    private static void withinModelLimits(MlpSpec mlp) {
        try {
            ModelLoader.parse(mlp.modelJson(), Path.of(mlp.fileName()), Path.of("."), Limits.DEFAULT);
        } catch (ModelFileException e) {
            throw new UsageException("--mlps " + mlp.label() + "@" + mlp.batch() + ": " + e.problem()
                    + " (the check cases load each MLP as a model file, within the model-file limits)");
        }
    }

    /**
     * Passes whole lines of bytes to the command's writer, so tests can capture the output, or
     * into the table, then saying on {@code status} (a terminal, or null) which measurement was made.
     */
    private static final class LineForwarder extends OutputStream {
        private static final int STATUS_WIDTH = 79;
        private final PrintWriter out;
        private final BenchTable table;
        private final PrintWriter status;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();
        private int measured;

        LineForwarder(PrintWriter out, BenchTable table, PrintWriter status) {
            this.out = out;
            this.table = table;
            this.status = status;
        }

        @Override
        public void write(int b) {
            if (b == '\n') {
                String text = line.toString(StandardCharsets.UTF_8);
                line.reset();
                if (table == null) {
                    out.println(text);
                    out.flush();
                    return;
                }
                String made = table.add(text);
                if (status != null && made != null) {
                    String s = "bench: " + ++measured + " measured, the last " + TerminalText.escape(made);
                    s = s.length() > STATUS_WIDTH ? s.substring(0, STATUS_WIDTH) : s;
                    status.print("\r" + s + " ".repeat(STATUS_WIDTH - s.length()));
                    status.flush();
                }
            } else {
                line.write(b);
            }
        }

        @Override
        public void close() {
            if (status != null && measured > 0) {
                status.print("\r" + " ".repeat(STATUS_WIDTH) + "\r");
                status.flush();
            }
        }

        @Override
        public void flush() {
            out.flush();
        }
    }
}

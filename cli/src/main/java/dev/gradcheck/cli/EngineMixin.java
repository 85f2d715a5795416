package dev.gradcheck.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Options of every command that evaluates a model or an op: {@code --seed}, {@code --threads},
 * {@code --reference-engine}. The numeric checker's own options are {@link CheckMixin}'s, offered
 * only by the commands that run it.
 */
public final class EngineMixin {
    /**
     * The most worker threads: more than the cores only add overhead (each holds scratch copies of
     * the inputs; 100,000 on 2 cores made a 0.9 s check take 21 s), and a fixed bound keeps a
     * command line valid on every machine.
     */
    static final int MAX_THREADS = 256;

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--seed", paramLabel = "N",
            description = "Seed for random inits, probes and samples (default: the model file's seed, else 0).")
    Long seed;

    private int threads;

    @Option(names = "--reference-engine",
            description = "Run the engine's reference op definitions alone, without the fast paths installed over them "
                    + "(slower; the same verdicts).")
    boolean referenceEngine;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "0",
            description = "Worker threads, 1 to " + MAX_THREADS + "; 0 = available processors (default: "
                    + "${DEFAULT-VALUE}).")
    void threads(int n) {
        if (n < 0 || n > MAX_THREADS) {
            throw new ParameterException(mixee.commandLine(), "--threads: " + n + " is out of range: 1 to "
                    + MAX_THREADS + ", or 0 for the available processors (" + Runtime.getRuntime().availableProcessors()
                    + " here)");
        }
        threads = n;
    }

    /** The seed given, else {@code fallback} (e.g. the model file's own seed). */
    public long seed(long fallback) {
        return seed != null ? seed : fallback;
    }

    /** The thread count, resolved: 0 becomes the number of available processors. */
    public int threads() {
        return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    }

    /** True when {@code --reference-engine} was given. */
    public boolean referenceEngine() {
        return referenceEngine;
    }
}

package dev.gradcheck.cli;

import picocli.CommandLine.Option;

/** Options of every command that runs the numeric checker. */
public final class CheckMixin {
    /** How numeric and analytic gradients are compared. */
    public enum ToleranceKind {
        /** An error-model tolerance from the scheme's own error estimate. */
        model,
        /** PyTorch's fixed {@code |a - n| <= atol + rtol * |n|}. */
        pytorch
    }

    /** Which entries are checked. */
    public enum Mode {
        /** Every entry. */
        full,
        /** Random-projection probes, localising wrong entries on failure. */
        fast,
        /** A random sample of entries per input. */
        sampled
    }

    @Option(names = "--seed", paramLabel = "N",
            description = "Seed for random inits, probes and samples (default: the model file's seed, else 0).")
    Long seed;

    @Option(names = "--eps", paramLabel = "H", description = "Finite-difference step (default: the checker's, 1e-6).")
    Double eps;

    @Option(names = "--atol", paramLabel = "A", description = "Absolute tolerance (default: the checker's, 1e-5).")
    Double atol;

    @Option(names = "--rtol", paramLabel = "R", description = "Relative tolerance (default: the checker's, 1e-3).")
    Double rtol;

    @Option(names = "--tolerance", paramLabel = "KIND",
            description = "Tolerance: ${COMPLETION-CANDIDATES} (default: the checker's).")
    ToleranceKind tolerance;

    @Option(names = "--mode", paramLabel = "MODE", defaultValue = "full",
            description = "Entries checked: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Mode mode;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "0",
            description = "Worker threads; 0 = available processors (default: ${DEFAULT-VALUE}).")
    int threads;

    /** The seed given, else {@code fallback} (e.g. the model file's own seed). */
    public long seed(long fallback) {
        return seed != null ? seed : fallback;
    }

    /** True when {@code --seed} was given. */
    public boolean seedGiven() {
        return seed != null;
    }

    /** The step, or null for the checker's default. */
    public Double eps() {
        return eps;
    }

    /** The absolute tolerance, or null for the checker's default. */
    public Double atol() {
        return atol;
    }

    /** The relative tolerance, or null for the checker's default. */
    public Double rtol() {
        return rtol;
    }

    /** The tolerance kind, or null for the checker's default. */
    public ToleranceKind tolerance() {
        return tolerance;
    }

    /** The mode. */
    public Mode mode() {
        return mode;
    }

    /** The thread count, resolved: 0 becomes the number of available processors. */
    public int threads() {
        return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    }
}

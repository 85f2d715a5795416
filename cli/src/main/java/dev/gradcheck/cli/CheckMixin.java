package dev.gradcheck.cli;

import dev.gradcheck.CheckOptions;
import dev.gradcheck.Mode;
import dev.gradcheck.Scheme;
import dev.gradcheck.Tolerance;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Options of every command that runs the numeric checker ({@code check}, {@code ops},
 * {@code graph --check}), with {@link EngineMixin}'s; {@code grads} and {@code compare}, which run
 * no finite differences, offer only those.
 */
public final class CheckMixin {
    /** The documented values of {@code --mode}: the library's {@link Mode}s in lower case. */
    static final class ModeValues extends OptionValues {
        ModeValues() {
            super(Mode.values());
        }
    }

    /** The documented values of {@code --scheme}: the library's {@link Scheme}s in lower case. */
    static final class SchemeValues extends OptionValues {
        SchemeValues() {
            super(Scheme.values());
        }
    }

    /** The documented values of {@code --tolerance}: the library's tolerance kinds, the default first. */
    static final class ToleranceValues extends OptionValues {
        ToleranceValues() {
            super(Tolerance.Kind.MODEL, Tolerance.Kind.PYTORCH);
        }
    }

    @Mixin
    EngineMixin engine = new EngineMixin();

    @Option(names = "--eps", paramLabel = "H", description = "Finite-difference step of the central and five-point schemes, relative to the entry (default 1e-6); Ridders adapts its own steps.")
    Double eps;

    @Option(names = "--atol", paramLabel = "A", description = "Absolute tolerance: PyTorch's atol with --tolerance pytorch (default 1e-5), else the model tolerance's absolute floor (default 1e-12).")
    Double atol;

    @Option(names = "--rtol", paramLabel = "R", description = "Relative tolerance: PyTorch's rtol with --tolerance pytorch (default 1e-3), else the model tolerance's relative floor (default 1e-8).")
    Double rtol;

    @Option(names = "--absolute-step",
            description = "Step h = eps for every entry (PyTorch's choice) instead of eps * max(1, |x|).")
    boolean absoluteStep;

    @Option(names = "--tolerance", paramLabel = "KIND",
            completionCandidates = ToleranceValues.class,
            description = "Tolerance: ${COMPLETION-CANDIDATES} (default: model, from each numeric value's own error estimate).")
    Tolerance.Kind tolerance;

    @Option(names = "--scheme", paramLabel = "SCHEME", completionCandidates = SchemeValues.class,
            description = "Finite differences: ${COMPLETION-CANDIDATES} (default: ridders with the model tolerance; central with --tolerance pytorch or --mode fast).")
    Scheme scheme;

    @Option(names = "--mode", paramLabel = "MODE", defaultValue = "full", completionCandidates = ModeValues.class,
            description = "Entries checked: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Mode mode;

    @Option(names = "--probes", paramLabel = "K",
            description = "Random projections per checked tensor in fast mode (default 4; PyTorch's fast mode makes 1).")
    Integer probes;

    /** {@code --seed}, {@code --threads}, {@code --reference-engine}. */
    public EngineMixin engine() {
        return engine;
    }

    /** True when {@code --reference-engine} was given. */
    public boolean referenceEngine() {
        return engine.referenceEngine();
    }

    /** The seed given, else {@code fallback} (e.g. the model file's own seed). */
    public long seed(long fallback) {
        return engine.seed(fallback);
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
    public Tolerance.Kind tolerance() {
        return tolerance;
    }

    /** The scheme, or null for the default. */
    public Scheme scheme() {
        return scheme;
    }

    /** The mode. */
    public Mode mode() {
        return mode;
    }

    /** The thread count, resolved: 0 becomes the number of available processors. */
    public int threads() {
        return engine.threads();
    }

    /**
     * The checker's options for these command-line options.
     *
     * @param seed the resolved seed
     * @param command the subcommand, for the report's {@code command} field
     * @param reproduce a one-line way to reproduce a check ({@code {seed}} and {@code {name}} filled in)
     */
    public CheckOptions toOptions(long seed, String command, String reproduce) {
        return UsageException.fromIllegalArgument(() -> options(seed, command, reproduce));
    }

    private CheckOptions options(long seed, String command, String reproduce) {
        CheckOptions o = CheckOptions.defaults().withSeed(seed).withCommand(command).withThreads(threads())
                .withMode(mode).withReferenceEngine(engine.referenceEngine());
        if (reproduce != null) {
            o = o.withReproduce(reproduce);
        }
        requireTolerances();
        Tolerance t = tolerance != null ? Tolerance.named(tolerance.label()) : o.tolerance();
        if (atol != null || rtol != null) {
            t = t.with(atol != null ? atol : t.atol(), rtol != null ? rtol : t.rtol());
        }
        o = o.withTolerance(t);
        if (scheme != null) {
            o = o.withScheme(scheme);
        } else if (tolerance == Tolerance.Kind.MODEL) {
            // the error-model tolerance is only as tight as the estimate: Ridders gives the best one
            o = o.withScheme(Scheme.RIDDERS);
        }
        if (eps != null) {
            o = o.withEps(eps);
        }
        if (absoluteStep) {
            o = o.withRelativeStep(false);
        }
        if (probes != null) {
            if (probes < 1) {
                throw new IllegalArgumentException("--probes must be 1 or more, got " + probes);
            }
            if (mode != Mode.FAST) {
                throw new IllegalArgumentException("--probes sets the random projections of --mode fast; "
                        + "--mode " + OptionValues.of(mode) + " checks entries, not projections");
            }
            o = o.withProbes(probes);
        }
        return o;
    }

    /** Refuses an --atol or --rtol that is negative, NaN or infinite, naming it (a usage error). */
    void requireTolerances() {
        requireFinite("--atol", atol);
        requireFinite("--rtol", rtol);
    }

    /** Refuses a tolerance {@code value} of {@code option} that is negative, NaN or infinite (a usage error). */
    static void requireFinite(String option, Double value) {
        if (value != null && !(value >= 0 && value < Double.POSITIVE_INFINITY)) {
            throw new UsageException(option + " must be finite and 0 or more, got " + value);
        }
    }

    /** The options that change a result, for a reproduce line: e.g. {@code --mode fast --tolerance model}. */
    public String reproduceFlags() {
        StringBuilder sb = new StringBuilder();
        if (mode != Mode.FULL) {
            sb.append(" --mode ").append(OptionValues.of(mode));
        }
        if (tolerance != null) {
            sb.append(" --tolerance ").append(OptionValues.of(tolerance));
        }
        if (scheme != null) {
            sb.append(" --scheme ").append(OptionValues.of(scheme));
        }
        if (eps != null) {
            sb.append(" --eps ").append(eps);
        }
        if (absoluteStep) {
            sb.append(" --absolute-step");
        }
        if (probes != null) {
            sb.append(" --probes ").append(probes);
        }
        if (atol != null) {
            sb.append(" --atol ").append(atol);
        }
        if (rtol != null) {
            sb.append(" --rtol ").append(rtol);
        }
        if (engine.referenceEngine()) {
            sb.append(" --reference-engine");
        }
        return sb.toString();
    }
}

package dev.gradcheck;

import java.util.ArrayList;
import java.util.List;

/**
 * The result of one thing checked: one input of a function, or one op (whose per-input results
 * are nested under {@link #inputs()}). Immutable; built by the checker.
 */
public final class CheckResult {
    private final String name;
    private final Status status;
    private final int[] shape;
    private final long entriesChecked;
    private final double maxAbsError;
    private final double maxRelError;
    private final List<EntryResult> worst;
    private final String diagnosis;
    private final String error;
    private final Throwable cause;
    private final long seed;
    private final String reproduce;
    private final Mode mode;
    private final Scheme scheme;
    private final Tolerance tolerance;
    private final int probes;
    private final List<CheckResult> inputs;
    private final double taylorSlope;
    private final double resolution;
    private final double resolutionAbs;
    private final long entriesSkipped;
    private final int draw;
    private final double magnitude;
    private final String note;
    private final List<String> findings;
    private final String output;
    private final CheckResult jvp;

    private CheckResult(Builder b) {
        this.note = b.note;
        this.findings = List.copyOf(b.findings);
        this.output = b.output;
        this.jvp = b.jvp;
        this.taylorSlope = b.taylorSlope;
        this.resolution = b.resolution;
        this.resolutionAbs = b.resolutionAbs;
        this.entriesSkipped = b.entriesSkipped;
        this.draw = b.draw;
        this.magnitude = b.magnitude;
        this.name = b.name;
        this.status = b.status;
        this.shape = b.shape == null ? null : b.shape.clone();
        this.entriesChecked = b.entriesChecked;
        this.maxAbsError = b.maxAbsError;
        this.maxRelError = b.maxRelError;
        this.worst = List.copyOf(b.worst);
        this.diagnosis = b.diagnosis;
        this.error = b.error;
        this.cause = b.cause;
        this.seed = b.seed;
        this.reproduce = b.reproduce;
        this.mode = b.mode;
        this.scheme = b.scheme;
        this.tolerance = b.tolerance;
        this.probes = b.probes;
        this.inputs = List.copyOf(b.inputs);
    }

    /** A builder for a result named {@code name}. */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** A copy of this result as a builder. */
    public Builder toBuilder() {
        Builder b = new Builder(name);
        b.status = status;
        b.shape = shape;
        b.entriesChecked = entriesChecked;
        b.maxAbsError = maxAbsError;
        b.maxRelError = maxRelError;
        b.worst = new ArrayList<>(worst);
        b.diagnosis = diagnosis;
        b.error = error;
        b.cause = cause;
        b.seed = seed;
        b.reproduce = reproduce;
        b.mode = mode;
        b.scheme = scheme;
        b.tolerance = tolerance;
        b.probes = probes;
        b.inputs = new ArrayList<>(inputs);
        b.taylorSlope = taylorSlope;
        b.resolution = resolution;
        b.resolutionAbs = resolutionAbs;
        b.entriesSkipped = entriesSkipped;
        b.draw = draw;
        b.magnitude = magnitude;
        b.note = note;
        b.findings = new ArrayList<>(findings);
        b.output = output;
        b.jvp = jvp;
        return b;
    }

    /** The input's name, or the op's {@code name()}. */
    public String name() {
        return name;
    }

    public Status status() {
        return status;
    }

    /** {@code status().passed()}. */
    public boolean passed() {
        return status.passed();
    }

    /** The input's shape, or null for an op-level result. */
    public int[] shape() {
        return shape == null ? null : shape.clone();
    }

    /**
     * How many gradient entries were covered (FAST: all of them, through projections), not
     * counting {@link #entriesSkipped()}.
     */
    public long entriesChecked() {
        return entriesChecked;
    }

    /**
     * Whether {@link #maxAbsError()} and {@link #maxRelError()} are figures of compared entries:
     * false for an error or a skip before the first entry, and for a FAST check that compared no
     * entry on its own (its projections agreed, or disagreed without blaming an entry), whose
     * figures would otherwise read as an exact agreement.
     */
    public boolean hasEntryErrors() {
        return mode == Mode.FAST ? !worst.isEmpty() : entriesChecked > 0;
    }

    /** The largest |analytic − numeric| over the compared entries (0 when none, see {@link #hasEntryErrors()}; NaN when one was NaN). */
    public double maxAbsError() {
        return maxAbsError;
    }

    /** The largest relative error over the compared entries. */
    public double maxRelError() {
        return maxRelError;
    }

    /** The worst entries, worst first (at most {@link CheckOptions#worst()}). */
    public List<EntryResult> worst() {
        return worst;
    }

    /** The named cause in words, or null when the evidence supports none. */
    public String diagnosis() {
        return diagnosis;
    }

    /** For {@link Status#ERROR} and {@link Status#SKIPPED}: what went wrong or why; else null. */
    public String error() {
        return error;
    }

    /** The exception thrown by user code, or null. */
    public Throwable cause() {
        return cause;
    }

    public long seed() {
        return seed;
    }

    /** A one-line way to reproduce this check. */
    public String reproduce() {
        return reproduce;
    }

    public Mode mode() {
        return mode;
    }

    public Scheme scheme() {
        return scheme;
    }

    public Tolerance tolerance() {
        return tolerance;
    }

    /** The number of projections compared in {@link Mode#FAST} (0 otherwise). */
    public int probes() {
        return probes;
    }

    /** Nested per-input results of an op-level result; empty for an input-level one. */
    public List<CheckResult> inputs() {
        return inputs;
    }

    /**
     * The eps-free Taylor verdict: the slope of log|φ(x + h·d) − φ(x) − h·⟨g, d⟩| against log h
     * along a seeded random direction d over this input, fitted at the smallest steps whose
     * remainder is above round-off. About 2 (or more) for a right gradient, about 1 for a wrong
     * one (the remainder is then h·⟨error, d⟩). NaN when not computed or when the remainder is
     * at round-off level at every step (φ linear in the input).
     */
    public double taylorSlope() {
        return taylorSlope;
    }

    /**
     * How small an error this check could have seen: the largest allowed |a − n| relative to
     * |n| over the compared entries whose |n| is at least 1e-3 of the input's largest (NaN when
     * none). A pass means every such entry is right to within this relative error.
     */
    public double resolution() {
        return resolution;
    }

    /** The largest allowed |a − n| over the compared entries (the absolute resolution), NaN when none. */
    public double resolutionAbs() {
        return resolutionAbs;
    }

    /** Entries left unjudged because their numeric estimate never converged (status skipped). */
    public long entriesSkipped() {
        return entriesSkipped;
    }

    /** For a result of one input draw of a custom op: the draw's number (0, 1, …); else −1. */
    public int draw() {
        return draw;
    }

    /** For a draw: the typical |x| of its inputs; else NaN. */
    public double magnitude() {
        return magnitude;
    }

    /**
     * How the point was found or moved when that is worth knowing whatever the status (retried at
     * |x|, re-drawn, resampled off a kink), or null.
     */
    public String note() {
        return note;
    }

    /**
     * The kinds of the findings behind {@link #diagnosis()} (e.g. {@code factor}, {@code region},
     * {@code only_input}), most specific first; empty when the diagnosis names no cause. An
     * {@code error} may have a diagnosis too ({@code unreduced_broadcast}). The kinds are listed
     * in docs/checker.md.
     */
    public List<String> findings() {
        return findings;
    }

    /**
     * What the checked code printed to its stdout and stderr while it was checked (captured by
     * {@code gradcheck ops --jar}, at most a few kilobytes, as printed: it is escaped when shown),
     * or null when nothing was captured.
     */
    public String output() {
        return output;
    }

    /**
     * For a function with a forward rule ({@link ForwardDifferentiable}) checked as an op: the
     * forward rule's verdict beside this (the backward's) one, its per-tangent and adjoint-identity
     * results nested under its {@link #inputs()}; null when no forward rule was checked. This
     * result's {@link #status()} is then the worse of the two.
     */
    public CheckResult jvp() {
        return jvp;
    }

    /** The result's block of the text report. */
    @Override
    public String toString() {
        return dev.gradcheck.report.TextReport.render(this);
    }

    /** Builds {@link CheckResult}s. */
    public static final class Builder {
        private String name;
        private Status status = Status.PASS;
        private int[] shape;
        private long entriesChecked;
        private double maxAbsError;
        private double maxRelError;
        private List<EntryResult> worst = new ArrayList<>();
        private String diagnosis;
        private String error;
        private Throwable cause;
        private long seed;
        private String reproduce;
        private Mode mode;
        private Scheme scheme;
        private Tolerance tolerance;
        private int probes;
        private List<CheckResult> inputs = new ArrayList<>();
        private double taylorSlope = Double.NaN;
        private double resolution = Double.NaN;
        private double resolutionAbs = Double.NaN;
        private long entriesSkipped;
        private int draw = -1;
        private double magnitude = Double.NaN;
        private String note;
        private List<String> findings = new ArrayList<>();
        private String output;
        private CheckResult jvp;

        private Builder(String name) {
            this.name = java.util.Objects.requireNonNull(name, "name");
        }

        /** Renames the result (e.g. a result of {@link #toBuilder()} reported under another name). */
        public Builder name(String n) {
            this.name = java.util.Objects.requireNonNull(n, "name");
            return this;
        }

        public Builder status(Status s) {
            this.status = s;
            return this;
        }

        public Builder shape(int[] s) {
            this.shape = s == null ? null : s.clone();
            return this;
        }

        public Builder entriesChecked(long n) {
            this.entriesChecked = n;
            return this;
        }

        public Builder maxAbsError(double e) {
            this.maxAbsError = e;
            return this;
        }

        public Builder maxRelError(double e) {
            this.maxRelError = e;
            return this;
        }

        public Builder worst(List<EntryResult> w) {
            this.worst = new ArrayList<>(w);
            return this;
        }

        public Builder diagnosis(String d) {
            this.diagnosis = d;
            return this;
        }

        /** What the checked code printed (see {@link CheckResult#output()}); null or empty for nothing. */
        public Builder output(String text) {
            this.output = text == null || text.isEmpty() ? null : text;
            return this;
        }

        public Builder error(String e, Throwable c) {
            this.error = e;
            this.cause = c;
            return this;
        }

        public Builder seed(long s) {
            this.seed = s;
            return this;
        }

        public Builder reproduce(String r) {
            this.reproduce = r;
            return this;
        }

        public Builder mode(Mode m) {
            this.mode = m;
            return this;
        }

        public Builder scheme(Scheme s) {
            this.scheme = s;
            return this;
        }

        public Builder tolerance(Tolerance t) {
            this.tolerance = t;
            return this;
        }

        public Builder probes(int p) {
            this.probes = p;
            return this;
        }

        public Builder inputs(List<CheckResult> in) {
            this.inputs = new ArrayList<>(in);
            return this;
        }

        public Builder taylorSlope(double s) {
            this.taylorSlope = s;
            return this;
        }

        public Builder resolution(double relative, double absolute) {
            this.resolution = relative;
            this.resolutionAbs = absolute;
            return this;
        }

        public Builder entriesSkipped(long n) {
            this.entriesSkipped = n;
            return this;
        }

        public Builder draw(int index, double mag) {
            this.draw = index;
            this.magnitude = mag;
            return this;
        }

        /** Sets the note (null for none). */
        public Builder note(String n) {
            this.note = n;
            return this;
        }

        /** Appends to the note ("; " between notes); null adds nothing. */
        public Builder addNote(String n) {
            if (n != null) {
                this.note = this.note == null ? n : this.note + "; " + n;
            }
            return this;
        }

        /** The findings' kinds (see {@link CheckResult#findings()}). */
        public Builder findings(List<String> kinds) {
            this.findings = new ArrayList<>(kinds);
            return this;
        }

        /** The forward rule's verdict (see {@link CheckResult#jvp()}). */
        public Builder jvp(CheckResult forwardRule) {
            this.jvp = forwardRule;
            return this;
        }

        public CheckResult build() {
            return new CheckResult(this);
        }
    }
}

package dev.gradcheck.internal;

import dev.gradcheck.CheckOptions;
import dev.gradcheck.CheckResult;
import dev.gradcheck.DifferentiableFunction;
import dev.gradcheck.EntryResult;
import dev.gradcheck.KinkPolicy;
import dev.gradcheck.Mode;
import dev.gradcheck.PerturbableFunction;
import dev.gradcheck.Precision;
import dev.gradcheck.Scheme;
import dev.gradcheck.Status;
import dev.gradcheck.Tolerance;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;

/**
 * Checks a {@link DifferentiableFunction} at one point: one {@link CheckResult} per input.
 *
 * <p>Order of work: forward once; a seeded random gradOutput u; backward four times (u, u again
 * for determinism, 2u for scaling, 0 for the zero check), watching for input mutation; then per
 * input the numeric derivatives of φ(x) = ⟨u, f(x)⟩ by the chosen mode and scheme, compared
 * entry by entry; failing entries are tested for a kink; finally a diagnosis in words.
 */
public final class Checker {
    private static final int MAX_RESAMPLES = 3;

    private final DifferentiableFunction f;
    private final int[][] shapes;
    private final String[] names;
    private final CheckOptions o;
    private final Tolerance tol;
    private final Precision precision;
    /** The function is one of the checker's adapters ({@link ReadOnlyInputs}): it is given the point itself. */
    private final boolean readOnly;

    private Checker(DifferentiableFunction f, int[][] shapes, String[] names, CheckOptions o) {
        this.f = f;
        this.shapes = shapes;
        this.names = names;
        this.o = o;
        this.tol = o.tolerance();
        this.precision = o.precision();
        this.readOnly = f instanceof ReadOnlyInputs;
    }

    /**
     * Checks {@code f} at {@code inputs} (flat row-major arrays of the given shapes), resampling
     * kinks when the options ask for it. The arrays are read, never written (a resample moves a
     * copy), and must not change during the check.
     */
    public static List<CheckResult> check(DifferentiableFunction f, double[][] inputs, int[][] shapes,
            String[] names, CheckOptions options) {
        Checker c = new Checker(f, shapes, names, options);
        // the point is only read until a resample moves it: until then, in double (where rounding
        // is the identity), the caller's own arrays
        double[][] x = inputs.clone();
        if (options.precision() != Precision.FLOAT64) {
            for (int i = 0; i < inputs.length; i++) {
                x[i] = new double[inputs[i].length];
                for (int j = 0; j < x[i].length; j++) {
                    x[i][j] = options.precision().round(inputs[i][j]);
                }
            }
        }
        Outcome out = c.run(x);
        int attempts = 0;
        int redrawn = 0;
        SplittableRandom rng = new SplittableRandom(options.seed() ^ 0x5DEECE66DL);
        while (options.kinkPolicy() == KinkPolicy.RESAMPLE && out.hasKinks() && attempts < MAX_RESAMPLES) {
            attempts++;
            move(owned(x, inputs), out.kinks, rng, options);
            out = c.run(x);
        }
        // entries whose numeric estimate never settled: re-draw them nearby and measure again
        int unsettled = out.unconvergedCount();
        while (unsettled > 0 && redrawn < options.redraws() && !out.hasFailures()) {
            redrawn++;
            move(owned(x, inputs), out.unconverged, rng, options);
            out = c.run(x);
            unsettled = out.unconvergedCount();
        }
        if (attempts == 0 && redrawn == 0) {
            return out.results;
        }
        List<CheckResult> noted = new ArrayList<>();
        for (CheckResult r : out.results) {
            String note = attempts > 0 ? "point resampled " + attempts + " time(s) to move entries off a kink" : null;
            if (redrawn > 0) {
                String again = "point re-drawn nearby " + redrawn + " time(s) because a numeric estimate had not converged";
                note = note == null ? again : note + "; " + again;
            }
            noted.add(r.toBuilder().diagnosis(r.diagnosis() == null ? note : r.diagnosis() + "; " + note).build());
        }
        return noted;
    }

    /** {@code x}, each of its arrays still one of the caller's {@code inputs} replaced by a copy. */
    private static double[][] owned(double[][] x, double[][] inputs) {
        for (int i = 0; i < x.length; i++) {
            if (x[i] == inputs[i]) {
                x[i] = inputs[i].clone();
            }
        }
        return x;
    }

    /** Moves the listed entries by about 1e-3·max(1, |x|), seeded, in either direction. */
    private static void move(double[][] x, List<List<Integer>> which, SplittableRandom rng, CheckOptions options) {
        for (int i = 0; i < x.length; i++) {
            for (int j : which.get(i)) {
                double step = 1e-3 * Math.max(1, Math.abs(x[i][j])) * (0.5 + 0.5 * rng.nextDouble());
                x[i][j] = options.precision().round(x[i][j] + (rng.nextBoolean() ? step : -step));
            }
        }
    }

    /** Results plus, per input, the flat offsets classified as kinks. */
    private static final class Outcome {
        final List<CheckResult> results = new ArrayList<>();
        final List<List<Integer>> kinks = new ArrayList<>();
        final List<List<Integer>> unconverged = new ArrayList<>();

        boolean hasKinks() {
            return kinks.stream().anyMatch(k -> !k.isEmpty());
        }

        int unconvergedCount() {
            return unconverged.stream().mapToInt(List::size).sum();
        }

        boolean hasFailures() {
            return results.stream().anyMatch(r -> !r.passed());
        }
    }

    private CheckResult.Builder base(int i) {
        String name = names[i];
        String template = o.reproduce() != null ? o.reproduce()
                : "GradCheck.of(f).at(x).mode(Mode." + o.mode() + ").scheme(Scheme." + o.scheme() + ").seed({seed}).check()"
                        + " // input '{name}'";
        return CheckResult.builder(name).shape(shapes[i]).seed(o.seed()).mode(o.mode()).scheme(o.scheme())
                .tolerance(tol).reproduce(template.replace("{name}", name).replace("{seed}", Long.toString(o.seed())));
    }

    private Outcome allError(double[][] x, String message, Throwable cause) {
        Outcome out = new Outcome();
        for (int i = 0; i < x.length; i++) {
            out.results.add(base(i).status(Status.ERROR).error(message, cause).build());
            out.kinks.add(List.of());
            out.unconverged.add(List.of());
        }
        return out;
    }

    private static double[][] deepCopy(double[][] x) {
        double[][] c = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            c[i] = x[i].clone();
        }
        return c;
    }

    /**
     * The point as the function is given it: the point itself when the function is read-only,
     * otherwise a copy, compared with the point afterwards ({@link #mutation}: an identical array
     * compares in no time).
     */
    private double[][] argument(double[][] x) {
        return readOnly ? x : deepCopy(x);
    }

    private double[] argument(double[] u) {
        return readOnly ? u : u.clone();
    }

    /**
     * A scratch point on which input i may be moved (and put back): input i copied; the others are
     * the point's own arrays when the function is read-only, copies otherwise.
     */
    double[][] scratchFor(double[][] x, int i) {
        if (!readOnly) {
            return deepCopy(x);
        }
        double[][] w = x.clone();
        w[i] = x[i].clone();
        return w;
    }

    /** The first input entry a call changed, as "input 'x' entry [1, 2]", or null. */
    private String mutation(double[][] before, double[][] after) {
        for (int i = 0; i < before.length; i++) {
            if (Arrays.equals(before[i], after[i])) {
                continue; // the usual case, compared by the JDK's vectorised loop
            }
            for (int j = 0; j < before[i].length; j++) {
                if (Double.doubleToLongBits(before[i][j]) != Double.doubleToLongBits(after[i][j])) {
                    return "input '" + names[i] + "' entry " + Indexing.format(Indexing.unravel(j, shapes[i]));
                }
            }
        }
        return null;
    }

    private Outcome run(double[][] x) {
        // ---- forward at the point
        double[][] work = argument(x);
        double[] y;
        try {
            y = f.forward(work);
        } catch (RuntimeException | StackOverflowError e) {
            return allError(x, UserCodeException.describe("forward", e), e);
        }
        if (y == null) {
            return allError(x, "forward returned null", null);
        }
        String forwardMutation = mutation(x, work);
        for (int k = 0; k < y.length; k++) {
            if (!Double.isFinite(y[k])) {
                return allError(x, "forward returned " + y[k] + " at output entry " + k
                        + ": the point is outside the function's domain", null);
            }
        }
        SplittableRandom rng = new SplittableRandom(o.seed());
        double[] u = new double[y.length];
        for (int k = 0; k < u.length; k++) {
            u[k] = y.length == 1 ? 1.0 : precision.round(rng.nextGaussian());
        }
        currentU = u;
        // FAST's projections and the Taylor test move whole inputs; the single-entry evaluator
        // (costly to prepare) serves the entry-by-entry modes
        boolean fast = o.mode() == Mode.FAST;
        // an evaluator may keep the arrays it is given, and a resample moves the point later
        perturbed = fast ? null : Perturbation.prepare(f, () -> argument(x), y.length);
        inputPerturbed = fast || o.taylor() ? Perturbation.prepareInputs(f, () -> argument(x), y.length) : null;
        double phi0 = 0;
        double phiScale = 0;
        for (int k = 0; k < y.length; k++) {
            phi0 += u[k] * y[k];
            phiScale += Math.abs(u[k] * y[k]);
        }

        // ---- backward at u, watching for mutation of inputs and gradOutput
        double[][] g;
        double[][] bwork = argument(x);
        double[] uwork = argument(u);
        SideChecks side = new SideChecks();
        try {
            g = f instanceof MultiBackward ? backwardEach((MultiBackward) f, bwork, uwork, u, side)
                    : f.backward(bwork, uwork);
        } catch (RuntimeException | StackOverflowError e) {
            return allError(x, UserCodeException.describe("backward", e), e);
        }
        String count = countProblem(g, x.length);
        if (count != null) {
            return allError(x, count, null);
        }
        // per input: the gradient's scale, and the verdicts of the side checks that came with the
        // first backward (their gradients then dropped)
        side.g = g;
        gradMax = new double[x.length];
        side.judge(i -> gradMax[i] = maxAbsFinite(g[i]));
        String backwardMutation = mutation(x, bwork);
        if (backwardMutation == null && !Arrays.equals(u, uwork)) {
            backwardMutation = "gradOutput";
        }

        // ---- side checks (determinism, scaling with gradOutput, zero gradOutput), and in FAST mode
        // the projections, all independent: on the checker's threads together
        FiniteDifference fd = new FiniteDifference(precision.unitRoundoff(), phiScale);
        if (!fast || !(f instanceof MultiBackward)) {
            // (what is left of) the side checks, here: a user's backward never runs beside another
            // call (only forward calls run side by side, as FULL mode has always done)
            side.determinism(x, u);
            side.linearity(x, u);
        }
        List<Object> done = null;
        if (fast) {
            // the engine adapters are thread-safe: their remaining side check beside the projections
            double[][] grads = g;
            double phiAt = phi0;
            // a read-only function's probes copy only the input they move (FastProbe), a user's
            // function is given a copy of the whole point per worker, as it may write to any input
            done = Parallel.map(o.threads(), x.length + 2, readOnly ? () -> null : () -> deepCopy(x),
                    (scratch, k) -> k == 0 ? side.determinism(x, u) : k == 1 ? side.linearity(x, u)
                            : probe(k - 2, x, scratch, grads[k - 2], phiAt, fd));
        }

        Outcome out = new Outcome();
        for (int i = 0; i < x.length; i++) {
            List<Integer> kinks = new ArrayList<>();
            List<Integer> unconverged = new ArrayList<>();
            out.results.add(checkInput(i, x, u, phi0, fd, g, side,
                    fast ? done.get(i + 2) : null, forwardMutation, backwardMutation, kinks, unconverged));
            out.kinks.add(kinks);
            out.unconverged.add(unconverged);
        }
        return out;
    }

    /**
     * The gradient at u and the side checks' passes on the same forward (scaling and zero
     * gradOutput, and determinism too when the forward is deterministic by construction), which
     * are handed to {@code side}.
     */
    private double[][] backwardEach(MultiBackward mb, double[][] bwork, double[] uwork, double[] u, SideChecks side) {
        boolean again = mb.deterministicForward();
        double[][] us = again ? new double[][] {uwork, argument(u), twice(u), new double[u.length]}
                : new double[][] {uwork, twice(u), new double[u.length]};
        double[][][] each = mb.backwardEach(o.threads(), bwork, us);
        if (again) {
            side.g2 = each[1];
            side.determinismDone = true;
        }
        side.gScaled = each[us.length - 2];
        side.gZero = each[us.length - 1];
        side.linearityDone = true;
        return each[0];
    }

    /** Null when a backward pass returned one gradient per input, else what it returned. */
    private static String countProblem(double[][] g, int inputs) {
        if (g != null && g.length == inputs) {
            return null;
        }
        return "backward returned " + (g == null ? "null" : g.length + " gradients") + " for " + inputs + " inputs";
    }

    /**
     * The backward passes of the side checks, each recording the exception it meets; each runs
     * once. Their gradients are judged against the first backward's as soon as they are there
     * (per input: a size problem, else a finding or null) and dropped: a large model's check
     * keeps one gradient alive, not four.
     */
    private final class SideChecks {
        /** The gradients at u, set once the first backward returned one per input. */
        double[][] g;
        double[][] g2;
        double[][] gScaled;
        double[][] gZero;
        private Throwable repeatError;
        private Throwable linearityError;
        /** Set when the passes ran (or came with the first backward), whatever they returned. */
        boolean determinismDone;
        boolean linearityDone;
        /** Per input, from the repeated pass: its size problem, and the nondeterminism found. */
        private String[] repeatSize;
        private String[] nondeterministic;
        /** Per input, from the passes at 2u and 0: the first size problem, and the scaling finding. */
        private String[] scaledSize;
        private String[] scalingFinding;

        /**
         * Judges, input by input, the passes that ran without throwing (a throw is {@link #error})
         * and were not judged yet, beside {@code alsoPerInput} (per input too); then drops their
         * gradients.
         */
        void judge(IntConsumer alsoPerInput) {
            boolean repeat = determinismDone && repeatError == null && repeatSize == null;
            boolean linear = linearityDone && linearityError == null && scaledSize == null;
            int n = g.length;
            String[] rSize = repeat ? sizeProblems(g2, null) : null;
            String[] lSize = linear ? sizeProblems(gZero, sizeProblems(gScaled, null)) : null;
            String[] nondet = new String[n];
            String[] scalingFound = new String[n];
            for (int i = 0; i < n; i++) {
                alsoPerInput.accept(i);
                boolean sized = sizeProblem(i, g[i], "backward") == null;
                if (repeat && sized && rSize[i] == null) {
                    nondet[i] = nondeterminism(i, g[i], g2[i]);
                }
                if (linear && sized && lSize[i] == null) {
                    scalingFound[i] = scaling(i, g[i], gScaled[i], gZero[i]);
                }
            }
            if (repeat) {
                nondeterministic = nondet;
                repeatSize = rSize;
                g2 = null;
            }
            if (linear) {
                scalingFinding = scalingFound;
                scaledSize = lSize;
                gScaled = null;
                gZero = null;
            }
        }

        /** Per input, the earlier problem if any, else {@code other}'s count or size problem. */
        private String[] sizeProblems(double[][] other, String[] earlier) {
            String count = countProblem(other, g.length);
            String[] p = earlier != null ? earlier : new String[g.length];
            for (int i = 0; i < g.length; i++) {
                if (p[i] == null) {
                    p[i] = count != null ? count : sizeProblem(i, other[i], "backward");
                }
            }
            return p;
        }

        /** The side passes' size problem for input i (the repeated pass's first), or null. */
        String sizeProblemOf(int i) {
            return repeatSize[i] != null ? repeatSize[i] : scaledSize[i];
        }

        String nondeterminismOf(int i) {
            return nondeterministic[i];
        }

        String scalingOf(int i) {
            return scalingFinding[i];
        }

        /** Backward again at u, forward included (a nondeterministic forward shows too), unless it came with the first. */
        Object determinism(double[][] x, double[] u) {
            if (determinismDone) {
                return null;
            }
            determinismDone = true;
            try {
                g2 = f.backward(argument(x), argument(u));
            } catch (RuntimeException | StackOverflowError e) {
                repeatError = e;
            }
            judge(i -> { });
            return null;
        }

        /** Backward at 2u and at 0, unless they came with the first backward (a {@link MultiBackward}). */
        Object linearity(double[][] x, double[] u) {
            if (linearityDone) {
                return null;
            }
            linearityDone = true;
            try {
                gScaled = f.backward(argument(x), twice(u));
                gZero = f.backward(argument(x), new double[u.length]);
            } catch (RuntimeException | StackOverflowError e) {
                linearityError = e;
            }
            judge(i -> { });
            return null;
        }

        /** The first side check's exception, in the order they are listed. */
        Throwable cause() {
            return repeatError != null ? repeatError : linearityError;
        }

        String error() {
            Throwable c = cause();
            return c == null ? null : UserCodeException.describe("backward (repeated)", c);
        }
    }

    /**
     * FAST mode's projections of input i ({@link FastProbe.Result}), or the {@link UserCodeException}
     * they met, or null when the input cannot be probed (checkInput says why).
     */
    private Object probe(int i, double[][] x, double[][] work, double[] gi, double phi0, FiniteDifference fd) {
        if (sizeProblem(i, gi, "backward") != null || x[i].length == 0) {
            return null;
        }
        try {
            return new FastProbe(this, fd, i, x, work != null ? work : scratchFor(x, i), gi, phi0).run();
        } catch (UserCodeException e) {
            return e;
        }
    }

    private static double[] twice(double[] u) {
        double[] u2 = new double[u.length];
        for (int k = 0; k < u.length; k++) {
            u2[k] = 2 * u[k];
        }
        return u2;
    }

    private static double maxAbsFinite(double[] a) {
        double m = 0;
        if (a != null) {
            for (double v : a) {
                double abs = Math.abs(v);
                if (abs > m && abs != Double.POSITIVE_INFINITY) { // NaN is not > m
                    m = abs;
                }
            }
        }
        return m;
    }

    private String sizeProblem(int i, double[] gi, String what) {
        if (gi == null) {
            return what + " returned null for input '" + names[i] + "' of shape " + Indexing.format(shapes[i]);
        }
        if (gi.length != Indexing.size(shapes[i])) {
            return what + " returned a gradient of " + gi.length + " values for input '" + names[i] + "' of shape "
                    + Indexing.format(shapes[i]) + " (" + Indexing.size(shapes[i]) + " values)";
        }
        return null;
    }

    private CheckResult checkInput(int i, double[][] x, double[] u, double phi0, FiniteDifference fd,
            double[][] g, SideChecks checks, Object probed, String forwardMutation, String backwardMutation,
            List<Integer> kinks, List<Integer> unconverged) {
        CheckResult.Builder b = base(i);
        String size = sizeProblem(i, g[i], "backward");
        if (size != null) {
            return b.status(Status.ERROR).error(size, null).build();
        }
        if (checks.error() != null) {
            return b.status(Status.ERROR).error(checks.error(), checks.cause()).build();
        }
        String otherSize = checks.sizeProblemOf(i);
        if (otherSize != null) {
            return b.status(Status.ERROR).error(otherSize, null).build();
        }
        if (x[i].length == 0) {
            return b.status(Status.SKIPPED).error("input '" + names[i] + "' has no entries", null).build();
        }

        // Side findings, most specific first; any of them fails the input.
        String side = null;
        if (forwardMutation != null) {
            side = "forward mutates its input (" + forwardMutation + " changed)";
        } else if (backwardMutation != null) {
            side = "backward mutates its input (" + backwardMutation + " changed)";
        }
        if (side == null) {
            side = checks.nondeterminismOf(i);
        }
        String linearity = checks.scalingOf(i);

        List<EntryResult> entries;
        // the Taylor slope: measured beside the entries in FULL and SAMPLED mode, after them in FAST
        double[] taylor = {Double.NaN};
        int probes = 0;
        String fastNote = null;
        boolean fastKink = false;
        try {
            switch (o.mode()) {
                case FAST: {
                    if (probed instanceof UserCodeException) {
                        throw (UserCodeException) probed;
                    }
                    FastProbe.Result r = (FastProbe.Result) probed;
                    entries = r.entries;
                    probes = r.probes;
                    fastNote = r.unlocalised;
                    fastKink = r.kink;
                    break;
                }
                case SAMPLED:
                    entries = compareEntries(i, x, g[i], phi0, fd, sample(i, x[i].length), taylor);
                    break;
                default:
                    entries = compareEntries(i, x, g[i], phi0, fd, null, taylor);
            }
        } catch (UserCodeException e) {
            return b.status(Status.ERROR).error(e.getMessage(), e.getCause()).build();
        }

        Status status = Status.PASS;
        double maxAbs = 0;
        double maxRel = 0;
        long skipped = 0;
        for (EntryResult e : entries) {
            if (e.status() == Status.SKIPPED) {
                skipped++;
                unconverged.add(flat(e.index(), shapes[i]));
                continue;
            }
            status = Status.worse(status, e.status());
            maxAbs = maxOrNaN(maxAbs, e.absError());
            maxRel = maxOrNaN(maxRel, e.relError());
        }
        for (EntryResult e : entries) {
            if (e.status() == Status.KINK) {
                kinks.add(flat(e.index(), shapes[i]));
            }
        }
        double[] resolution = resolution(entries);
        b.resolution(resolution[0], resolution[1]).entriesSkipped(skipped);
        if (o.taylor()) {
            b.taylorSlope(o.mode() == Mode.FAST ? taylorSlope(i, x, g[i], phi0, fd) : taylor[0]);
        }
        if (fastNote != null) {
            status = Status.FAIL;
        }
        if (fastKink) {
            status = Status.worse(status, Status.KINK);
        }
        if (side != null || linearity != null) {
            status = Status.FAIL;
        }
        // mutation and nondeterminism explain wrong values; the linearity finding comes after the value pattern
        String diagnosis = side;
        if (diagnosis == null && status == Status.FAIL) {
            diagnosis = fastNote != null ? fastNote
                    : Diagnoser.diagnose(shapes[i], entries, o.mode() == Mode.FULL ? Diagnoser.Scope.FULL
                            : o.mode() == Mode.FAST ? Diagnoser.Scope.LOCALISED : Diagnoser.Scope.SAMPLED);
            if (linearity != null) {
                diagnosis = diagnosis == null ? linearity : diagnosis + "; also " + linearity;
            }
        } else if (diagnosis == null && skipped > 0 && status != Status.FAIL) {
            String why = skipped + " of " + entries.size() + " entr" + (entries.size() == 1 ? "y" : "ies")
                    + " skipped: the numeric derivative did not converge (its error estimate stayed above "
                    + FiniteDifference.SETTLED + " relative to the gradient's scale at every step tried, even at a"
                    + " re-drawn nearby point): the function is too ill-conditioned here to judge "
                    + (skipped == 1 ? "it" : "them");
            if (skipped < entries.size()) {
                why += "; the other entries " + (status == Status.KINK ? "pass or sit at kinks" : "pass");
            }
            b.error(why, null);
            status = Status.SKIPPED;
        } else if (diagnosis == null && status == Status.KINK) {
            long k = entries.stream().filter(e -> e.status() == Status.KINK).count();
            diagnosis = k == 0 && fastKink
                    ? "a random projection crosses a kink: its left and right differences disagree and the analytic "
                            + "value lies between them; every entry compared on its own passes"
                    : k + " entr" + (k == 1 ? "y is" : "ies are")
                            + " at a kink: left and right differences disagree and the analytic value lies between them";
        }
        // FAST compares only localised entries one by one; all entries were covered by the projections
        long checked = o.mode() == Mode.FAST ? x[i].length : entries.size() - skipped;
        List<EntryResult> worst = worst(entries, o.worst());
        return b.status(status).entriesChecked(checked).maxAbsError(maxAbs).maxRelError(maxRel).worst(worst)
                .diagnosis(diagnosis).probes(probes).build();
    }

    /**
     * {relative, absolute} resolution: the largest allowed |a − n| relative to |n| over the judged
     * entries with |n| ≥ 1e-3 of the largest, and the largest allowed |a − n|.
     */
    private static double[] resolution(List<EntryResult> entries) {
        double nmax = 0;
        double abs = Double.NaN;
        for (EntryResult e : entries) {
            if (e.status() != Status.SKIPPED && Double.isFinite(e.numeric())) {
                nmax = Math.max(nmax, Math.abs(e.numeric()));
                abs = Double.isNaN(abs) ? e.tolerance() : Math.max(abs, e.tolerance());
            }
        }
        double rel = Double.NaN;
        for (EntryResult e : entries) {
            double n = Math.abs(e.numeric());
            if (e.status() != Status.SKIPPED && Double.isFinite(n) && n > 0 && n >= 1e-3 * nmax) {
                double r = e.tolerance() / n;
                rel = Double.isNaN(rel) ? r : Math.max(rel, r);
            }
        }
        return new double[] {rel, abs};
    }

    /**
     * The first {@code k} entries in {@link #WORST_FIRST} order, ties in list order: what a stable
     * sort would put first, without sorting every entry (FULL mode has one per input entry).
     */
    static List<EntryResult> worst(List<EntryResult> entries, int k) {
        List<EntryResult> top = new ArrayList<>(k + 1);
        for (EntryResult e : entries) {
            if (top.size() == k && (k == 0 || WORST_FIRST.compare(e, top.get(k - 1)) >= 0)) {
                continue;
            }
            int at = top.size();
            while (at > 0 && WORST_FIRST.compare(e, top.get(at - 1)) < 0) {
                at--;
            }
            top.add(at, e);
            if (top.size() > k) {
                top.remove(k);
            }
        }
        return top;
    }

    /** The order of the report's worst entries (for tests). */
    static Comparator<EntryResult> worstFirst() {
        return WORST_FIRST;
    }

    /** Failing entries first, then by how far beyond their tolerance, then by flat order. */
    private static final Comparator<EntryResult> WORST_FIRST = Comparator
            .comparingDouble((EntryResult e) -> -severity(e))
            .thenComparingDouble(e -> -excess(e));

    private static double severity(EntryResult e) {
        return e.status() == Status.FAIL ? 2 : e.status() == Status.KINK ? 1 : e.status() == Status.SKIPPED ? 0.5 : 0;
    }

    private static double excess(EntryResult e) {
        double a = e.absError();
        if (Double.isNaN(a)) {
            return Double.POSITIVE_INFINITY;
        }
        return a / Math.max(e.tolerance(), Double.MIN_NORMAL);
    }

    private static double maxOrNaN(double m, double v) {
        return Double.isNaN(m) || Double.isNaN(v) ? Double.NaN : Math.max(m, v);
    }

    static int flat(int[] index, int[] shape) {
        int[] s = Indexing.strides(shape);
        int k = 0;
        for (int d = 0; d < index.length; d++) {
            k += index[d] * s[d];
        }
        return k;
    }

    private String nondeterminism(int i, double[] a, double[] b) {
        if (Arrays.equals(a, b)) {
            return null; // the usual case (nondetTol ≥ 0), compared by the JDK's vectorised loop
        }
        double worst = 0;
        int at = -1;
        for (int j = 0; j < a.length; j++) {
            double d = Math.abs(a[j] - b[j]);
            boolean differ = Double.isNaN(d) ? Double.isNaN(a[j]) != Double.isNaN(b[j]) : d > o.nondetTol();
            if (differ && (at < 0 || d > worst)) {
                worst = d;
                at = j;
            }
        }
        if (at < 0) {
            return null;
        }
        return String.format(Locale.ROOT, "nondeterministic: two backward runs with the same gradOutput differ by %.3g"
                + " at %s (%s vs %s)", worst, Indexing.format(Indexing.unravel(at, shapes[i])), a[at], b[at]);
    }

    /** g, gs (at 2u) and gz (at 0) have the same length. */
    private String scaling(int i, double[] g, double[] gs, double[] gz) {
        // one pass: the first non-zero entry at 0, and until then the first entry that does not scale
        int nonZero = -1;
        int unscaled = -1;
        for (int j = 0; j < gz.length; j++) {
            if (gz[j] != 0) {
                nonZero = j;
                break;
            }
            // written out (a call per entry is slow until the JIT compiles the loop); w ≤ MAX_VALUE: finite
            double want = 2 * g[j];
            double w = Math.abs(want);
            if (unscaled < 0 && w <= Double.MAX_VALUE && Math.abs(gs[j] - want) > 1e-9 * w + 1e-300) {
                unscaled = j;
            }
        }
        // the zero check first: a backward that adds a constant fails both, and this names it
        if (nonZero >= 0 && Arrays.equals(gz, g)) {
            return "backward ignores gradOutput: a zero gradOutput gives the same gradient back";
        }
        if (nonZero >= 0) {
            return "a zero gradOutput gives a non-zero gradient (" + gz[nonZero] + " at "
                    + Indexing.format(Indexing.unravel(nonZero, shapes[i]))
                    + "): backward adds a term that does not scale with gradOutput";
        }
        if (unscaled >= 0) {
            return "the gradient does not scale with gradOutput (backward ignores gradOutput?): with 2·gradOutput, "
                    + "entry " + Indexing.format(Indexing.unravel(unscaled, shapes[i])) + " is " + gs[unscaled]
                    + " instead of " + 2 * g[unscaled];
        }
        return null;
    }

    private int[] sample(int i, int n) {
        int k = Math.min(o.samples(), n);
        SplittableRandom rng = new SplittableRandom(inputSeed(i) + 7);
        // partial Fisher–Yates over offsets, then sorted for a fixed order
        int[] perm = new int[n];
        for (int j = 0; j < n; j++) {
            perm[j] = j;
        }
        for (int j = 0; j < k; j++) {
            int r = j + rng.nextInt(n - j);
            int t = perm[j];
            perm[j] = perm[r];
            perm[r] = t;
        }
        int[] picked = Arrays.copyOf(perm, k);
        Arrays.sort(picked);
        return picked;
    }

    /** φ at a scratch copy of the inputs. */
    double phi(double[][] work, double[] u) {
        double[] y;
        try {
            y = f.forward(work);
        } catch (RuntimeException | StackOverflowError e) {
            throw new UserCodeException(UserCodeException.describe("forward", e) + " (during numeric differentiation)", e);
        }
        if (y == null || y.length != u.length) {
            throw new UserCodeException("forward returned " + (y == null ? "null" : y.length + " values") + " at a nearby point, "
                    + u.length + " at the checked point", null);
        }
        double s = 0;
        for (int k = 0; k < y.length; k++) {
            s += u[k] * y[k];
        }
        return s;
    }

    /** The line through entry j of input i, on a scratch copy; restores the entry after each evaluation. */
    Line entryLine(double[][] work, double[] u, int i, int j) {
        double x0 = work[i][j];
        return new Line() {
            @Override
            public double at(double t) {
                if (perturbed != null) {
                    return Perturbation.phi(perturbed, i, j, precision.round(x0 + t), u);
                }
                work[i][j] = precision.round(x0 + t);
                try {
                    return phi(work, u);
                } finally {
                    work[i][j] = x0;
                }
            }

            @Override
            public double snap(double t) {
                return precision.round(x0 + t) - x0;
            }
        };
    }

    /**
     * The entries of input i (all, or {@code subset}) compared one by one on the checker's threads;
     * when the options ask for it, the Taylor slope is measured as one more job beside them and
     * stored in {@code taylor[0]}.
     */
    private List<EntryResult> compareEntries(int i, double[][] x, double[] gi, double phi0, FiniteDifference fd,
            int[] subset, double[] taylor) {
        int n = subset == null ? x[i].length : subset.length;
        double[] u = currentU;
        int first = o.taylor() ? 1 : 0;
        List<Object> done = Parallel.map(o.threads(), n + first, () -> scratchFor(x, i), (work, k) -> {
            if (k < first) {
                return taylorSlope(i, x, gi, phi0, fd);
            }
            int j = subset == null ? k - first : subset[k - first];
            return compareEntry(i, j, work, u, gi[j], phi0, fd);
        });
        if (first == 1) {
            taylor[0] = (Double) done.get(0);
        }
        List<EntryResult> entries = new ArrayList<>(n);
        for (int k = first; k < done.size(); k++) {
            entries.add((EntryResult) done.get(k));
        }
        return entries;
    }

    /** The Taylor slope of input i (NaN when the forward throws along its direction: the entries decide). */
    private double taylorSlope(int i, double[][] x, double[] gi, double phi0, FiniteDifference fd) {
        try {
            return TaylorRemainder.slope(this, x, i, gi, phi0, fd.phiScale(), fd.unitRoundoff(), inputSeed(i));
        } catch (UserCodeException e) {
            return Double.NaN;
        }
    }

    private double[] currentU;
    /** The function's single-entry evaluator at the current point (PerturbableFunction), or null. */
    private PerturbableFunction.Perturbed perturbed;
    /** Its whole-input evaluator at the current point, for FAST mode and the Taylor test, or null. */
    private PerturbableFunction.InputPerturbed inputPerturbed;

    /** The first steps (divisors of the accepted one) of the tableaux that confirm a failing entry. */
    private static final double[] CONFIRM = {3.7, 13.1};

    /** Per input, the largest finite |analytic| entry (the gradient's scale). */
    private double[] gradMax;

    /** True when entries are measured by {@link FiniteDifference#adaptive} (the float64 default). */
    private boolean adaptive() {
        return o.adaptive() && o.scheme() == Scheme.RIDDERS && tol.needsEstimate();
    }

    /** Numeric derivative of entry j of input i, compared with {@code analytic}; failing entries tested for a kink. */
    EntryResult compareEntry(int i, int j, double[][] work, double[] u, double analytic, double phi0,
            FiniteDifference fd) {
        double x0 = work[i][j];
        double h = o.eps() * o.stepScale(x0);
        double rh = o.riddersStep() * o.stepScale(x0);
        Line line = entryLine(work, u, i, j);
        if (adaptive()) {
            return compareAdaptive(i, j, line, analytic, phi0, fd, h, rh, x0);
        }
        Numeric num = fd.derivative(line, o.scheme(), h, rh, tol.needsEstimate());
        double allowed = tol.allowed(num.value, num.error);
        double diff = Math.abs(analytic - num.value);
        if (!(diff <= allowed) && o.scheme() != Scheme.CENTRAL) {
            // Ridders' and the five-point stencil's larger steps can straddle a kink near the
            // point. A small-step central difference re-measures: when it agrees with the
            // analytic value, or disagrees with the larger-step value beyond its own tolerance,
            // the larger steps were not measuring this point's derivative and it decides
            double hc = precision.defaultEps() * o.stepScale(x0);
            Numeric central = fd.derivative(line, Scheme.CENTRAL, hc, rh, tol.needsEstimate());
            double centralAllowed = tol.allowed(central.value, central.error);
            if (Math.abs(analytic - central.value) <= centralAllowed
                    || !(Math.abs(num.value - central.value) <= centralAllowed)) {
                num = central;
                allowed = centralAllowed;
                diff = Math.abs(analytic - num.value);
            }
        }
        Status st = diff <= allowed ? Status.PASS : Status.FAIL;
        if (st == Status.FAIL && Double.isFinite(analytic) && Double.isFinite(num.value) && isKink(fd, line, num, phi0,
                analytic, allowed)) {
            st = Status.KINK;
        }
        return new EntryResult(Indexing.unravel(j, shapes[i]), analytic, num.value, allowed, num.error, st);
    }

    /**
     * The default path: adaptive Ridders with the error-model tolerance. An estimate that never
     * settles makes the entry a kink (one-sided differences disagree, the analytic value between
     * them) or {@code skipped} (the point is then re-drawn nearby). A failing
     * settled estimate is confirmed by a second tableau from another initial step: when the two
     * disagree beyond their own errors the estimate is not trusted ({@code skipped}, and the
     * point is re-drawn); otherwise the more cautious of the two decides.
     */
    private EntryResult compareAdaptive(int i, int j, Line line, double analytic, double phi0, FiniteDifference fd,
            double h, double rh, double x0) {
        double scale = Math.max(gradMax[i], 1e-3 * fd.phiScale() / o.stepScale(x0));
        Numeric num = fd.adaptive(line, h, rh, scale);
        double hc = precision.defaultEps() * o.stepScale(x0);
        double allowed = tol.allowed(num.value, num.error);
        double diff = Math.abs(analytic - num.value);
        boolean settled = num.converged && Double.isFinite(num.value);
        if (settled && !(diff <= allowed) && !Double.isNaN(num.startStep)) {
            // two more tableaux from other first steps must confirm the value; on noise a
            // tableau can settle by chance, three that agree within their errors do not
            for (double div : CONFIRM) {
                Numeric other = fd.riddersFrom(line, h, num.startStep / div);
                double both = tol.allowed(num.value, num.error + other.error);
                if (!FiniteDifference.settled(other, scale) || !(Math.abs(other.value - num.value) <= both)) {
                    // cannot confirm: noise, or a scale finer than the steps
                    settled = false;
                    break;
                }
                if (other.error > num.error) {
                    num = other;
                    allowed = tol.allowed(num.value, num.error);
                    diff = Math.abs(analytic - num.value);
                }
            }
        }
        if (settled && !(diff <= allowed) && !(num.hPlus <= hc * 1.01)) {
            // a kink nearer than Ridders' smallest step: the small-step central difference
            // decides when it agrees with the analytic value or contradicts the tableau
            Numeric central = fd.derivative(line, Scheme.CENTRAL, hc, rh, true);
            double centralAllowed = tol.allowed(central.value, central.error);
            if (!FiniteDifference.settled(central, scale)) {
                // the small step is noisy: it cannot overrule the tableau, nor confirm it
                settled = false;
            } else if (Math.abs(analytic - central.value) <= centralAllowed
                    || !(Math.abs(num.value - central.value) <= centralAllowed)) {
                num = central;
                allowed = centralAllowed;
                diff = Math.abs(analytic - num.value);
            }
        }
        if (settled && !(diff <= allowed) && num.hPlus <= hc * 1.01 && num.hMinus > 0) {
            // the tableau reached steps this small, but its value is extrapolated from its larger
            // steps too, which can straddle a kink: when both one-sided differences at its
            // smallest step agree with the analytic value, they decide (on a smooth function
            // their truncation errors have opposite signs, so a wrong value cannot match both)
            double[] lr = fd.sides(line, num, phi0);
            double noise = 4 * fd.unitRoundoff() * fd.phiScale() / Math.min(num.hPlus, num.hMinus);
            if (Math.abs(lr[0] - analytic) <= allowed + noise && Math.abs(lr[1] - analytic) <= allowed + noise) {
                double value = (num.hMinus * lr[0] + num.hPlus * lr[1]) / (num.hPlus + num.hMinus);
                num = new Numeric(value, Math.max(Math.abs(lr[1] - lr[0]), noise), Double.NaN, Double.NaN, num.hPlus,
                        num.hMinus);
                allowed = tol.allowed(num.value, num.error);
                diff = Math.abs(analytic - num.value);
            }
        }
        Status st;
        if (diff <= allowed && settled) {
            st = Status.PASS;
        } else if (Double.isFinite(analytic) && Double.isFinite(num.value) && isKink(fd, line, num, phi0, analytic,
                allowed)) {
            st = Status.KINK;
        } else if (settled || !Double.isFinite(analytic) || !Double.isFinite(num.value)) {
            st = Status.FAIL;
        } else {
            st = Status.SKIPPED;
        }
        return new EntryResult(Indexing.unravel(j, shapes[i]), analytic, num.value, allowed, num.error, st);
    }

    /**
     * A failing entry is a kink when the one-sided differences at h disagree beyond the tolerance,
     * the analytic value lies between them, and at h/4 either the jump persists (a kink right at
     * the point) or the sides agree again with the analytic value (a kink within one step of it).
     * For a smooth function the gap shrinks fourfold and the finer central difference still
     * disagrees with a wrong analytic value, so a wrong gradient is not excused as a kink.
     */
    private boolean isKink(FiniteDifference sides, Line line, Numeric num, double phi0, double analytic,
            double allowed) {
        double[] lr = sides.sides(line, num, phi0);
        double l = lr[0];
        double r = lr[1];
        double gap = Math.abs(r - l);
        // the one-sided differences carry round-off of their own (larger than the central value's
        // tolerance): a subgradient at an end of [l, r] (relu'(0) = 1, |x|'(0) = 1) is still between
        double between = allowed + ROUNDOFF_SLACK * gap;
        if (!(gap > allowed) || analytic < Math.min(l, r) - between || analytic > Math.max(l, r) + between) {
            return false;
        }
        // shrink the step fourfold up to three times: a kink at distance δ < h from the point
        // drops out of the stencil once the step is below δ; one right at the point keeps its jump
        double hp = num.hPlus;
        double hm = num.hMinus;
        for (int level = 0; level < 3; level++) {
            hp = line.snap(hp / 4);
            hm = -line.snap(-hm / 4);
            if (!(hp > 0) || !(hm > 0)) {
                return true;
            }
            double lk = (phi0 - line.at(-hm)) / hm;
            double rk = (line.at(hp) - phi0) / hp;
            // a kink's one-sided differences settle to the one-sided derivatives; noise in φ
            // makes them wander (by noise/h) as the step shrinks, which is no kink
            if (Math.abs(rk - lk) > 0.5 * gap && Math.abs(lk - l) <= 0.25 * gap && Math.abs(rk - r) <= 0.25 * gap) {
                return true;
            }
            double ck = (hm * lk + hp * rk) / (hp + hm);
            if (Math.abs(analytic - ck) <= tol.allowed(ck, num.error) + ROUNDOFF_SLACK * gap) {
                return true;
            }
        }
        return false;
    }

    /** Round-off grows as the step shrinks; a small share of the gap covers it. */
    private static final double ROUNDOFF_SLACK = 1e-3;

    /**
     * The seed of input i's random draws (FAST directions, SAMPLED entries, the Taylor direction):
     * from the check's seed and the input's name, not its position, so a tensor checked alone (as
     * a reproduce hint does) draws what it drew beside others.
     */
    long inputSeed(int i) {
        return o.seed() * 0x9E3779B97F4A7C15L + 1_000_003L * names[i].hashCode();
    }

    // accessors for FastProbe
    CheckOptions options() {
        return o;
    }

    Tolerance tolerance() {
        return tol;
    }

    Precision precision() {
        return precision;
    }

    double[] gradOutput() {
        return currentU;
    }

    /** φ at {@code work}, which differs from the point in input i only: by the whole-input evaluator when there is one. */
    double phiMovedInput(double[][] work, int i) {
        return inputPerturbed != null ? Perturbation.phi(inputPerturbed, i, work[i], currentU) : phi(work, currentU);
    }
}

package dev.gradcheck.internal;

import dev.gradcheck.CheckOptions;
import dev.gradcheck.EntryResult;
import dev.gradcheck.Scheme;
import dev.gradcheck.Status;
import dev.gradcheck.Tolerance;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * FAST mode for one input: seeded random ±1 projections v compare vᵀ·g (analytic, free) with the
 * numeric directional derivative of φ along v∘s (s_j = max(1, |x_j|)). When a projection
 * disagrees, the wrong entries are localised by bisection: the block is halved, both halves are
 * probed with the same v, and the search descends into the halves that still disagree, so one
 * wrong entry among N costs about 2·log2(N) extra probes.
 */
final class FastProbe {
    /** The localised entries, compared one by one, and how many projections were evaluated. */
    static final class Result {
        final List<EntryResult> entries;
        final int probes;
        /** Non-null when a projection failed but no single entry could be blamed. */
        final String unlocalised;
        /** True when the only failing projections cross a kink along their direction (no evidence of a bug). */
        final boolean kink;

        Result(List<EntryResult> entries, int probes, String unlocalised, boolean kink) {
            this.entries = entries;
            this.probes = probes;
            this.unlocalised = unlocalised;
            this.kink = kink;
        }
    }

    /** An input's projections: their result, or what the function threw during them (then result is null). */
    record Outcome(Result result, UserCodeException error) {
    }

    /** Inputs up to this size are judged entry by entry when a projection fails but blames no entry. */
    static final int REJUDGE_MAX = 4096;

    private final EntryJudge judge;
    private final Phi phi;
    private final FiniteDifference fd;
    private final long seed;
    private final int input;
    private final String name;
    private final double[][] work;
    private final double[] x;
    private final double[] g;
    private final double phi0;
    private final CheckOptions o;
    private final Tolerance tol;
    private int probes;

    /**
     * @param point the point (not modified) and its gradients
     * @param judge judges the entries the projections blame
     * @param work a scratch point (its array of this input at least its own copy, see
     *     {@link MutationGuard#scratchFor}), equal to the point on entry and again on return
     * @param name the input's name (for the progress of {@link CheckOptions#monitor()})
     * @param seed the input's seed ({@link CheckedInputs#seed})
     */
    FastProbe(CheckOptions o, Point point, EntryJudge judge, int input, String name, double[][] work, long seed) {
        this.judge = judge;
        this.name = name;
        this.phi = point.phi();
        this.fd = point.fd();
        this.seed = seed;
        this.input = input;
        this.work = work;
        this.x = point.x()[input];
        this.g = point.gradients()[input];
        this.phi0 = point.phi0();
        this.o = o;
        this.tol = o.tolerance();
    }

    /**
     * One projection over the block [lo, hi), along {@code step} = v∘s (s_j =
     * {@link CheckOptions#stepScale}(x_j)): one array instead of v and s (v_j = ±1, so
     * g_j·step_j and t·step_j are the bits of g_j·v_j·s_j and t·v_j·s_j).
     */
    private final class Probe {
        final double analytic;
        final double numeric;
        final double allowed;
        final Line line;
        final Numeric estimate;

        Probe(double[] step, int lo, int hi) {
            probes++;
            double a = 0;
            for (int j = lo; j < hi; j++) {
                a += g[j] * step[j];
            }
            analytic = a;
            line = phi.inputLine(work, x, input, lo, hi, step);
            phi.prime(line, o.riddersStep());
            // the error model's estimate counts φ's own rounding noise, measured along the projection
            // (a sum of many entries can cancel far below Σ|u·f|: batch_norm's output sums to ~0)
            Numeric n = tol.needsEstimate() && o.scheme() == Scheme.CENTRAL ? fd.measured(line, o.eps())
                    : fd.derivative(line, o.scheme(), o.eps(), o.riddersStep(), tol.needsEstimate());
            estimate = n;
            numeric = n.value;
            allowed = tol.allowed(n.value, n.error);
        }

        boolean fails() {
            return !(Math.abs(analytic - numeric) <= allowed);
        }

        double ratio() {
            double d = Math.abs(analytic - numeric);
            return Double.isNaN(d) ? Double.POSITIVE_INFINITY : d / Math.max(allowed, Double.MIN_NORMAL);
        }
    }

    Result run() {
        int n = x.length;
        SplittableRandom rng = new SplittableRandom(Seeds.mix64(seed + 11));
        TreeSet<Integer> found = new TreeSet<>();
        List<Probe> failures = new ArrayList<>();
        for (int p = 0; p < o.probes() && found.size() < o.maxLocalised(); p++) {
            if (o.monitor().stopRequested()) {
                break; // stopped early: the projections made so far are the evidence
            }
            double[] v = steps(rng);
            Probe whole = new Probe(v, 0, n);
            if (whole.fails()) {
                failures.add(whole);
                localise(v, 0, n, found);
            }
            o.monitor().progress(name, p + 1, o.probes());
        }
        List<EntryResult> entries = new ArrayList<>();
        boolean anyFails = false;
        for (int j : found) {
            EntryResult e = judge.judge(input, j, work, g[j]);
            anyFails |= e.status() != Status.PASS;
            entries.add(e);
        }
        if (!failures.isEmpty() && !anyFails && n <= REJUDGE_MAX) {
            // a projection failed but blamed no entry: every entry is judged on its own before the
            // projection's word is taken (a sum of many entries' noise is no bug)
            for (int j = 0; j < n; j++) {
                if (!found.contains(j)) {
                    EntryResult e = judge.judge(input, j, work, g[j]);
                    anyFails |= e.status() == Status.FAIL;
                    entries.add(e);
                }
            }
            entries.sort((p, q) -> java.util.Arrays.compare(p.index(), q.index())); // row-major order
            if (!anyFails) {
                return new Result(entries, probes, null, false);
            }
        }
        String note = null;
        boolean kink = false;
        if (!failures.isEmpty() && !anyFails && failures.stream().allMatch(this::crossesKink)) {
            // every entry blamed passes or sits at a kink, and each failing projection crosses a
            // kink along its own direction (a step straddling several entries' kinks): no bug shown
            kink = true;
        } else if (!failures.isEmpty() && !anyFails) {
            Probe firstFailure = failures.get(0);
            note = String.format(Locale.ROOT, "a random projection disagrees (analytic %s, numeric %s, allowed %.3g) "
                    + "but no single entry could be blamed: many small errors, or a tolerance too tight for a sum of "
                    + "%d entries", firstFailure.analytic, firstFailure.numeric, firstFailure.allowed, n);
        }
        return new Result(entries, probes, note, kink);
    }

    /** The steps v∘s of one projection: v random ±1, 64 from each draw of the generator. */
    private double[] steps(SplittableRandom rng) {
        double[] step = new double[x.length];
        for (int j = 0; j < step.length; j += 64) {
            long bits = rng.nextLong();
            for (int b = 0; b < 64 && j + b < step.length; b++) {
                step[j + b] = (1.0 - 2.0 * (bits >>> b & 1)) * o.stepScale(x[j + b]);
            }
        }
        return step;
    }

    /**
     * Whether a failing projection is explained by kinks along its direction (its step straddling
     * several entries' kinks, which no single-entry comparison sees): as the step shrinks fourfold
     * (up to three times), either the central difference comes to agree with the analytic value
     * (the kinks within the step dropped out), or a jump persists between the one-sided
     * differences, unchanged from one step to the next, with the analytic value between them (a
     * kink right at the point, the analytic value a valid subgradient). A smooth wrong projection
     * does neither.
     */
    private boolean crossesKink(Probe p) {
        if (!Double.isFinite(p.numeric) || !Double.isFinite(p.analytic)) {
            return false;
        }
        double hp = p.estimate.hPlus;
        double hm = p.estimate.hMinus;
        double prevL = Double.NaN;
        double prevR = Double.NaN;
        for (int level = 0; level <= 3; level++) {
            if (level > 0) {
                hp = p.line.snap(hp / 4);
                hm = -p.line.snap(-hm / 4);
            }
            if (!(hp > 0) || !(hm > 0)) {
                return false;
            }
            double l = (phi0 - p.line.at(-hm)) / hm;
            double r = (p.line.at(hp) - phi0) / hp;
            double ck = (hm * l + hp * r) / (hp + hm);
            // round-off of the differences grows as the step shrinks
            double noise = 8 * fd.unitRoundoff() * FiniteDifference.scaleOf(p.line, fd) / Math.min(hp, hm);
            double allowed = tol.allowed(ck, p.estimate.error) + noise;
            if (level > 0 && Math.abs(p.analytic - ck) <= allowed) {
                return true;
            }
            double gap = Math.abs(r - l);
            boolean between = gap > allowed && p.analytic >= Math.min(l, r) - allowed
                    && p.analytic <= Math.max(l, r) + allowed;
            if (between && level > 0 && Math.abs(l - prevL) <= 0.25 * gap && Math.abs(r - prevR) <= 0.25 * gap) {
                return true;
            }
            prevL = l;
            prevR = r;
        }
        return false;
    }

    private void localise(double[] v, int lo, int hi, TreeSet<Integer> found) {
        if (found.size() >= o.maxLocalised()) {
            return;
        }
        if (hi - lo == 1) {
            found.add(lo);
            return;
        }
        int mid = (lo + hi) >>> 1;
        Probe left = new Probe(v, lo, mid);
        Probe right = new Probe(v, mid, hi);
        if (left.fails()) {
            localise(v, lo, mid, found);
        }
        if (right.fails()) {
            localise(v, mid, hi, found);
        }
        if (!left.fails() && !right.fails()) {
            // the parent disagreed by a hair: follow the half closer to failing
            if (left.ratio() >= right.ratio()) {
                localise(v, lo, mid, found);
            } else {
                localise(v, mid, hi, found);
            }
        }
    }
}

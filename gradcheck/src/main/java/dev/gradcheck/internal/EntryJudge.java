package dev.gradcheck.internal;

import dev.gradcheck.CheckOptions;
import dev.gradcheck.EntryResult;
import dev.gradcheck.Precision;
import dev.gradcheck.Scheme;
import dev.gradcheck.Status;
import dev.gradcheck.Tolerance;

/**
 * Judges one entry: measures the numeric derivative of φ along the entry by the chosen scheme,
 * compares it with the analytic value and decides the entry's status (pass, fail, kink, or
 * skipped when the estimate never settles). The one place an entry's verdict is made; FULL and
 * SAMPLED mode call it for every entry compared, FAST mode for the entries its projections blame.
 */
final class EntryJudge {
    /**
     * An entry passes only when its numeric estimate's error is at most this share of its value
     * (max(|analytic|, |numeric|)): then a 10% error there would not pass unseen. Otherwise it is
     * skipped for low resolution, never passed.
     */
    static final double RESOLVES = 0.01;

    /** The reason given to an entry skipped for low resolution (the start of {@link EntryResult#reason()}). */
    static final String LOW_RESOLUTION = "low resolution";

    /** The first steps (divisors of the accepted one) of the tableaux that confirm a failing entry. */
    private static final double[] CONFIRM = {3.7, 13.1};

    private final CheckOptions o;
    private final Tolerance tol;
    private final Precision precision;
    private final CheckedInputs inputs;
    private final Point point;

    EntryJudge(CheckOptions o, CheckedInputs inputs, Point point) {
        this.o = o;
        this.tol = o.tolerance();
        this.precision = o.precision();
        this.inputs = inputs;
        this.point = point;
    }

    /** A judge of lines other than an input entry's ({@link #judgeLine}), e.g. the forward-mode check's. */
    EntryJudge(CheckOptions o) {
        this(o, null, null);
    }

    /**
     * Entry j of input i, whose analytic derivative is {@code analytic}, measured on {@code work}
     * (a scratch point equal to the point; the entry is put back after each evaluation).
     */
    EntryResult judge(int i, int j, double[][] work, double analytic) {
        double x0 = work[i][j];
        Line line = point.phi().entryLine(work, i, j);
        point.phi().prime(line, o.riddersStep() * o.stepScale(x0));
        return judgeLine(line, point.fd(), point.phi0(), analytic, o.stepScale(x0), point.gradMax()[i],
                Indexing.unravel(j, inputs.shape(i)));
    }

    /**
     * Any line's derivative at 0 against {@code analytic}, by the same schemes, tolerance and
     * verdicts as an input entry's.
     *
     * @param fd the finite differences, with the round-off scale of the line's φ
     * @param phi0 φ at the point (the line at 0)
     * @param stepScale the line's step scale (an entry's max(1, |x|)): steps are eps·stepScale
     * @param gradMax the typical size of the derivatives this one is compared among
     * @param index where the entry is, for the report
     */
    EntryResult judgeLine(Line line, FiniteDifference fd, double phi0, double analytic, double stepScale,
            double gradMax, int[] index) {
        double h = o.eps() * stepScale;
        double rh = o.riddersStep() * stepScale;
        if (adaptive()) {
            return judgeAdaptive(fd, phi0, gradMax, index, line, analytic, h, rh, stepScale);
        }
        return judgeFixed(fd, phi0, index, line, analytic, h, rh, stepScale);
    }

    /** True when entries are measured by {@link FiniteDifference#adaptive} (the float64 default). */
    private boolean adaptive() {
        return o.adaptive() && o.scheme() == Scheme.RIDDERS && tol.needsEstimate();
    }

    /** The scheme the options name, at the steps they give. */
    private EntryResult judgeFixed(FiniteDifference fd, double phi0, int[] index, Line line, double analytic, double h,
            double rh, double stepScale) {
        Numeric num = fd.derivative(line, o.scheme(), h, rh, tol.needsEstimate());
        double allowed = tol.allowed(num.value, num.error);
        double diff = Math.abs(analytic - num.value);
        if (!(diff <= allowed) && o.scheme() != Scheme.CENTRAL) {
            // Ridders' and the five-point stencil's larger steps can straddle a kink near the
            // point. A small-step central difference re-measures: when it agrees with the
            // analytic value, or disagrees with the larger-step value beyond its own tolerance,
            // the larger steps were not measuring this point's derivative and it decides
            double hc = precision.defaultEps() * stepScale;
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
        if (st == Status.FAIL && Double.isFinite(analytic) && Double.isFinite(num.value)
                && KinkTest.atKink(fd, tol, line, num, phi0, analytic, allowed)) {
            st = Status.KINK;
        }
        return verdict(index, analytic, num, allowed, kinkOverCoarsePass(fd, line, phi0, analytic, num, allowed, st));
    }

    /**
     * The default path: adaptive Ridders with the error-model tolerance. An estimate that never
     * settles makes the entry a kink (one-sided differences disagree, the analytic value between
     * them) or {@code skipped} (the point is then re-drawn nearby). A failing
     * settled estimate is confirmed by a second tableau from another initial step: when the two
     * disagree beyond their own errors the estimate is not trusted ({@code skipped}, and the
     * point is re-drawn); otherwise the more cautious of the two decides.
     */
    private EntryResult judgeAdaptive(FiniteDifference fd, double phi0, double gradMax, int[] index, Line line,
            double analytic, double h, double rh, double stepScale) {
        double scale = Math.max(gradMax, 1e-3 * fd.phiScale() / stepScale);
        Numeric num = fd.adaptive(line, h, rh, scale);
        double hc = precision.defaultEps() * stepScale;
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
            double noise = 4 * fd.unitRoundoff() * FiniteDifference.scaleOf(line, fd) / Math.min(num.hPlus, num.hMinus);
            if (Math.abs(lr[0] - analytic) <= allowed + noise && Math.abs(lr[1] - analytic) <= allowed + noise) {
                double value = (num.hMinus * lr[0] + num.hPlus * lr[1]) / (num.hPlus + num.hMinus);
                num = new Numeric(value, Math.max(Math.abs(lr[1] - lr[0]), noise), Double.NaN, Double.NaN, num.hPlus,
                        num.hMinus);
                allowed = tol.allowed(num.value, num.error);
                diff = Math.abs(analytic - num.value);
            }
        }
        Numeric finer = diff <= allowed && settled || !Double.isFinite(analytic) || !Double.isFinite(num.value)
                || !(num.hPlus > 0) || !(num.hMinus > 0) ? null
                : KinkTest.smoothAtFinerSteps(fd, tol, line, num, phi0, analytic, settled);
        if (finer != null) {
            num = finer;
            allowed = tol.allowed(num.value, num.error);
            diff = Math.abs(analytic - num.value);
            settled = true;
        }
        Status st;
        if (diff <= allowed && settled) {
            st = Status.PASS;
        } else if (Double.isFinite(analytic) && Double.isFinite(num.value)
                && KinkTest.atKink(fd, tol, line, num, phi0, analytic, allowed)) {
            st = Status.KINK;
        } else if (settled || !Double.isFinite(analytic) || !Double.isFinite(num.value)) {
            st = Status.FAIL;
        } else {
            st = Status.SKIPPED;
        }
        return verdict(index, analytic, num, allowed, kinkOverCoarsePass(fd, line, phi0, analytic, num, allowed, st));
    }

    /**
     * A pass whose estimate is too coarse to resolve the value ({@link #lowResolution}) is a kink
     * when the kink test says the point sits at one: a kink within a step of the point blurs the
     * estimate (it straddles the kink), and "kink" says why, where "low resolution" would not.
     */
    private Status kinkOverCoarsePass(FiniteDifference fd, Line line, double phi0, double analytic, Numeric num,
            double allowed, Status st) {
        if (st == Status.PASS && lowResolution(analytic, num, allowed) && Double.isFinite(analytic)
                && Double.isFinite(num.value) && KinkTest.atKink(fd, tol, line, num, phi0, analytic, allowed)) {
            return Status.KINK;
        }
        return st;
    }

    /**
     * The entry's result; a pass whose estimate cannot resolve the value (its error above
     * {@link #RESOLVES} of it, and above the tolerance's absolute floor once multiplied by the
     * safety factor) is skipped for low resolution instead, with the reason, unless the entry is
     * zero at the check's resolution: both values within the tolerance and the analytic one below
     * {@link #RESOLVES} of it (a gradient of 0 is right to within ± the tolerance, and no factor
     * can hide in it).
     */
    private EntryResult verdict(int[] index, double analytic, Numeric num, double allowed, Status st) {
        if (st == Status.FAIL && Double.isInfinite(analytic) && analytic == num.value) {
            // the derivative overflows and both sides say so: nothing to compare, nothing wrong
            return entry(index, analytic, num, allowed, Status.SKIPPED).withReason(
                    "not finite: analytic and numeric are both " + analytic + " (the derivative overflows here)");
        }
        if (st == Status.PASS && lowResolution(analytic, num, allowed)) {
            double value = Math.max(Math.abs(analytic), Math.abs(num.value));
            return entry(index, analytic, num, allowed, Status.SKIPPED).withReason(
                    String.format(java.util.Locale.ROOT, "%s: the numeric derivative's error estimate %.3g is over %.0f%% of"
                            + " the value %.3g", LOW_RESOLUTION, num.error, 100 * RESOLVES, value));
        }
        return entry(index, analytic, num, allowed, st);
    }

    /** The entry, its relative error floored by the tolerance's absolute part (see {@link EntryResult#floor()}). */
    private EntryResult entry(int[] index, double analytic, Numeric num, double allowed, Status st) {
        return new EntryResult(index, analytic, num.value, allowed, num.error, st).withFloor(tol.allowed(0, num.error));
    }

    /** True when the estimate cannot resolve the value: see {@link #verdict}. */
    private boolean lowResolution(double analytic, Numeric num, double allowed) {
        double value = Math.max(Math.abs(analytic), Math.abs(num.value));
        boolean zero = value <= allowed && Math.abs(analytic) <= RESOLVES * allowed;
        // under the tolerance's absolute floor the entry is judged to that floor, as documented,
        // whatever its estimate: only an estimate whose own error sets the tolerance can be too coarse
        boolean estimateBound = tol.safety() * num.error > tol.atol();
        return num.error > RESOLVES * value && estimateBound && !zero;
    }
}

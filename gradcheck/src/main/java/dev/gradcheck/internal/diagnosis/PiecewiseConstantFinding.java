package dev.gradcheck.internal.diagnosis;

import dev.gradcheck.Status;
import java.util.Locale;

/**
 * The numeric derivative is zero on every entry (exactly, on most of them: moving the entry does not
 * change the output) while the analytic one is not: the forward is piecewise constant (round, floor,
 * sign, a comparison), so its true gradient is 0 almost everywhere; unless the forward is known to
 * vary where the input is smaller (an elementwise forward probed at the entries scaled to |x|~1):
 * then it is only flat here, saturated (tanh, sigmoid at |x|~100), and said so ({@link #SATURATED}).
 */
final class PiecewiseConstantFinding implements Finding {
    static final String KIND = "piecewise_constant";
    /** The finding kind of a forward that is flat at this point's magnitude but varies at |x|~1. */
    static final String SATURATED = "saturated";

    @Override
    public Diagnosis test(Evidence e) {
        String zero = zeroEverywhere(e);
        if (zero == null) {
            return null;
        }
        double scale = scale(e);
        if (variesAtUnitScale(e, scale)) {
            return saturated(zero, magnitude(scale), "1");
        }
        String name = e.own() == null ? "the input" : e.own().name();
        return Diagnosis.of(KIND, zero + ": the forward is piecewise constant in " + name + " (e.g. round, floor, sign"
                + " or a comparison), its true gradient is 0 almost everywhere; a non-zero backward is a deliberate"
                + " surrogate (straight-through) at best");
    }

    /**
     * "numeric derivative is zero on every entry (analytic is not, on 4 of 4)" when the evidence
     * shows it (every judged numeric value 0 within its tolerance, exactly 0 on at least half, a
     * wrong analytic one not), else null.
     */
    static String zeroEverywhere(Evidence e) {
        int m = e.size();
        int exact = 0;
        int judged = 0;
        int nonZeroWrong = 0;
        for (int k = 0; k < m; k++) {
            if (e.entries.get(k).status() == Status.KINK) {
                continue; // a step straddling a jump: no evidence either way
            }
            judged++;
            if (!(Math.abs(e.n[k]) <= e.t[k])) {
                return null;
            }
            exact += e.n[k] == 0 ? 1 : 0;
            nonZeroWrong += e.wrong[k] && e.a[k] != 0 && Double.isFinite(e.a[k]) ? 1 : 0;
        }
        if (judged == 0 || nonZeroWrong == 0 || exact * 2 < judged) {
            return null;
        }
        return "numeric derivative is zero" + e.every + " (analytic is not, on " + nonZeroWrong + " of " + judged + ")";
    }

    /** "…: the forward is flat here (saturated at |x|~100, while it varies at |x|~1): …". */
    static Diagnosis saturated(String zero, String here, String varies) {
        return Diagnosis.of(SATURATED, zero + ": the forward is flat here (saturated at |x|~" + here + ", while it varies"
                + " at |x|~" + varies + "): its true derivative is 0 within rounding, while the analytic is not (a"
                + " derivative formula that does not saturate with the forward, e.g. written in terms of the input"
                + " where the output was meant?)");
    }

    /** The root mean square of the input's own values at the entries (the draw's |x|), or NaN when they are not known. */
    static double scale(Evidence e) {
        if (e == null || e.own() == null || e.own().values().length == 0) {
            return Double.NaN;
        }
        double s = 0;
        for (double v : e.own().values()) {
            s += v * v;
        }
        return Math.sqrt(s / e.own().values().length);
    }

    /** "100" for 73 or 140: the power of ten nearest the scale (on a log scale). */
    static String magnitude(double scale) {
        double p = Math.pow(10, Math.rint(Math.log10(Math.max(scale, 1e-300))));
        return p >= 1 ? String.format(Locale.ROOT, "%.0f", p) : String.format(Locale.ROOT, "%.0e", p);
    }

    /**
     * Whether an elementwise forward, probed with every entry of the input scaled down to |x|~1, has
     * a non-zero derivative on at least half of the entries: it varies there, so it is not piecewise
     * constant. False when the point is already at |x|~1 (nothing smaller to probe) or no probe is known.
     */
    private static boolean variesAtUnitScale(Evidence e, double scale) {
        if (e.probe == null || !(scale > 3)) {
            return false;
        }
        double[] z = e.probe.point();
        for (int j = 0; j < z.length; j++) {
            z[j] /= scale;
        }
        // elementwise tested there too: where the forward is flat, moving an entry moves nothing
        ElementwiseProbe there = e.probe.around(z);
        if (there == null || !there.elementwise()) {
            return false;
        }
        double[] d = there.derivativeAt(z);
        int varies = 0;
        for (double v : d) {
            varies += Double.isFinite(v) && v != 0 ? 1 : 0;
        }
        return d.length > 0 && varies * 2 >= d.length;
    }
}

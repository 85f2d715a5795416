package dev.gradcheck.internal.diagnosis;

import java.util.ArrayList;
import java.util.List;

/**
 * A half-line of one variable that holds exactly a set of entries: "input0 &lt; 0", "input0 &gt; 20",
 * "|input1| &gt; 1". {@link #find} looks for one that separates the target entries (e.g. the wrong
 * ones) from the others, on a threshold of few digits (0 first) inside the gap between them, and
 * only when a separation that clean is unlikely by chance: at most 1% over every variable and
 * direction tried (over the signed variables only for a threshold of 0, which is fixed in
 * advance), counting the ways to pick that many entries out of those compared.
 *
 * @param variable the variable's name as printed ({@code input0}, {@code |input0|})
 * @param above true for "variable &gt; threshold" (or ≥), false for "&lt;" (or ≤)
 * @param inclusive true when the threshold itself belongs to the region (≥, ≤)
 * @param threshold the bound
 * @param targets how many target entries there are (all inside)
 * @param others how many other entries there are (none inside)
 * @param values the variable at every entry of the evidence
 * @param gapLow the largest value below the threshold (NaN when no other round threshold fits)
 * @param gapHigh the smallest value above it (NaN likewise)
 * @param also another variable's region that separates the same entries, when one of the two is a
 *     difference of inputs (the data cannot tell which the code branches on), or null
 */
record Region(String variable, boolean above, boolean inclusive, double threshold, int targets, int others,
        double[] values, double gapLow, double gapHigh, String also) {
    /** Chance separations tolerated, over all variables and directions tried. */
    private static final double CHANCE = 0.01;

    /** "input0 < 0". */
    String where() {
        return variable + (above ? (inclusive ? " ≥ " : " > ") : (inclusive ? " ≤ " : " < ")) + Wording.plain(threshold);
    }

    /**
     * ", no entry between 19.6 and 31.2: any threshold there fits" when another threshold as round
     * as this one lies in the same gap (20 and 30), so the data cannot tell which; else "".
     */
    String gapNote() {
        String gap = Double.isNaN(gapLow) ? "" : "; no entry between " + Wording.num(gapLow) + " and "
                + Wording.num(gapHigh) + ": any threshold there fits";
        return also == null ? gap : gap + "; " + also + " separates them as well";
    }

    boolean contains(double v) {
        return above ? (inclusive ? v >= threshold : v > threshold) : (inclusive ? v <= threshold : v < threshold);
    }

    /** Which entries of the evidence lie in the region. */
    boolean[] mask() {
        boolean[] m = new boolean[values.length];
        for (int k = 0; k < m.length; k++) {
            m[k] = contains(values[k]);
        }
        return m;
    }

    /**
     * A region holding every target entry and no other entry (entries in neither set are free), or
     * null. Variables: each known input value at the entries, then its absolute value, then the
     * input's value minus each other input's ({@link Evidence#differences}) and its absolute value. Two targets
     * and three others at least: two others at the end of an order are too often chance (a bug wrong
     * by noise, right on two entries that happen to hold the largest values).
     */
    static Region find(Evidence e, boolean[] target, boolean[] other) {
        return find(e, target, other, true);
    }

    /**
     * As {@link #find(Evidence, boolean[], boolean[])}; {@code fading} false skips the test that
     * the targets' error does not fade towards the threshold (for targets that are not wrong
     * entries, e.g. the entries where a derivative takes one of two values).
     */
    static Region find(Evidence e, boolean[] target, boolean[] other, boolean fading) {
        int nt = 0;
        int no = 0;
        for (int k = 0; k < target.length; k++) {
            nt += target[k] ? 1 : 0;
            no += other[k] ? 1 : 0;
        }
        if (nt < 2 || no < 3 || e.variables.isEmpty()) {
            return null;
        }
        List<Evidence.Variable> vars = new ArrayList<>();
        for (Evidence.Variable v : e.variables) {
            vars.add(v);
            double[] abs = new double[v.values().length];
            for (int k = 0; k < abs.length; k++) {
                abs[k] = Math.abs(v.values()[k]);
            }
            vars.add(new Evidence.Variable("|" + v.name() + "|", abs, false));
        }
        // then the input minus each other input of its shape, signed and absolute (a piecewise loss
        // of prediction − target branches on |x − y|), after the inputs' own values, which win a tie
        List<Evidence.Variable> differences = e.differences();
        vars.addAll(differences);
        long signed = e.variables.size() + differences.stream().filter(Evidence.Variable::signed).count();
        // the chance that a split this clean appears at random: for a threshold of 0 on a signed
        // variable (fixed in advance), one set per such variable; for a threshold read from the
        // data, either end of every variable's order
        double logWays = logChoose(nt + no, nt);
        boolean atZero = Math.log(signed / CHANCE) <= logWays;
        boolean anywhere = Math.log(2.0 * vars.size() / CHANCE) <= logWays;
        Region best = null;
        List<Region> likely = new ArrayList<>();
        for (Evidence.Variable v : vars) {
            Region r = separate(v, target, other, nt, no);
            if (r != null && (anywhere || atZero && rank(r) == 0) && !(fading && fades(e, r, target))) {
                likely.add(r);
                best = best == null || rank(r) < rank(best) ? r : best;
            }
        }
        return best == null ? null : withAlso(best, likely, differences);
    }

    /**
     * {@code best}, naming another region as likely (same rank) when one of the two is on a
     * difference of inputs: an input's own values and its difference with another can both
     * separate a few entries, and then the data do not say which the code branches on.
     */
    private static Region withAlso(Region best, List<Region> likely, List<Evidence.Variable> differences) {
        List<String> diffNames = differences.stream().map(Evidence.Variable::name).toList();
        for (Region r : likely) {
            if (r != best && rank(r) == rank(best)
                    && (diffNames.contains(r.variable) || diffNames.contains(best.variable))) {
                return new Region(best.variable, best.above, best.inclusive, best.threshold, best.targets, best.others,
                        best.values, best.gapLow, best.gapHigh, r.where());
            }
        }
        return best;
    }

    /**
     * True when the error fades towards the threshold: the target entries nearest it (a fifth, at
     * least two) are wrong by less than a fifth of the targets' typical relative error. A smooth
     * error that vanishes at a point (1 − x² for 1 − tanh² x near 0) leaves the entries near that
     * point right by tolerance, which is no branch; a wrong branch is as wrong at its edge as inside.
     */
    private static boolean fades(Evidence e, Region r, boolean[] target) {
        List<double[]> t = new ArrayList<>(); // {distance to the threshold, relative error}
        for (int k = 0; k < target.length; k++) {
            if (target[k]) {
                double d = Math.abs(e.a[k] - e.n[k]);
                double scale = Math.max(Math.max(Math.abs(e.a[k]), Math.abs(e.n[k])), e.t[k]);
                double rel = Double.isFinite(d) ? d / Math.max(scale, Double.MIN_NORMAL) : Double.POSITIVE_INFINITY;
                t.add(new double[] {Math.abs(r.values[k] - r.threshold), rel});
            }
        }
        t.sort((p, q) -> Double.compare(p[0], q[0]));
        int near = Math.max(2, (int) Math.ceil(0.2 * t.size()));
        double[] all = new double[t.size()];
        double[] nearest = new double[Math.min(near, t.size())];
        for (int k = 0; k < all.length; k++) {
            all[k] = t.get(k)[1];
            if (k < nearest.length) {
                nearest[k] = t.get(k)[1];
            }
        }
        return FactorFinding.median(nearest) < 0.2 * FactorFinding.median(all);
    }

    /** Prefer a threshold of 0 on a signed variable, then the input's own variables (listed first). */
    private static int rank(Region r) {
        return r.threshold == 0 && !r.variable.startsWith("|") ? 0 : 1;
    }

    private static Region separate(Evidence.Variable v, boolean[] target, boolean[] other, int nt, int no) {
        double tMin = Double.POSITIVE_INFINITY;
        double tMax = Double.NEGATIVE_INFINITY;
        double oMin = Double.POSITIVE_INFINITY;
        double oMax = Double.NEGATIVE_INFINITY;
        double[] w = v.values();
        for (int k = 0; k < w.length; k++) {
            if (!Double.isFinite(w[k]) && (target[k] || other[k])) {
                return null;
            }
            if (target[k]) {
                tMin = Math.min(tMin, w[k]);
                tMax = Math.max(tMax, w[k]);
            } else if (other[k]) {
                oMin = Math.min(oMin, w[k]);
                oMax = Math.max(oMax, w[k]);
            }
        }
        if (tMax < oMin) {
            return below(v, tMax, oMin, nt, no);
        }
        if (tMin > oMax) {
            return above(v, oMax, tMin, nt, no);
        }
        return null;
    }

    /** Targets at or below {@code tMax}, others at or above {@code oMin}. */
    private static Region below(Evidence.Variable v, double tMax, double oMin, int nt, int no) {
        if (tMax < 0 && oMin >= 0) {
            return atZero(v, false, false, nt, no);
        }
        if (tMax <= 0 && oMin > 0) {
            return atZero(v, false, true, nt, no);
        }
        return read(v, false, tMax, oMin, nt, no);
    }

    private static Region above(Evidence.Variable v, double oMax, double tMin, int nt, int no) {
        if (tMin > 0 && oMax <= 0) {
            return atZero(v, true, false, nt, no);
        }
        if (tMin >= 0 && oMax < 0) {
            return atZero(v, true, true, nt, no);
        }
        return read(v, true, oMax, tMin, nt, no);
    }

    /** The threshold 0, fixed in advance: no gap to report. */
    private static Region atZero(Evidence.Variable v, boolean above, boolean inclusive, int nt, int no) {
        return new Region(v.name(), above, inclusive, 0, nt, no, v.values(), Double.NaN, Double.NaN, null);
    }

    /**
     * A threshold read from the data in the gap (lo, hi), lo and hi of one sign: the number with the
     * fewest significant digits inside (the multiple nearest the gap's middle when several are as
     * round, and then the gap is kept for the wording), or the middle when none is rounder.
     */
    static Region read(Evidence.Variable v, boolean above, double lo, double hi, int nt, int no) {
        double step = niceStep(lo, hi);
        if (!(step > 0)) {
            return new Region(v.name(), above, false, 0.5 * (lo + hi), nt, no, v.values(), Double.NaN, Double.NaN, null);
        }
        boolean several = Math.floor(lo / step) + 2 < hi / step;
        return new Region(v.name(), above, false, nearestMultiple(lo, hi, step), nt, no, v.values(),
                several ? lo : Double.NaN, several ? hi : Double.NaN, null);
    }

    /** Among the multiples of {@code step} inside (lo, hi), the one nearest the gap's middle. */
    private static double nearestMultiple(double lo, double hi, double step) {
        double c = (Math.floor(lo / step) + 1) * step;
        double mid = 0.5 * (lo + hi);
        double best = c;
        for (double d = c; d < hi; d += step) {
            if (Math.abs(d - mid) < Math.abs(best - mid)) {
                best = d;
            }
            if (d - c > 20 * step) {
                break;
            }
        }
        return best;
    }

    /**
     * The largest power of ten, or half of one, with a multiple strictly between lo and hi (lo and
     * hi of one sign); NaN when none is coarser than the numbers' own rounding.
     */
    static double niceStep(double lo, double hi) {
        double big = Math.max(Math.abs(lo), Math.abs(hi));
        for (double p = Math.pow(10, Math.ceil(Math.log10(big))); p > 0 && p >= Math.ulp(big) * 4; p /= 10) {
            for (double step : new double[] {p, p / 2}) {
                double c = (Math.floor(lo / step) + 1) * step;
                if (c > lo && c < hi) {
                    return step;
                }
            }
        }
        return Double.NaN;
    }

    /** log C(n, k). */
    static double logChoose(int n, int k) {
        double s = 0;
        for (int i = 1; i <= k; i++) {
            s += Math.log(n - k + i) - Math.log(i);
        }
        return s;
    }
}

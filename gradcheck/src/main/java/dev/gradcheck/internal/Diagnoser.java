package dev.gradcheck.internal;

import dev.gradcheck.EntryResult;
import dev.gradcheck.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Names the cause of a failed gradient when the evidence supports it. Patterns, in order: NaN/Inf;
 * zero everywhere; one factor c on every entry (sign flip for c = −1); the transpose of the
 * numeric gradient; a shift by one position; a single wrong entry; wrong only in one row, column
 * or slice; zero on some entries. Returns null when no pattern fits.
 *
 * <p>Patterns that need the whole gradient (transpose, shift, slice) are tried only when every
 * entry was compared ({@code full}).
 */
public final class Diagnoser {
    private Diagnoser() {
    }

    /** Which entries were compared, for honest wording. */
    public enum Scope {
        /** Every entry, in flat order. */
        FULL(" on every entry", ""),
        /** A random sample of entries. */
        SAMPLED(" on every sampled entry", " among the sampled entries"),
        /** The entries FAST mode localised by bisection. */
        LOCALISED(" on every localised entry", " (localised by bisection)");

        final String every;
        final String only;

        Scope(String every, String only) {
            this.every = every;
            this.only = only;
        }
    }

    public static String diagnose(int[] shape, List<EntryResult> entries, Scope scope) {
        boolean full = scope == Scope.FULL;
        int m = entries.size();
        double[] a = new double[m];
        double[] n = new double[m];
        double[] t = new double[m];
        List<Integer> failing = new ArrayList<>();
        for (int k = 0; k < m; k++) {
            EntryResult e = entries.get(k);
            a[k] = e.analytic();
            n[k] = e.numeric();
            t[k] = e.tolerance();
            if (e.status() == Status.FAIL) {
                failing.add(k);
            }
        }
        if (failing.isEmpty()) {
            return null;
        }
        String s = nonFinite(entries, failing);
        if (s == null && full) {
            s = zeroEverywhere(a, n, t);
        }
        if (s == null) {
            s = factor(a, n, t, scope);
        }
        if (s == null && full) {
            s = transposed(shape, a, n, t);
        }
        if (s == null && full) {
            s = shifted(shape, a, n, t, failing.size());
        }
        if (s == null && failing.size() == 1) {
            EntryResult e = entries.get(failing.get(0));
            s = "only entry " + Indexing.format(e.index()) + " is wrong" + scope.only
                    + (e.analytic() == 0 ? " (analytic is 0 there)" : "");
        }
        if (s == null && full && failing.size() < m) {
            s = slice(shape, entries, failing);
        }
        if (s == null) {
            s = zeroSome(entries, failing);
        }
        return s;
    }

    private static String nonFinite(List<EntryResult> entries, List<Integer> failing) {
        for (boolean analyticSide : new boolean[] {true, false}) {
            int count = 0;
            EntryResult first = null;
            for (int k : failing) {
                EntryResult e = entries.get(k);
                double v = analyticSide ? e.analytic() : e.numeric();
                if (!Double.isFinite(v)) {
                    count++;
                    if (first == null) {
                        first = e;
                    }
                }
            }
            if (first != null) {
                double v = analyticSide ? first.analytic() : first.numeric();
                return analyticSide
                        ? "analytic gradient is " + v + " at " + Indexing.format(first.index())
                                + (count > 1 ? " and " + (count - 1) + " more entries" : "")
                        : "numeric derivative is " + v + " at " + Indexing.format(first.index())
                                + (count > 1 ? " and " + (count - 1) + " more entries" : "")
                                + ": the forward is not finite near the point";
            }
        }
        return null;
    }

    private static boolean significant(double n, double t) {
        return Math.abs(n) > t;
    }

    private static String zeroEverywhere(double[] a, double[] n, double[] t) {
        boolean anyNumeric = false;
        for (int k = 0; k < a.length; k++) {
            if (a[k] != 0) {
                return null;
            }
            anyNumeric |= significant(n[k], t[k]);
        }
        return anyNumeric ? "analytic gradient is zero on every entry where numeric is not: the input is not "
                + "connected to the output in backward (or its gradient is overwritten instead of accumulated)" : null;
    }

    private static String factor(double[] a, double[] n, double[] t, Scope scope) {
        double an = 0;
        double nn = 0;
        int sig = 0;
        for (int k = 0; k < a.length; k++) {
            if (significant(n[k], t[k])) {
                an += a[k] * n[k];
                nn += n[k] * n[k];
                sig++;
            }
        }
        if (sig == 0 || nn == 0) {
            return null;
        }
        double c = an / nn;
        if (!Double.isFinite(c) || Math.abs(c) < 1e-6 || Math.abs(c - 1) < 1e-6) {
            return null;
        }
        for (int k = 0; k < a.length; k++) {
            if (!(Math.abs(a[k] - c * n[k]) <= t[k] * Math.max(1, Math.abs(c)) + 1e-6 * Math.abs(c * n[k]))) {
                return null;
            }
        }
        // how precisely c is known: the entries' relative tolerance (float32 checks are coarser)
        double relTol = 1e-6;
        for (int k = 0; k < a.length; k++) {
            if (significant(n[k], t[k])) {
                relTol = Math.max(relTol, t[k] / Math.abs(n[k]));
            }
        }
        relTol = Math.min(relTol, 1e-2);
        double rc = Math.rint(c);
        boolean integral = Math.abs(c - rc) <= relTol * Math.abs(c);
        double inv = 1 / c;
        boolean inverseIntegral = Math.abs(inv - Math.rint(inv)) <= relTol * Math.abs(inv);
        if (sig < 2 && !integral && !inverseIntegral) {
            return null; // one number gives no evidence of a pattern
        }
        String every = sig < 2 ? "" : scope.every;
        if (integral && rc == -1) {
            return "sign flipped: analytic = -numeric" + every;
        }
        String cs = integral ? String.format(Locale.ROOT, "%.1f", rc) : inverseIntegral ? fmt(1 / Math.rint(inv)) : fmt(c);
        if (integral && rc < 0) {
            return "sign flipped and scaled: analytic = " + cs + " x numeric" + every + ": a flipped sign and an extra factor of "
                    + (long) -rc;
        }
        if (integral) {
            return "analytic = " + cs + " x numeric" + every + ": an extra factor of " + (long) rc
                    + " (e.g. a sum instead of a mean over a batch of " + (long) rc + ", or a doubled term)";
        }
        if (inverseIntegral) {
            long k = (long) Math.rint(inv);
            return "analytic = " + cs + " x numeric" + every + ": a missing factor of " + Math.abs(k)
                    + (k < 0 ? " and a flipped sign" : "") + " (e.g. divided by the batch size " + Math.abs(k)
                    + " once too often, or a forgotten factor)";
        }
        return "analytic = " + cs + " x numeric" + every + ": a wrong constant factor";
    }

    private static String fmt(double c) {
        double r = Math.rint(c);
        if (Math.abs(c - r) <= 1e-6 * Math.abs(c)) {
            return String.format(Locale.ROOT, "%.1f", r);
        }
        return new java.math.BigDecimal(c).round(new java.math.MathContext(4)).stripTrailingZeros().toPlainString();
    }

    private static String transposed(int[] shape, double[] a, double[] n, double[] t) {
        int r = shape.length;
        if (r < 2 || shape[r - 1] < 2 || shape[r - 2] < 2) {
            return null;
        }
        int rows = shape[r - 2];
        int cols = shape[r - 1];
        int block = rows * cols;
        // analytic holds numeric's transpose laid out row-major as [cols, rows]
        boolean matches = true;
        for (int base = 0; base < a.length && matches; base += block) {
            for (int p = 0; p < cols && matches; p++) {
                for (int q = 0; q < rows; q++) {
                    int k = base + p * rows + q;
                    int src = base + q * cols + p;
                    if (!(Math.abs(a[k] - n[src]) <= t[src])) {
                        matches = false;
                        break;
                    }
                }
            }
        }
        if (!matches) {
            return null;
        }
        return "analytic equals numeric transposed (the last two dimensions " + rows + " x " + cols
                + " swapped): a forgotten transpose";
    }

    private static String shifted(int[] shape, double[] a, double[] n, double[] t, int failures) {
        if (failures < 2 || failures * 2 < countSignificant(n, t)) {
            return null;
        }
        int[] strides = Indexing.strides(shape);
        for (int d = shape.length - 1; d >= 0; d--) {
            if (shape[d] < 3) {
                continue;
            }
            for (int delta : new int[] {1, -1}) {
                if (shiftMatches(shape, strides, d, delta, a, n, t)) {
                    String where = shape.length == 1 ? "" : " along dimension " + d;
                    return "analytic is numeric shifted by one position" + where + " (analytic[i] = numeric[i"
                            + (delta > 0 ? "+" : "-") + "1]): an off-by-one index";
                }
            }
        }
        return null;
    }

    private static int countSignificant(double[] n, double[] t) {
        int c = 0;
        for (int k = 0; k < n.length; k++) {
            if (significant(n[k], t[k])) {
                c++;
            }
        }
        return c;
    }

    private static boolean shiftMatches(int[] shape, int[] strides, int d, int delta, double[] a, double[] n,
            double[] t) {
        int overlap = 0;
        for (int k = 0; k < a.length; k++) {
            int idx = (k / strides[d]) % shape[d];
            int j = idx + delta;
            if (j < 0 || j >= shape[d]) {
                continue;
            }
            int src = k + delta * strides[d];
            if (!(Math.abs(a[k] - n[src]) <= t[src])) {
                return false;
            }
            if (significant(n[src], t[src])) {
                overlap++;
            }
        }
        return overlap * 2 >= a.length / shape[d] * (shape[d] - 1);
    }

    private static String slice(int[] shape, List<EntryResult> entries, List<Integer> failing) {
        if (shape.length < 1) {
            return null;
        }
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] < 2) {
                continue;
            }
            int v = entries.get(failing.get(0)).index()[d];
            boolean same = true;
            for (int k : failing) {
                if (entries.get(k).index()[d] != v) {
                    same = false;
                    break;
                }
            }
            if (!same) {
                continue;
            }
            String what = shape.length == 2 ? (d == 0 ? "row " + v : "column " + v)
                    : shape.length == 1 ? "entry " + v : "slice " + v + " along dimension " + d;
            String edge = v == shape[d] - 1 ? " (the last)" : v == 0 ? " (the first)" : "";
            boolean zeros = failing.stream().allMatch(k -> entries.get(k).analytic() == 0);
            return "wrong only in " + what + edge + (zeros ? ", where analytic is 0" : "")
                    + ": a loop bound or index error?";
        }
        if (shape.length == 1) {
            int lo = entries.get(failing.get(0)).index()[0];
            int hi = entries.get(failing.get(failing.size() - 1)).index()[0];
            if (hi - lo + 1 == failing.size() && (lo == 0 || hi == shape[0] - 1)) {
                return "wrong only in entries " + lo + ".." + hi + (lo == 0 ? " (at the start)" : " (at the end)")
                        + ": a loop bound?";
            }
        }
        return null;
    }

    private static String zeroSome(List<EntryResult> entries, List<Integer> failing) {
        int zeros = 0;
        for (int k : failing) {
            if (entries.get(k).analytic() == 0) {
                zeros++;
            }
        }
        if (zeros == 0) {
            return null;
        }
        return "analytic gradient is zero on " + zeros + " of " + failing.size() + " wrong entries where numeric is "
                + "not: a contribution is missing (not connected, or overwritten instead of accumulated)";
    }
}

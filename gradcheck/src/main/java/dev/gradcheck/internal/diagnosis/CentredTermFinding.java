package dev.gradcheck.internal.diagnosis;

import java.util.ArrayList;
import java.util.List;

/**
 * analytic − numeric lies along the centred input within each group of a normalisation: in each
 * slice, r = c·(x − mean(x)) with one c per slice (a missing or wrong term x̂·mean(g·x̂), the
 * gradient through the slice's variance: batch or layer norm without the variance's dependence on
 * x), or r = a + c·(x − mean(x)) (the mean's term too). The slices tried: along each dimension of 3
 * or more entries, over every dimension but one (a channel's batch norm of rank 3 or more), and the
 * whole input. Every entry compared and within its tolerance plus 1e-6 relative of the fitted
 * term (a and c by least squares, which separate, x − mean(x) summing to 0); 3 or more entries
 * clearly telling each fitted part from zero; 4 or more entries per slice for the two-part fit.
 * Tried after the slice term, which is the mean's term alone.
 */
final class CentredTermFinding implements Finding {
    static final String KIND = "centred_term";

    /** One way to group the entries: each entry's group number, and how the groups are named. */
    private record Grouping(int[] group, int groups, String name) {
    }

    @Override
    public Diagnosis test(Evidence e) {
        Evidence.Variable x = e.own();
        if (!e.full || x == null || e.wrongCount() == 0 || e.size() < 3) {
            return null;
        }
        List<Grouping> groupings = groupings(e.shape);
        for (boolean withMean : new boolean[] {false, true}) {
            for (Grouping g : groupings) {
                if (fits(e, x.values(), g, withMean)) {
                    return Diagnosis.of(KIND, wording(x.name(), g.name, withMean, e.every));
                }
            }
        }
        return null;
    }

    private static String wording(String input, String groups, boolean withMean, String every) {
        String fit = "analytic - numeric = " + (withMean ? "a + " : "") + "c·(" + input + " - its slice's mean) within "
                + groups + ", one " + (withMean ? "a and c" : "c") + " per slice" + every;
        if (withMean) {
            return fit + ": the terms through the slice's mean and through its variance are both missing or wrong (e.g."
                    + " a batch or layer norm backward that treats the mean and the variance as constants)";
        }
        return fit + ": the error lies along the normalised input x̂, a term of the form x̂·mean(g·x̂) is missing or"
                + " wrong, the gradient through the slice's variance (e.g. a batch or layer norm backward that drops the"
                + " variance's dependence on x)";
    }

    private static boolean fits(Evidence e, double[] x, Grouping g, boolean withMean) {
        int m = e.size();
        double[] count = new double[g.groups];
        double[] mean = new double[g.groups];
        double[] meanR = new double[g.groups];
        for (int k = 0; k < m; k++) {
            double r = e.a[k] - e.n[k];
            if (!Double.isFinite(r) || !Double.isFinite(x[k])) {
                return false;
            }
            count[g.group[k]]++;
            mean[g.group[k]] += x[k];
            meanR[g.group[k]] += r;
        }
        for (int s = 0; s < g.groups; s++) {
            if (count[s] < (withMean ? 4 : 3)) {
                return false;
            }
            mean[s] /= count[s];
            meanR[s] /= count[s];
        }
        double[] rx = new double[g.groups];
        double[] xx = new double[g.groups];
        for (int k = 0; k < m; k++) {
            double xc = x[k] - mean[g.group[k]];
            rx[g.group[k]] += (e.a[k] - e.n[k]) * xc;
            xx[g.group[k]] += xc * xc;
        }
        int tellingSlope = 0;
        int tellingMean = 0;
        for (int k = 0; k < m; k++) {
            int s = g.group[k];
            double slope = xx[s] == 0 ? 0 : rx[s] / xx[s] * (x[k] - mean[s]);
            double level = withMean ? meanR[s] : 0;
            if (!TermFit.within(e, k, e.a[k] - e.n[k], level + slope)) {
                return false;
            }
            tellingSlope += TermFit.clear(e, k, slope) ? 1 : 0;
            tellingMean += TermFit.clear(e, k, level) ? 1 : 0;
        }
        return tellingSlope >= 3 && (!withMean || tellingMean >= 3);
    }

    /** Along each dimension of 3+ entries (last first); over every dimension but one (rank 3+); the whole input. */
    private static List<Grouping> groupings(int[] shape) {
        List<Grouping> out = new ArrayList<>();
        int r = shape.length;
        for (int d = r - 1; d >= 0; d--) {
            if (shape[d] >= 3) {
                out.add(grouping(shape, keptAllBut(r, d), "each slice along dim " + d));
            }
        }
        if (r >= 3) {
            for (int c = 0; c < r; c++) {
                boolean[] kept = new boolean[r];
                kept[c] = true;
                out.add(grouping(shape, kept, "each slice over every dim but dim " + c));
            }
        }
        if (r >= 2) {
            out.add(grouping(shape, new boolean[r], "the whole input (one slice)"));
        }
        return out;
    }

    private static boolean[] keptAllBut(int r, int d) {
        boolean[] kept = new boolean[r];
        java.util.Arrays.fill(kept, true);
        kept[d] = false;
        return kept;
    }

    /** Entries in flat order grouped by their indices along the kept dimensions. */
    private static Grouping grouping(int[] shape, boolean[] kept, String name) {
        long size = 1;
        for (int s : shape) {
            size *= s;
        }
        int[] group = new int[(int) size];
        int groups = 1;
        for (int d = 0; d < shape.length; d++) {
            groups *= kept[d] ? shape[d] : 1;
        }
        int[] idx = new int[shape.length];
        for (int k = 0; k < group.length; k++) {
            int g = 0;
            for (int d = 0; d < shape.length; d++) {
                if (kept[d]) {
                    g = g * shape[d] + idx[d];
                }
            }
            group[k] = g;
            for (int d = shape.length - 1; d >= 0 && ++idx[d] == shape[d]; d--) {
                idx[d] = 0;
            }
        }
        return new Grouping(group, groups, name);
    }
}

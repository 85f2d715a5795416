package dev.gradcheck.internal.diagnosis;

/**
 * analytic − numeric the same within each slice along one dimension and different between slices
 * (or, divided by the output, the same): a term shared by the whole slice is missing or extra, the
 * gradient through the slice's mean, sum or normaliser (layer norm's or a centring's mean term,
 * softmax's −y·Σ g·y). Every entry of the input compared (the slices whole), a dimension of 3 or
 * more entries and 2 or more slices; each slice's constant the median of its differences, every
 * entry within its tolerance plus 1e-6 relative; the constants clearly non-zero on 3 entries or
 * more, and not all equal (else it is a constant offset). Tried after the offset.
 */
final class SliceTermFinding implements Finding {
    static final String KIND = "slice_term";

    @Override
    public Diagnosis test(Evidence e) {
        if (!e.full || e.wrongCount() == 0 || e.shape.length < 2) {
            return null;
        }
        for (int d = e.shape.length - 1; d >= 0; d--) {
            if (e.shape[d] < 3 || e.size() / e.shape[d] < 2) {
                continue;
            }
            if (constantPerSlice(e, d, null)) {
                return Diagnosis.of(KIND, "analytic - numeric is the same within each slice along dim " + d
                        + " and differs between slices: a term shared by "
                        + "the whole slice is missing or extra, the gradient through the slice's mean or sum (e.g. layer "
                        + "norm's or a centring's mean term)");
            }
            if (e.y != null && constantPerSlice(e, d, e.y)) {
                return Diagnosis.of(KIND, "(analytic - numeric)/output is the same within each slice along dim " + d
                        + " and differs between slices: a term output·c per slice is missing or extra, the gradient "
                        + "through the slice's normaliser (e.g. softmax's -y·Σ g·y, or, where the output is the normalised input"
                        + " x̂ itself, a layer or batch norm's variance term -x̂·mean(g·x̂))");
            }
        }
        return null;
    }

    /** Whether analytic − numeric = c_s·w (w = 1 when null) with c_s one constant per slice along dim d. */
    private static boolean constantPerSlice(Evidence e, int d, double[] w) {
        int m = e.size();
        int[] slice = sliceOf(e, d);
        // every entry compared (e.full): each of the m / shape[d] slices holds shape[d] of them
        double[][] ratios = new double[m / e.shape[d]][e.shape[d]];
        int[] filled = new int[ratios.length];
        for (int k = 0; k < m; k++) {
            double r = (e.a[k] - e.n[k]) / (w == null ? 1 : w[k]);
            if (!Double.isFinite(r)) {
                return false;
            }
            ratios[slice[k]][filled[slice[k]]++] = r;
        }
        double[] c = new double[ratios.length];
        for (int s = 0; s < c.length; s++) {
            c[s] = FactorFinding.median(ratios[s]);
        }
        int telling = 0;
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < m; k++) {
            double cs = c[slice[k]];
            double term = cs * (w == null ? 1 : w[k]);
            if (!TermFit.within(e, k, e.a[k] - e.n[k], term)) {
                return false;
            }
            if (TermFit.clear(e, k, term)) {
                telling++;
                lo = Math.min(lo, cs);
                hi = Math.max(hi, cs);
            }
        }
        return telling >= 3 && hi - lo > 1e-3 * Math.max(Math.abs(hi), Math.abs(lo));
    }

    /** For each entry, the number of its slice along dim d: its flat index with the index along d taken out. */
    static int[] sliceOf(Evidence e, int d) {
        int inner = 1;
        for (int i = d + 1; i < e.shape.length; i++) {
            inner *= e.shape[i];
        }
        int[] s = new int[e.size()];
        for (int k = 0; k < s.length; k++) {
            int f = e.flat[k];
            s[k] = f / (inner * e.shape[d]) * inner + f % inner;
        }
        return s;
    }
}

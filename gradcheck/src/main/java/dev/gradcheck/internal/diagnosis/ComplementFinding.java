package dev.gradcheck.internal.diagnosis;

/**
 * analytic + numeric = c·gradOutput on every entry, the derivative varying: the backward computes
 * c minus the true derivative, a complement (y² for tanh's 1 − y², σ(−x) for softplus' σ(x) =
 * 1 − σ(−x), p for 1 − p). Only where gradOutput is aligned with the entries (elementwise); c is
 * the median of (analytic + numeric)/gradOutput, every entry within its tolerance plus 1e-6
 * relative of c·gradOutput, c·gradOutput clearly above the tolerance on three entries or more, and
 * numeric/gradOutput differing from c/2 there (else analytic = numeric and nothing is wrong).
 * Tried after the factor and the offset, which a constant derivative would also fit.
 */
final class ComplementFinding implements Finding {
    static final String KIND = "complement";

    @Override
    public Diagnosis test(Evidence e) {
        int m = e.size();
        if (m < 3 || e.u == null) {
            return null;
        }
        double[] sums = new double[m];
        for (int k = 0; k < m; k++) {
            sums[k] = (e.a[k] + e.n[k]) / e.u[k];
            if (!Double.isFinite(sums[k])) {
                return null;
            }
        }
        double c = FactorFinding.median(sums);
        int telling = 0;
        for (int k = 0; k < m; k++) {
            double cw = c * e.u[k];
            if (!(Math.abs(e.a[k] + e.n[k] - cw) <= e.t[k] + 1e-6 * Math.abs(cw))) {
                return null;
            }
            // an entry tells a complement from a correct value when c·g is large and numeric is not half of it
            telling += Math.abs(cw) > 2 * e.t[k] && Math.abs(e.n[k] - cw / 2) > 2 * e.t[k] ? 1 : 0;
        }
        if (telling < 3) {
            return null;
        }
        String cs = Wording.plain(Double.parseDouble(Wording.num(c)));
        return Diagnosis.of(KIND, "analytic = " + cs + "·gradOutput - numeric" + e.every + ": the backward computes "
                + cs + " minus the true derivative, a complement (e.g. y² written for tanh's 1 - y², σ(-x) for σ(x) = "
                + "1 - σ(-x), p for 1 - p)");
    }
}

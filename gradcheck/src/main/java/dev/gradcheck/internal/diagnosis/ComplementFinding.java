package dev.gradcheck.internal.diagnosis;

import dev.gradcheck.Status;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * analytic + numeric = c·gradOutput on every entry, the derivative varying: the backward computes
 * c minus the true derivative, a complement (y² for tanh's 1 − y², σ(−x) for softplus' σ(x) =
 * 1 − σ(−x), p for 1 − p). Only where gradOutput is known at each entry (an elementwise op, or
 * one output value); c is the median of (analytic + numeric)/gradOutput, every entry within its
 * tolerance plus 1e-6 relative of c·gradOutput, c·gradOutput clearly above the tolerance on three
 * entries or more, and numeric/gradOutput differing from c/2 there (else analytic = numeric and
 * nothing is wrong).
 * Tried after the factor and the offset, which a constant derivative would also fit.
 *
 * <p>Where the output is one value (a loss of parameters), the complement is a vector K that does
 * not depend on the input, not a constant: {@link #acrossDraws} compares the draws.
 */
final class ComplementFinding implements Finding {
    static final String KIND = "complement";

    @Override
    public Diagnosis test(Evidence e) {
        if (e.size() < 3 || e.u == null) {
            return null;
        }
        double[] sums = new double[e.size()];
        for (int k = 0; k < sums.length; k++) {
            sums[k] = e.a[k] + e.n[k];
        }
        Double fit = TermFit.constant(e, sums, e.u);
        if (fit == null) {
            return null;
        }
        double c = fit;
        int telling = 0;
        for (int k = 0; k < sums.length; k++) {
            double cw = c * e.u[k];
            // an entry tells a complement from a correct value when c·g is large and numeric is not half of it
            telling += TermFit.clear(e, k, cw) && TermFit.clear(e, k, e.n[k] - cw / 2) ? 1 : 0;
        }
        if (telling < 3) {
            return null;
        }
        String cs = Wording.plain3(c);
        if (Math.abs(c - 2) <= 1e-6 * 2) {
            // analytic - g = -(numeric - g): more often a term of the wrong sign beside gradOutput itself
            return Diagnosis.of(KIND, "analytic = 2·gradOutput - numeric" + e.every + ": what the backward adds to"
                    + " gradOutput has the wrong sign (analytic - gradOutput = -(numeric - gradOutput), e.g. g + p·Σg"
                    + " written for log_softmax's g - p·Σg, a residual branch subtracted), or it computes 2 minus the"
                    + " true derivative");
        }
        return Diagnosis.of(KIND, "analytic = " + cs + "·gradOutput - numeric" + e.every + ": the backward computes "
                + cs + " minus the true derivative, a complement (e.g. y² written for tanh's 1 - y², σ(-x) for σ(x) = "
                + "1 - σ(-x), p for 1 - p)");
    }

    /**
     * Over an input's draws, for a function of one output value: (analytic + numeric)/gradOutput
     * the same vector K at every draw, entry by entry (within the tolerances), while numeric changes
     * between draws on three entries or more and K·gradOutput is clearly above the tolerance on three
     * or more: the backward computes a term independent of the input minus the true gradient (σ(z)
     * where σ(−z) is meant in a logistic loss: σ(z) + σ(−z) = 1). Null otherwise, or with fewer than
     * two draws.
     */
    static Diagnosis acrossDraws(List<Evidence> draws) {
        if (draws.size() < 2 || draws.stream().anyMatch(e -> e.u == null || e.y != null)
                || draws.stream().allMatch(e -> e.wrongCount() == 0)) {
            return null;
        }
        List<Map<Integer, Integer>> at = draws.stream().map(ComplementFinding::byFlatIndex).toList();
        Evidence first = draws.get(0);
        int telling = 0;
        int varying = 0;
        for (int k0 = 0; k0 < first.size(); k0++) {
            int[] js = new int[draws.size()];
            if (!usableEverywhere(draws, at, first.flat[k0], js)) {
                continue; // skipped (low resolution, non-finite) at some draw: it tells nothing
            }
            double k = (first.a[k0] + first.n[k0]) / first.u[k0];
            double slope0 = first.n[k0] / first.u[k0];
            boolean large = true;
            boolean varies = false;
            for (int d = 0; d < draws.size(); d++) {
                Evidence e = draws.get(d);
                int j = js[d];
                double ku = k * e.u[j];
                // the first draw's own error, carried to this draw's gradOutput, counts too
                double allowed = e.t[j] + first.t[k0] * Math.abs(e.u[j] / first.u[k0]) + 1e-6 * Math.abs(ku);
                if (!(Math.abs(e.a[j] + e.n[j] - ku) <= allowed)) {
                    return null;
                }
                large &= Math.abs(ku) > 2 * allowed;
                varies |= Math.abs(e.n[j] - slope0 * e.u[j]) > 2 * allowed;
            }
            telling += large ? 1 : 0;
            varying += varies ? 1 : 0;
        }
        if (telling < 3 || varying < 3) {
            return null;
        }
        return Diagnosis.of(KIND, "(analytic + numeric)/gradOutput is the same at every draw, entry by entry, while "
                + "numeric changes: the backward computes a term that does not depend on the input minus the true "
                + "gradient, a complement (e.g. σ(z) where σ(-z) is meant in a logistic loss, as σ(z) = 1 - σ(-z); p for 1 - p)");
    }

    /** Whether the entry at {@code flat} was judged at every draw with finite values; its positions into {@code js}. */
    private static boolean usableEverywhere(List<Evidence> draws, List<Map<Integer, Integer>> at, int flat, int[] js) {
        for (int d = 0; d < draws.size(); d++) {
            Evidence e = draws.get(d);
            Integer j = at.get(d).get(flat);
            if (j == null || e.entries.get(j).status() == Status.SKIPPED
                    || !Double.isFinite((e.a[j] + e.n[j]) / e.u[j]) || !Double.isFinite(e.n[j] / e.u[j])) {
                return false;
            }
            js[d] = j;
        }
        return true;
    }

    private static Map<Integer, Integer> byFlatIndex(Evidence e) {
        Map<Integer, Integer> m = new HashMap<>();
        for (int k = 0; k < e.size(); k++) {
            m.put(e.flat[k], k);
        }
        return m;
    }
}

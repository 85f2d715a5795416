package dev.gradcheck.internal.diagnosis;

import dev.gradcheck.Status;

/**
 * The numeric derivative is zero on every entry (exactly, on most of them: moving the entry does not
 * change the output) while the analytic one is not: the forward is piecewise constant (round, floor,
 * sign, a comparison), so its true gradient is 0 almost everywhere.
 */
final class PiecewiseConstantFinding implements Finding {
    static final String KIND = "piecewise_constant";

    @Override
    public Diagnosis test(Evidence e) {
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
        String name = e.own() == null ? "the input" : e.own().name();
        return Diagnosis.of(KIND, "numeric derivative is zero" + e.every + " (analytic is not, on " + nonZeroWrong + " of "
                + judged + "): the forward is piecewise constant in " + name + " (e.g. round, floor, sign or a"
                + " comparison), its true gradient is 0 almost everywhere; a non-zero backward is a deliberate"
                + " surrogate (straight-through) at best");
    }
}

package dev.gradcheck.internal.diagnosis;

/**
 * analytic = numeric + c·gradOutput on every entry (elementwise: the local derivative off by a
 * constant c), or analytic = numeric + c when gradOutput is not aligned with the entries: a constant
 * term in the backward's formula. c is the median of the differences; every entry within its
 * tolerance plus 1e-6 relative of c; three or more entries, and c clearly above the tolerance.
 */
final class OffsetFinding implements Finding {
    static final String KIND = "offset";

    @Override
    public Diagnosis test(Evidence e) {
        double[] w = TermFit.gradOutputOrOne(e);
        Double fit = TermFit.constant(e, TermFit.difference(e), w);
        if (fit == null) {
            return null;
        }
        double c = fit;
        int beyond = 0;
        for (int k = 0; k < e.size(); k++) {
            beyond += TermFit.clear(e, k, c * w[k]) ? 1 : 0;
        }
        if (beyond < 3) {
            return null;
        }
        String cs = Wording.plain3(c);
        return Diagnosis.of(KIND, e.u == null || isOne(e.u)
                ? "analytic = numeric + " + cs + e.every + ": a constant added to the gradient"
                : "analytic = numeric + " + cs + "·gradOutput" + e.every + ": the derivative is off by a constant "
                        + cs + " (a constant term in the backward's formula)");
    }

    private static boolean isOne(double[] u) {
        for (double v : u) {
            if (v != 1) {
                return false;
            }
        }
        return true;
    }
}

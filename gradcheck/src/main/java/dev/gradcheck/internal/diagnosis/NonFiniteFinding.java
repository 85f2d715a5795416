package dev.gradcheck.internal.diagnosis;

/**
 * Wrong entries whose analytic value (else numeric value) is NaN or infinite; when those entries
 * are exactly the ones in a region of the inputs (cbrt's derivative at x &lt; 0), the region is named
 * instead of anything about gradOutput.
 */
final class NonFiniteFinding implements Finding {
    static final String KIND = "non_finite";

    @Override
    public Diagnosis test(Evidence e) {
        Diagnosis d = side(e, true);
        return d != null ? d : side(e, false);
    }

    private static Diagnosis side(Evidence e, boolean analytic) {
        int m = e.size();
        boolean[] bad = new boolean[m];
        boolean[] fine = new boolean[m];
        int count = 0;
        int first = -1;
        boolean numericFiniteThere = true;
        for (int k = 0; k < m; k++) {
            double v = analytic ? e.a[k] : e.n[k];
            if (!Double.isFinite(v) && (e.wrong[k] || !analytic)) {
                bad[k] = true;
                count++;
                first = first < 0 ? k : first;
                numericFiniteThere &= Double.isFinite(e.n[k]);
            } else if (Double.isFinite(v)) {
                fine[k] = true;
            }
        }
        if (count == 0 || !analytic && !anyWrong(e, bad)) {
            return null;
        }
        double v = analytic ? e.a[first] : e.n[first];
        String what = analytic ? "analytic gradient" : "numeric derivative";
        StringBuilder s = new StringBuilder(what + " is " + v + " at " + Wording.index(e.entries.get(first).index()));
        if (count > 1) {
            s.append(" and ").append(count - 1).append(" more entr").append(count == 2 ? "y" : "ies");
        }
        Region r = Region.find(e, bad, fine);
        if (r != null) {
            s.append(", exactly where ").append(r.where()).append(" (")
                    .append(Wording.regionCounts(r, analytic ? "non-finite entries" : "such entries", "finite ones"))
                    .append(")");
        } else if (count == m && m > 1) {
            s.append(" (every entry)");
        }
        if (analytic) {
            int finiteWrong = 0;
            int finite = 0;
            boolean allInfinite = true;
            for (int k = 0; k < m; k++) {
                if (bad[k]) {
                    allInfinite &= Double.isInfinite(e.a[k]);
                } else if (Double.isFinite(e.a[k])) {
                    finite++;
                    finiteWrong += e.wrong[k] ? 1 : 0;
                }
            }
            if (!numericFiniteThere) {
                s.append(": the forward is not finite near the point either");
            } else if (allInfinite) {
                s.append(": the backward's formula overflows (or divides by zero) there while the forward is finite");
            } else {
                s.append(": the backward's formula is not defined there while the forward is (e.g. a root or"
                        + " fractional power of a negative number, a log of a non-positive one, a division by zero,"
                        + " or 0·∞)");
            }
            if (finiteWrong > 0) {
                s.append("; the finite entries are wrong too (").append(finiteWrong).append(" of ").append(finite)
                        .append("): the formula itself is wrong, not only where it is not finite");
            }
        } else {
            s.append(": the forward is not finite near the point");
        }
        return r != null ? new Diagnosis(s.toString(), java.util.List.of(KIND, RegionFinding.KIND))
                : Diagnosis.of(KIND, s.toString());
    }

    private static boolean anyWrong(Evidence e, boolean[] bad) {
        for (int k = 0; k < bad.length; k++) {
            if (bad[k] && e.wrong[k]) {
                return true;
            }
        }
        return false;
    }
}

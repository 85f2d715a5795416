package dev.gradcheck.internal.diagnosis;

/**
 * Every wrong entry (three or more) is off by little: at most 1e-3 of its scale (its numeric value
 * plus its gradOutput where aligned, {@link Evidence#entryScale}), and at least 80% of them (three or
 * more) by at most 1e-3 of their own numeric value; beyond the tolerance but far below a wrong
 * formula's error. The formula's structure is right and a detail is not: a constant rounded or
 * slightly off (0.3333 for 1/3, 0.7979 for √(2/π)), a small term missing (an eps, a decay), or an
 * approximation of the derivative. Tried after the patterns with a cause of their own (a factor,
 * float rounding), inside a region too ({@link RegionFinding}).
 */
final class NearMissFinding implements Finding {
    static final String KIND = "near_miss";
    /** The most a wrong entry may be off, against its scale ({@link Evidence#entryScale}). */
    private static final double SMALL = 1e-3;

    @Override
    public Diagnosis test(Evidence e) {
        for (int k = 0; k < e.size(); k++) {
            if (!Double.isFinite(e.a[k]) || !Double.isFinite(e.n[k])) {
                return null;
            }
        }
        int wrong = 0;
        int close = 0;
        double worst = 0;
        for (int k = 0; k < e.size(); k++) {
            if (e.wrong[k]) {
                double off = Math.abs(e.a[k] - e.n[k]);
                if (!(off <= SMALL * e.entryScale(k))) {
                    return null;
                }
                worst = Math.max(worst, off / e.entryScale(k));
                close += off <= SMALL * Math.abs(e.n[k]) ? 1 : 0;
                wrong++;
            }
        }
        // close to its own value on most wrong entries, not only small beside gradOutput (a wrong
        // derivative that is tiny where the function saturates is small beside g, not close)
        if (wrong < 3 || e.numericMax == 0 || close < 3 || close < 0.8 * wrong) {
            return null;
        }
        return Diagnosis.of(KIND, "the wrong entries (" + wrong + " of " + e.size() + ") are off by little, at most "
                + Wording.num(worst) + " of the entry's scale: the formula is right in form and a detail is not — a"
                + " constant rounded or slightly off (e.g. 0.3333 for 1/3), a small term missing (an eps, a decay), or"
                + " an approximation of the derivative");
    }
}

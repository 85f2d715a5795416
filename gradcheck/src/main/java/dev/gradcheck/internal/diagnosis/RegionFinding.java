package dev.gradcheck.internal.diagnosis;

import java.util.List;

/**
 * The wrong entries are exactly those in a region of the inputs ("wrong only where input0 &lt; 0: 11
 * of 11 wrong entries have input0 &lt; 0, 0 of 13 right ones"; thresholds other than 0 too, "&gt; 20"),
 * right entries whose values could not show an error (both near zero) left out; see {@link Region}
 * for when such a split counts as evidence. What the analytic value is inside the region is then
 * named by the value patterns tried on those entries alone.
 */
final class RegionFinding implements Finding {
    static final String KIND = "region";

    /** The patterns tried inside the region (and inside a slice, {@link SliceFinding}), in order. */
    static final List<Finding> INSIDE = List.of(new DerivativeOneFinding(), new FactorFinding(),
            new ZeroThereFinding(), new ProductFinding(), new OffsetFinding(), new OutputForInputFinding(),
            new InputForOutputFinding(), new NearMissFinding(), new SmoothFactorFinding());

    @Override
    public Diagnosis test(Evidence e) {
        int m = e.size();
        boolean[] wrong = new boolean[m];
        boolean[] right = new boolean[m];
        for (int k = 0; k < m; k++) {
            wrong[k] = e.wrong[k];
            right[k] = !e.wrong[k] && (e.significant(k) || Math.abs(e.a[k]) > e.t[k]);
        }
        Region r = Region.find(e, wrong, right);
        if (r == null) {
            return null;
        }
        Diagnosis d = Diagnosis.of(KIND, "wrong only where " + r.where() + " ("
                + Wording.regionCounts(r, "wrong entries", "right ones") + ")");
        Diagnosis there = inside(e, r.mask());
        return there != null ? d.then(": ", there) : d.then("", Diagnosis.of(KIND, ": a branch or case for it is wrong?"));
    }

    /** What the analytic value is on the entries of {@code mask} alone, by the {@link #INSIDE} patterns; or null. */
    static Diagnosis inside(Evidence e, boolean[] mask) {
        Evidence there = e.restrict(mask, " on every entry there");
        for (Finding f : INSIDE) {
            Diagnosis d = f.test(there);
            if (d != null) {
                return d;
            }
        }
        return null;
    }

    /** Inside a region: the analytic value is 0 on every wrong entry. */
    static final class ZeroThereFinding implements Finding {
        @Override
        public Diagnosis test(Evidence e) {
            int wrong = 0;
            for (int k = 0; k < e.size(); k++) {
                if (e.wrong[k]) {
                    if (e.a[k] != 0) {
                        return null;
                    }
                    wrong++;
                }
            }
            return wrong < 2 ? null : Diagnosis.of(NotConnectedFinding.KIND, "analytic is 0 on every wrong entry there:"
                    + " that branch contributes no gradient");
        }
    }
}

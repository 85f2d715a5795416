package dev.gradcheck.internal.diagnosis;

import dev.gradcheck.internal.Indexing;

/**
 * analytic[i] = numeric[i ± 1] along one dimension (of length 3 or more) wherever both exist, over
 * at least half the overlap's entries clearly non-zero: an off-by-one index.
 */
final class ShiftedFinding implements Finding {
    static final String KIND = "shifted";

    @Override
    public Diagnosis test(Evidence e) {
        int failures = e.wrongCount();
        if (!e.full || failures < 2 || failures * 2 < significantCount(e)) {
            return null;
        }
        int[] shape = e.shape;
        int[] strides = Indexing.strides(shape);
        for (int d = shape.length - 1; d >= 0; d--) {
            if (shape[d] < 3) {
                continue;
            }
            for (int delta : new int[] {1, -1}) {
                if (matches(e, strides, d, delta)) {
                    String where = shape.length == 1 ? "" : " along dimension " + d;
                    return Diagnosis.of(KIND, "analytic is numeric shifted by one position" + where + " (analytic[i] = numeric[i"
                            + (delta > 0 ? "+" : "-") + "1]): an off-by-one index");
                }
            }
        }
        return null;
    }

    private static int significantCount(Evidence e) {
        int c = 0;
        for (int k = 0; k < e.size(); k++) {
            c += e.significant(k) ? 1 : 0;
        }
        return c;
    }

    private static boolean matches(Evidence e, int[] strides, int d, int delta) {
        int[] shape = e.shape;
        int overlap = 0;
        for (int k = 0; k < e.size(); k++) {
            int idx = (k / strides[d]) % shape[d];
            int j = idx + delta;
            if (j < 0 || j >= shape[d]) {
                continue;
            }
            int src = k + delta * strides[d];
            if (!(Math.abs(e.a[k] - e.n[src]) <= e.t[src])) {
                return false;
            }
            if (e.significant(src)) {
                overlap++;
            }
        }
        return overlap * 2 >= e.size() / shape[d] * (shape[d] - 1);
    }
}

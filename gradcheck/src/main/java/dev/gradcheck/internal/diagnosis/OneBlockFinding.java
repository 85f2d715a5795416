package dev.gradcheck.internal.diagnosis;

/**
 * analytic equals the gradient that the first (or the last) block of outputs alone gives the
 * input, where a small input is broadcast over several blocks of the output (a bias of n entries,
 * an output of B rows of n): the gradient is not summed over the batch, one row's taken for all. On
 * every entry within its tolerance plus 1e-6 of the gradient's scale, and on three entries or more
 * (every entry of a smaller input) the other blocks' share clearly above that, so the full sum
 * differs. Uses {@link BlockProbe} (2n more forward evaluations, only when the finding is tried).
 */
final class OneBlockFinding implements Finding {
    static final String KIND = "one_block";

    @Override
    public Diagnosis test(Evidence e) {
        if (e.blocks == null || e.size() == 0 || e.wrongCount() == 0) {
            return null;
        }
        double[][] g = e.blocks.perBlock();
        if (g == null) {
            return null;
        }
        int last = g.length - 1;
        for (int b : new int[] {0, last}) {
            if (takesBlock(e, g, b)) {
                int n = e.blocks.blockSize();
                String which = b == 0 ? "first" : "last";
                return Diagnosis.of(KIND, "analytic equals the gradient of the " + which + " block of outputs alone"
                        + e.every + " (outputs " + b * n + ".." + ((b + 1) * n - 1) + " of " + g.length * n + ", the input "
                        + "broadcast over " + g.length + " blocks of " + n + "): the gradient is not summed over the "
                        + "batch, one row's taken for all (e.g. a bias gradient from one sample: = where += was meant)");
            }
        }
        return null;
    }

    private static boolean takesBlock(Evidence e, double[][] g, int b) {
        int telling = 0;
        for (int k = 0; k < e.size(); k++) {
            int j = e.flat[k];
            double others = 0;
            double scale = 0;
            for (int c = 0; c < g.length; c++) {
                scale += Math.abs(g[c][j]);
                others += c == b ? 0 : g[c][j];
            }
            double tol = e.t[k] + 1e-6 * Math.max(scale, e.numericMax);
            if (!(Math.abs(e.a[k] - g[b][j]) <= tol)) {
                return false;
            }
            telling += Math.abs(others) > 2 * tol ? 1 : 0;
        }
        return telling >= Math.min(3, e.size());
    }
}

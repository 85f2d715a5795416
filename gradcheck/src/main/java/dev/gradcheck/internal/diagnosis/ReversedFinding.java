package dev.gradcheck.internal.diagnosis;

import dev.gradcheck.internal.Indexing;

/**
 * A gradient taken in reverse order, the flipped kernel of a convolution: analytic equals numeric
 * reversed along one dimension of 3 or more (analytic[i] = numeric[n−1−i]: the kernel's own
 * gradient indexed backwards); or, with the forward known and the input small, analytic equals the
 * true gradient with both the input's and the output's entries reversed, R·Jᵀ·(R·gradOutput) —
 * what a backward that applies the kernel reversed computes (for a convolution J's entries depend
 * on the offset j − i, and reversing both sides turns K[j − i] into K[(m − 1) − (j − i)]). Every
 * entry compared, every one matching; telling the prediction from the numeric value on 2 or more
 * entries for the first (a kernel of 3 swaps two), 3 or more for the second.
 */
final class ReversedFinding implements Finding {
    static final String KIND = "reversed";

    @Override
    public Diagnosis test(Evidence e) {
        if (!e.full || e.size() < 3) {
            return null;
        }
        int[] strides = Indexing.strides(e.shape);
        for (int d = e.shape.length - 1; d >= 0; d--) {
            if (e.shape[d] >= 3 && reversedNumeric(e, strides, d)) {
                String along = e.shape.length == 1 ? "" : " along dim " + d;
                int last = e.shape[d] - 1;
                return Diagnosis.of(KIND, "analytic equals numeric reversed" + along + " (analytic[i] = numeric[" + last
                        + " - i])" + e.every + ": the gradient is written in reverse order (e.g. a kernel's gradient"
                        + " indexed k where " + last + " - k was meant: a flipped kernel)");
            }
        }
        return throughReversedKernel(e);
    }

    private static boolean reversedNumeric(Evidence e, int[] strides, int d) {
        int m = e.size();
        double[] predicted = new double[m];
        double[] error = new double[m];
        for (int k = 0; k < m; k++) {
            int idx = (e.flat[k] / strides[d]) % e.shape[d];
            int src = e.flat[k] + (e.shape[d] - 1 - 2 * idx) * strides[d];
            predicted[k] = e.n[src]; // every entry compared in flat order: entry src is at position src
            error[k] = e.t[src];
        }
        return Matching.everyEntryPredicted(e, predicted, error, 2);
    }

    /** analytic = R·Jᵀ·(R·gradOutput), R reversing the flat order: the backward applies the kernel reversed. */
    private static Diagnosis throughReversedKernel(Evidence e) {
        JacobianProbe p = e.jacobian;
        if (p == null || p.outputSize() < 3 || p.inputSize() != e.size() || p.inputSize() > JacobianProbe.MAX_ENTRIES) {
            return null;
        }
        double[] u = p.gradOutput();
        double[] reversedU = new double[u.length];
        for (int k = 0; k < u.length; k++) {
            reversedU[k] = u[u.length - 1 - k];
        }
        JacobianProbe.Estimate back = p.transposedProduct(reversedU);
        if (back == null) {
            return null;
        }
        int m = e.size();
        double[] predicted = new double[m];
        double[] error = new double[m];
        for (int k = 0; k < m; k++) {
            int src = m - 1 - e.flat[k];
            predicted[k] = back.value()[src];
            error[k] = back.error()[src];
        }
        if (!Matching.everyEntryPredicted(e, predicted, error, 3)) {
            return null;
        }
        return Diagnosis.of(KIND, "analytic equals the true gradient with the input's and the output's entries both"
                + " reversed (analytic = R·Jᵀ·(R·gradOutput), R reversing the order, J the forward's Jacobian by central"
                + " differences)" + e.every + ": the backward applies the kernel reversed, a flipped kernel (a"
                + " convolution where a correlation was meant, or the reverse: w[K-1-k] for w[k])");
    }
}

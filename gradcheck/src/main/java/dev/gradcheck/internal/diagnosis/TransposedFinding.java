package dev.gradcheck.internal.diagnosis;

/** analytic holds numeric's transpose (the last two dimensions swapped, laid out row-major): a forgotten transpose. */
final class TransposedFinding implements Finding {
    static final String KIND = "transposed";

    @Override
    public Diagnosis test(Evidence e) {
        int[] shape = e.shape;
        int r = shape.length;
        if (!e.full || r < 2 || shape[r - 1] < 2 || shape[r - 2] < 2) {
            return null;
        }
        int rows = shape[r - 2];
        int cols = shape[r - 1];
        int block = rows * cols;
        for (int base = 0; base < e.size(); base += block) {
            for (int p = 0; p < cols; p++) {
                for (int q = 0; q < rows; q++) {
                    int k = base + p * rows + q;
                    int src = base + q * cols + p;
                    if (!(Math.abs(e.a[k] - e.n[src]) <= e.t[src])) {
                        return null;
                    }
                }
            }
        }
        return Diagnosis.of(KIND, "analytic equals numeric transposed (the last two dimensions " + rows + " x " + cols
                + " swapped): a forgotten transpose");
    }
}

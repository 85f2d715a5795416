package dev.gradcheck.internal.diagnosis;

/** The analytic gradient is exactly zero on every entry while the numeric one is not. */
final class NotConnectedFinding implements Finding {
    static final String KIND = "zero";

    @Override
    public Diagnosis test(Evidence e) {
        if (!e.full) {
            return null;
        }
        boolean anyNumeric = false;
        for (int k = 0; k < e.size(); k++) {
            if (e.a[k] != 0) {
                return null;
            }
            anyNumeric |= e.significant(k);
        }
        return anyNumeric ? Diagnosis.of(KIND, "analytic gradient is zero on every entry where numeric is not: the input"
                + " is not connected to the output in backward (or its gradient is overwritten instead of accumulated)")
                : null;
    }
}

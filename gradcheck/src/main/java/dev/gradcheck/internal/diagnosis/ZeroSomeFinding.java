package dev.gradcheck.internal.diagnosis;

/** The analytic value is exactly 0 on some wrong entries: a contribution is missing. */
final class ZeroSomeFinding implements Finding {
    static final String KIND = "zero_some";

    @Override
    public Diagnosis test(Evidence e) {
        int zeros = 0;
        int wrong = 0;
        for (int k = 0; k < e.size(); k++) {
            if (e.wrong[k]) {
                wrong++;
                zeros += e.a[k] == 0 ? 1 : 0;
            }
        }
        if (zeros == 0) {
            return null;
        }
        return Diagnosis.of(KIND, "analytic gradient is zero on " + zeros + " of " + wrong + " wrong entries where numeric is "
                + "not: a contribution is missing (not connected, or overwritten instead of accumulated)");
    }
}

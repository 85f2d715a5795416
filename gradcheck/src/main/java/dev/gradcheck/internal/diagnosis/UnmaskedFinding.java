package dev.gradcheck.internal.diagnosis;

/**
 * The gradient reaches entries the forward ignores: every wrong entry has a numeric derivative of
 * 0 (within its tolerance: the output does not depend on the entry here) and a clearly non-zero
 * analytic value, two or more of them, while every entry whose numeric derivative stands out from
 * 0 is right, one or more of them. A mask the backward leaves out: max_pool's gradient sent to
 * every position of its window instead of the argmax, relu's without its x > 0 mask, an ignored
 * class or padding position given a gradient. The mirror of {@link ZeroSomeFinding}.
 */
final class UnmaskedFinding implements Finding {
    static final String KIND = "unmasked";

    @Override
    public Diagnosis test(Evidence e) {
        int unmasked = 0;
        int rightNonZero = 0;
        for (int k = 0; k < e.size(); k++) {
            boolean numericZero = Math.abs(e.n[k]) <= e.t[k];
            if (e.wrong[k]) {
                if (!numericZero || !(Math.abs(e.a[k]) > e.t[k])) {
                    return null;
                }
                unmasked++;
            } else if (!numericZero) {
                rightNonZero++;
            }
        }
        if (unmasked < 2 || rightNonZero == 0) {
            return null;
        }
        return Diagnosis.of(KIND, "analytic is non-zero on " + unmasked + " entries where numeric is 0 (the output"
                + " does not depend on them here), and right on the " + rightNonZero + " where numeric is not: the"
                + " gradient reaches entries the forward ignores, a mask the backward leaves out (e.g. max_pool's"
                + " gradient sent to every position of its window instead of the argmax, relu's without its x > 0"
                + " mask, an ignored class or padding position given a gradient)");
    }
}

package dev.gradcheck.internal.diagnosis;

/**
 * The forward computes in float while the check is in double: every output at the point is a
 * float ({@link FloatGrid#allFloats}: at least three with more than 12 significant bits, which a
 * double result has by chance once in 2²⁷ each) and the input's own values are not (a FLOAT32
 * check rounds its points to float). The numeric derivative then measures the output's float
 * rounding (about 6e-8 of each value), not the function's slope: 0 where the forward is flat
 * within that rounding (a saturated tanh), noise elsewhere. Named before the value patterns, which
 * would otherwise blame the backward for what the forward's rounding did.
 */
final class FloatForwardFinding implements Finding {
    static final String KIND = "float_forward";

    @Override
    public Diagnosis test(Evidence e) {
        Evidence.Variable own = e.own();
        if (!e.floatOutputs || own == null || FloatGrid.allFloats(own.values())) {
            return null;
        }
        return Diagnosis.of(KIND, "the forward's outputs are single-precision (float) numbers while its inputs are"
                + " double: a double-precision finite difference sees the outputs' float rounding (about 6e-8 of each"
                + " value), not their slope, so where the forward is flat within that rounding (e.g. a saturated tanh)"
                + " the numeric derivative is 0 and elsewhere it is off by the rounding over the step; the backward"
                + " is not shown wrong: compute the forward in double, or check the op as a single-precision one"
                + " (Precision.FLOAT32)");
    }
}

package dev.gradcheck.internal.diagnosis;

/**
 * Whether doubles are single-precision (float) numbers: the test behind the {@code single_precision}
 * finding (a backward that computes in float) and the hint that a forward computes in float (its
 * rounding, about 6e-8 of each output, is then what keeps a double check from judging any entry).
 */
public final class FloatGrid {
    /** Bits beyond which a float value is evidence (a short dyadic like 0.375 is not). */
    public static final int TELLING_BITS = 12;

    private FloatGrid() {
    }

    /**
     * Whether v is a float up to the rounding of one double product and quotient (g·f / g comes
     * back within a few double ulps of f, while floats are 2²⁹ double ulps apart).
     */
    public static boolean isFloat(double v) {
        if (!Double.isFinite(v)) {
            return false;
        }
        float f = (float) v;
        return Float.isFinite(f) && Math.abs(v - f) <= 4 * Math.ulp(v);
    }

    /** The significant bits of a float: 24 less its significand's trailing zeros (0 for zero). */
    public static int bits(float f) {
        if (f == 0 || !Float.isFinite(f)) {
            return 0;
        }
        int significand = Float.floatToRawIntBits(f) & 0x7FFFFF;
        if (Math.getExponent(f) >= Float.MIN_EXPONENT) {
            significand |= 0x800000; // the implicit leading bit of a normal float
        }
        return 32 - Integer.numberOfLeadingZeros(significand) - Integer.numberOfTrailingZeros(significand);
    }

    /**
     * True when every value is exactly a float and at least {@code min(3, values.length)} of them
     * carry more than {@value #TELLING_BITS} significant bits: a double computation lands there by
     * chance about once in 2²⁷ per value.
     */
    public static boolean allFloats(double[] values) {
        int telling = 0;
        for (double v : values) {
            if (!Double.isFinite(v) || (double) (float) v != v) {
                return false;
            }
            telling += bits((float) v) > TELLING_BITS ? 1 : 0;
        }
        return values.length > 0 && telling >= Math.min(3, values.length);
    }
}

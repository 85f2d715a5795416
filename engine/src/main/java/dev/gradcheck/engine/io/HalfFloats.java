package dev.gradcheck.engine.io;

/**
 * The 16-bit float formats, widened exactly to double (Java 17 has no
 * {@code Float.float16ToFloat}): every float16 and bfloat16 value, subnormals, ±0, ±inf and NaN
 * included, is a double.
 */
public final class HalfFloats {
    private HalfFloats() {
    }

    /** An IEEE 754 half-precision (float16) value from its 16 bits, exactly. */
    public static double float16(int bits) {
        boolean negative = (bits & 0x8000) != 0;
        int exp = (bits >>> 10) & 0x1f;
        int mant = bits & 0x3ff;
        double magnitude;
        if (exp == 0x1f) {
            magnitude = mant == 0 ? Double.POSITIVE_INFINITY : Double.NaN;
        } else if (exp == 0) {
            magnitude = mant * 0x1p-24; // subnormal (and zero)
        } else {
            magnitude = (1024 + mant) * Math.scalb(1.0, exp - 25);
        }
        return negative ? -magnitude : magnitude;
    }

    /** A bfloat16 value from its 16 bits (the high half of a float32), exactly. */
    public static double bfloat16(int bits) {
        return Float.intBitsToFloat((bits & 0xffff) << 16);
    }
}

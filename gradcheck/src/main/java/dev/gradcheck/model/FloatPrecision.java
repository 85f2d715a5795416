package dev.gradcheck.model;

/**
 * The floating-point format gradients or constants were computed or stored in, and the
 * tolerance {@code compare} judges at when gradients come from it.
 *
 * <p>Gradients a framework computes in float32 differ from the float64 reference by the rounding
 * of every operation on the way back: on PyTorch 1.13's exports (MLPs, a LeNet, a ResNet block, a
 * ViT block; float32 gradients against float64 ones from the same values) at most 15 unit roundoffs {@code u} of the entry's
 * magnitude plus the largest magnitude of its tensor (rounding of a sum is relative to its largest
 * terms, not to the result, which may cancel to near zero). {@link #tolerance()} allows
 * {@code 1024 u} for float32 (2<sup>-14</sup> ≈ 6.1e-5, about 500 float32 ulps of 1), a wide
 * margin for deeper models that still sees a factor of 2 or a wrong entry four orders of
 * magnitude above float32 noise; half-precision formats get {@code 32 u}, since their noise is
 * already a few percent.
 *
 * @see #of(String)
 */
public enum FloatPrecision {
    /** IEEE double: the reference's own precision; compare's default tolerances apply. */
    FLOAT64("float64", 0x1p-53, 0),
    /** IEEE single. */
    FLOAT32("float32", 0x1p-24, 0x1p-14),
    /** IEEE half. */
    FLOAT16("float16", 0x1p-11, 0x1p-6),
    /** bfloat16 (8 bits of mantissa). */
    BFLOAT16("bfloat16", 0x1p-8, 0x1p-3);

    private final String label;
    private final double unitRoundoff;
    private final double tolerance;

    FloatPrecision(String label, double unitRoundoff, double tolerance) {
        this.label = label;
        this.unitRoundoff = unitRoundoff;
        this.tolerance = tolerance;
    }

    /** The dtype's name ({@code float32}). */
    public String label() {
        return label;
    }

    /** Half the distance from 1 to the next representable number (2<sup>-24</sup> for float32). */
    public double unitRoundoff() {
        return unitRoundoff;
    }

    /**
     * The relative tolerance of a comparison at this precision: an entry passes when
     * {@code |theirs − reference| <= tolerance·(|reference| + max |reference| of its tensor)}
     * (0 for float64: compare's own tolerances apply).
     */
    public double tolerance() {
        return tolerance;
    }

    /** The coarser of this and {@code other}. */
    public FloatPrecision coarser(FloatPrecision other) {
        return other.unitRoundoff > unitRoundoff ? other : this;
    }

    /** The precision of a float dtype named {@code label} ({@code float32}, {@code float16}, ...), or null for others. */
    public static FloatPrecision of(String label) {
        for (FloatPrecision p : values()) {
            if (p.label.equals(label)) {
                return p;
            }
        }
        return null;
    }
}

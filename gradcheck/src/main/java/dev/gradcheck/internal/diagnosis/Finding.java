package dev.gradcheck.internal.diagnosis;

/**
 * One pattern a wrong gradient can show, with its evidence test. Implementations are small and
 * stateless; {@link Findings} tries them in order.
 */
interface Finding {
    /**
     * The diagnosis when the evidence supports this pattern, else null. Never throws on odd
     * evidence (NaN, a single entry, no gradOutput): it then returns null.
     */
    Diagnosis test(Evidence e);
}

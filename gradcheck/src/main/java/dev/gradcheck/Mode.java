package dev.gradcheck;

/** How many entries of each input gradient are compared. */
public enum Mode {
    /** Every entry: one numeric derivative per input entry. */
    FULL,
    /**
     * Seeded random projections: {@code probes} comparisons of vᵀ·g (analytic) with the numeric
     * directional derivative along v; on a failure the wrong entries are localised by bisecting
     * over blocks of coordinates (O(log N) extra probes).
     */
    FAST,
    /** {@code samples} seeded random entries per input. */
    SAMPLED
}
